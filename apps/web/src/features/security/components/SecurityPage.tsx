import { Link } from 'react-router';

import '../security.css';
import { ChangeEmailSection, DeleteAccountSection } from './AccountSections';
import { ActivitySection } from './ActivitySection';
import { PasskeysSection } from './PasskeysSection';
import { TwoStepSection } from './TwoStepSection';

/** Settings → Security: second factor, passkeys, activity, email, account deletion. */
export function SecurityPage() {
  return (
    <section aria-labelledby="security-title" className="settings security">
      <p className="breadcrumbs">
        <Link to="/settings">Settings</Link> / Security
      </p>
      <h1 id="security-title">Security</h1>
      <p className="muted">
        See where you are signed in on the <Link to="/settings/devices">Devices</Link> page.
      </p>
      <TwoStepSection />
      <PasskeysSection />
      <ActivitySection />
      <ChangeEmailSection />
      <DeleteAccountSection />
    </section>
  );
}
