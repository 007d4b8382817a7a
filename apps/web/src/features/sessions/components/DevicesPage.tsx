import { Link } from 'react-router';

import { Alert } from '../../../components/ui/Alert';
import { Button } from '../../../components/ui/Button';
import { ErrorState } from '../../../components/ui/ErrorState';
import { authClient, type SessionOut } from '../../../lib/api-client';
import { errorMessage } from '../../../lib/api-error';
import { useRevokeOtherSessions, useRevokeSession, useSessions } from '../api';

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function relative(iso: string): string {
  const minutes = Math.round((Date.now() - new Date(iso).getTime()) / 60_000);
  if (minutes < 2) return 'Active now';
  if (minutes < 60) return `${minutes} minutes ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} hour${hours === 1 ? '' : 's'} ago`;
  return when.format(new Date(iso));
}

const METHODS: Record<string, string> = {
  password: 'Signed in with a password',
  'password+second_factor': 'Signed in with a password and a code',
  passkey: 'Signed in with a passkey',
};

export function signedInWith(method: string): string {
  return METHODS[method] ?? `Signed in with ${method}`;
}

export function DevicesPage() {
  const sessions = useSessions();
  const revoke = useRevokeSession();
  const revokeOthers = useRevokeOtherSessions();
  const list = sessions.data ?? [];
  const others = list.filter((s) => !s.current).length;
  const error = revoke.error ?? revokeOthers.error;

  function onRevoke(session: SessionOut) {
    const question = session.current
      ? 'Sign out of this device?'
      : `Sign out ${session.device}? It will have to sign in again.`;
    if (!window.confirm(question)) return;
    // A failure shows in the alert above the table (revoke.error).
    revoke.mutate(session.id, {
      onSuccess: () => {
        if (session.current) void authClient.logout();
      },
    });
  }

  function onRevokeOthers() {
    if (!window.confirm(`Sign out of ${others} other device${others === 1 ? '' : 's'}?`)) return;
    revokeOthers.mutate();
  }

  return (
    <section aria-labelledby="devices-title">
      <p className="breadcrumbs">
        <Link to="/settings">Settings</Link> / Devices
      </p>
      <div className="page-head">
        <h1 id="devices-title">Devices</h1>
        <Button
          variant="secondary"
          onClick={onRevokeOthers}
          disabled={others === 0 || revokeOthers.isPending}
        >
          Sign out of all other devices
        </Button>
      </div>
      <p className="muted">
        Devices signed in to your journal. Sign out any you do not recognise, then change your
        password.
      </p>
      {error ? <Alert>{errorMessage(error)}</Alert> : null}
      {sessions.isError ? (
        <ErrorState error={sessions.error} onRetry={() => void sessions.refetch()} />
      ) : null}
      {sessions.isPending ? <p className="muted">Loading devices…</p> : null}
      {list.length ? (
        <table className="devices">
          <caption className="visually-hidden">Signed-in devices</caption>
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">IP address</th>
              <th scope="col">Signed in</th>
              <th scope="col">Last active</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((session) => (
              <tr key={session.id} aria-current={session.current ? 'true' : undefined}>
                <td data-label="Device">
                  <span className="device-name">{session.device}</span>
                  {session.current ? <span className="badge">This device</span> : null}
                  {session.signed_in_with ? (
                    <span className="device-method">{signedInWith(session.signed_in_with)}</span>
                  ) : null}
                </td>
                <td data-label="IP address">{session.ip ?? '—'}</td>
                <td data-label="Signed in">{when.format(new Date(session.created_at))}</td>
                <td data-label="Last active">{relative(session.last_used_at)}</td>
                <td className="actions">
                  <Button
                    variant="danger"
                    className="btn-small"
                    onClick={() => onRevoke(session)}
                    disabled={revoke.isPending}
                    aria-label={`Sign out ${session.device}${session.current ? ' (this device)' : ''}`}
                  >
                    Sign out
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
