import { Button } from '../../../components/ui/Button';
import { ErrorState } from '../../../components/ui/ErrorState';
import type { ActivityOut } from '../../../lib/api-client';
import { useActivity } from '../api';
import { formatWhen } from './time';

const EVENTS: Record<string, string> = {
  sign_in: 'Signed in',
  sign_in_failed: 'Failed sign-in',
  mfa_failed: 'Wrong two-step code',
  session_revoked: 'Device signed out',
  refresh_reused: 'Session ended (stolen token suspected)',
  password_changed: 'Password changed',
  password_reset: 'Password reset',
  email_changed: 'Email changed',
  mfa_enabled: 'Two-step sign-in turned on',
  mfa_disabled: 'Two-step sign-in turned off',
  recovery_codes_regenerated: 'New recovery codes',
  passkey_added: 'Passkey added',
  passkey_removed: 'Passkey removed',
  export: 'Journal exported',
};

const METHODS: Record<string, string> = {
  password: 'with password',
  'password+second_factor': 'with password and two-step code',
  passkey: 'with a passkey',
};

/** One line of the log in words: the event, and its detail when it adds something. */
export function describeEvent(item: Pick<ActivityOut, 'event' | 'detail'>): string {
  const label = EVENTS[item.event] ?? item.event.replace(/_/g, ' ');
  if (!item.detail) return label;
  if (item.event === 'sign_in' || item.event === 'sign_in_failed') {
    return `${label} ${METHODS[item.detail] ?? `(${item.detail})`}`;
  }
  return `${label}: ${item.detail}`;
}

const WARN = new Set(['sign_in_failed', 'mfa_failed', 'refresh_reused']);

/** Settings → Security → Recent activity: newest first, "Show older" pages on. */
export function ActivitySection() {
  const activity = useActivity();
  const items = activity.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <section className="card" aria-labelledby="activity-title">
      <h2 id="activity-title">Recent security activity</h2>
      <p className="muted">
        Sign-ins and changes to your account over the last 180 days. Something you do not recognise?
        Change your password and sign out other devices.
      </p>
      {activity.isError ? (
        <ErrorState error={activity.error} onRetry={() => void activity.refetch()} />
      ) : null}
      {activity.isPending ? <p className="muted">Loading…</p> : null}
      {activity.isSuccess && items.length === 0 ? <p className="muted">Nothing yet.</p> : null}
      {items.length ? (
        <ul className="activity-list">
          {items.map((item) => (
            <li key={item.id} className={WARN.has(item.event) ? 'activity-warn' : undefined}>
              <span className="activity-what">{describeEvent(item)}</span>
              <span className="muted activity-where">
                <time dateTime={item.at}>{formatWhen(item.at)}</time> · {item.device}
                {item.ip ? ` · ${item.ip}` : ''}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      {activity.hasNextPage ? (
        <Button
          variant="secondary"
          onClick={() => void activity.fetchNextPage()}
          disabled={activity.isFetchingNextPage}
        >
          {activity.isFetchingNextPage ? 'Loading…' : 'Show older'}
        </Button>
      ) : null}
    </section>
  );
}
