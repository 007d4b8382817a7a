import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';

import { Alert } from '../../../components/ui/Alert';
import { Button } from '../../../components/ui/Button';
import { Field } from '../../../components/ui/Field';
import { useNewPassword } from '../../../components/ui/NewPasswordFields';
import { ExportImport } from './ExportImport';
import { api, type UserOut } from '../../../lib/api-client';
import { unwrap } from '../../../lib/api-error';
import { useApiForm } from '../../../lib/use-api-form';

function ProfileForm({ user }: { user: UserOut }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState(user.display_name);
  const [notify, setNotify] = useState(user.notify_new_device);
  const [saved, setSaved] = useState(false);
  const form = useApiForm();

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    await form.run(async () => {
      const updated = unwrap(
        await api.authUpdateProfile({ body: { display_name: name, notify_new_device: notify } }),
      );
      queryClient.setQueryData(['me'], updated);
      setSaved(true);
    });
  }

  return (
    <form onSubmit={onSubmit} className="card" aria-labelledby="profile-title">
      <h2 id="profile-title">Profile</h2>
      {saved ? <Alert kind="success">Profile saved.</Alert> : null}
      {form.error ? <Alert>{form.error}</Alert> : null}
      <Field label="Email" value={user.email} readOnly disabled />
      <Field
        label="Display name"
        value={name}
        maxLength={100}
        onChange={(e) => setName(e.target.value)}
      />
      <div className="checkbox">
        <input
          id="notify-new-device"
          type="checkbox"
          checked={notify}
          onChange={(e) => setNotify(e.target.checked)}
        />
        <label htmlFor="notify-new-device">Email me when a new device signs in</label>
      </div>
      <Button type="submit" disabled={form.busy}>
        Save profile
      </Button>
    </form>
  );
}

function PasswordForm() {
  const [current, setCurrent] = useState('');
  const newPassword = useNewPassword();
  const [done, setDone] = useState<string | null>(null);
  const form = useApiForm();

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setDone(null);
    if (!newPassword.confirmMatches()) return;
    await form.run(async () => {
      const answer = unwrap(
        await api.authChangePassword({
          body: { current_password: current, new_password: newPassword.password },
        }),
      );
      setDone(answer.detail);
      setCurrent('');
      newPassword.reset();
    });
  }

  return (
    <form onSubmit={onSubmit} className="card" aria-labelledby="password-title">
      <h2 id="password-title">Password</h2>
      {done ? <Alert kind="success">{done}</Alert> : null}
      {form.error ? <Alert>{form.error}</Alert> : null}
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
      <Button type="submit" disabled={form.busy}>
        Change password
      </Button>
    </form>
  );
}

export function SettingsPage() {
  // Always re-validated on open: the page shows account details and security actions.
  const me = useQuery({
    queryKey: ['me'],
    queryFn: async () => unwrap(await api.authMe()),
    staleTime: 0,
  });
  return (
    <section aria-labelledby="settings-title" className="settings">
      <h1 id="settings-title">Settings</h1>
      <nav className="card settings-links" aria-label="More settings">
        <h2>Security</h2>
        <p>
          <Link to="/settings/devices">Devices</Link>: see where you are signed in and sign devices
          out.
        </p>
      </nav>
      {me.data ? <ProfileForm user={me.data} /> : <p className="muted">Loading…</p>}
      <PasswordForm />
      <ExportImport />
    </section>
  );
}
