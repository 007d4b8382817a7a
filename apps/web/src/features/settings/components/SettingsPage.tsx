import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';

import { Alert } from '../../../components/ui/Alert';
import { Button } from '../../../components/ui/Button';
import { ErrorState } from '../../../components/ui/ErrorState';
import { Field } from '../../../components/ui/Field';
import { useNewPassword } from '../../../components/ui/NewPasswordFields';
import { type UserOut } from '../../../lib/api-client';
import { errorMessage } from '../../../lib/api-error';
import { useChangePassword, useMe, useUpdateProfile } from '../api';
import { ExportImport } from './ExportImport';
import { TagManager } from './TagManager';

/** Every IANA zone the browser knows, with the current and the device's zone surely in it. */
function timeZones(current: string, device: string): string[] {
  const known =
    typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return [...new Set(['UTC', current, device, ...known].filter(Boolean))].sort((a, b) =>
    a === 'UTC' ? -1 : b === 'UTC' ? 1 : a.localeCompare(b),
  );
}

function ProfileForm({ user }: { user: UserOut }) {
  const [name, setName] = useState(user.display_name);
  const [notify, setNotify] = useState(user.notify_new_device);
  const [timezone, setTimezone] = useState(user.timezone || 'UTC');
  const update = useUpdateProfile();
  const deviceZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const zones = timeZones(timezone, deviceZone);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    update.reset(); // an earlier answer never stays beside the new one
    update.mutate({ display_name: name, notify_new_device: notify, timezone });
  }

  return (
    <form onSubmit={onSubmit} className="card" aria-labelledby="profile-title">
      <h2 id="profile-title">Profile</h2>
      {update.isSuccess ? <Alert kind="success">Profile saved.</Alert> : null}
      {update.isError ? <Alert>{errorMessage(update.error)}</Alert> : null}
      <Field label="Email" value={user.email} readOnly disabled />
      <Field
        label="Display name"
        value={name}
        maxLength={100}
        onChange={(e) => setName(e.target.value)}
      />
      <div className="field">
        <label htmlFor="profile-timezone">Time zone</label>
        <select
          id="profile-timezone"
          value={timezone}
          aria-describedby="profile-timezone-hint"
          onChange={(e) => setTimezone(e.target.value)}
        >
          {zones.map((zone) => (
            <option key={zone} value={zone}>
              {zone.replace(/_/g, ' ')}
            </option>
          ))}
        </select>
        <p className="field-hint" id="profile-timezone-hint">
          Streaks and &ldquo;today&rdquo; follow this zone.{' '}
          {deviceZone && deviceZone !== timezone ? (
            <button type="button" className="link-button" onClick={() => setTimezone(deviceZone)}>
              Use this device&apos;s zone ({deviceZone.replace(/_/g, ' ')})
            </button>
          ) : null}
        </p>
      </div>
      <div className="checkbox">
        <input
          id="notify-new-device"
          type="checkbox"
          checked={notify}
          onChange={(e) => setNotify(e.target.checked)}
        />
        <label htmlFor="notify-new-device">Email me when a new device signs in</label>
      </div>
      <Button type="submit" disabled={update.isPending}>
        Save profile
      </Button>
    </form>
  );
}

function PasswordForm() {
  const [current, setCurrent] = useState('');
  const newPassword = useNewPassword();
  const change = useChangePassword();

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    change.reset();
    if (!newPassword.confirmMatches()) return;
    change.mutate(
      { current_password: current, new_password: newPassword.password },
      {
        onSuccess: () => {
          setCurrent('');
          newPassword.reset();
        },
      },
    );
  }

  return (
    <form onSubmit={onSubmit} className="card" aria-labelledby="password-title">
      <h2 id="password-title">Password</h2>
      {change.isSuccess ? <Alert kind="success">{change.data.detail}</Alert> : null}
      {change.isError ? <Alert>{errorMessage(change.error)}</Alert> : null}
      <Field
        label="Current password"
        type="password"
        autoComplete="current-password"
        required
        value={current}
        onChange={(e) => setCurrent(e.target.value)}
      />
      {newPassword.fields}
      <p className="muted">Other devices will be signed out; this one stays signed in.</p>
      <Button type="submit" disabled={change.isPending}>
        Change password
      </Button>
    </form>
  );
}

function Profile() {
  const me = useMe();
  if (me.isError) return <ErrorState error={me.error} onRetry={() => void me.refetch()} />;
  if (me.isPending) return <p className="muted">Loading…</p>;
  return <ProfileForm user={me.data} />;
}

export function SettingsPage() {
  return (
    <section aria-labelledby="settings-title" className="settings">
      <h1 id="settings-title">Settings</h1>
      <nav className="card settings-links" aria-label="More settings">
        <h2>Security</h2>
        <p>
          <Link to="/settings/devices">Devices</Link>: see where you are signed in and sign devices
          out.
        </p>
        <p>
          <Link to="/settings/security">Security</Link>: two-step sign-in, passkeys, recent
          activity, email address, delete account.
        </p>
      </nav>
      <Profile />
      <PasswordForm />
      <TagManager />
      <ExportImport />
    </section>
  );
}
