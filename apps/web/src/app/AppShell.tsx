import { useRef } from 'react';
import { Link, NavLink, Navigate, Outlet, useLocation, useNavigate } from 'react-router';

import { ErrorState } from '../components/ui/ErrorState';
import { authClient } from '../lib/api-client';
import { ApiError } from '../lib/api-error';
import { clearAllDrafts, hasDrafts } from '../lib/drafts';
import { useShortcuts } from '../lib/shortcuts';
import { useAuth } from '../lib/use-auth';
import { ShortcutsDialog } from './ShortcutsDialog';

const DISCARD_DRAFTS_MESSAGE =
  'You have unsaved drafts on this device. Signing out deletes them. Sign out anyway?';

/** Sign out; drafts are private text, so they go too, but only once the user agrees. */
async function signOut(): Promise<void> {
  if (hasDrafts() && !window.confirm(DISCARD_DRAFTS_MESSAGE)) return;
  clearAllDrafts();
  await authClient.logout();
  // An open editor may have flushed its draft (blur, hide) while signing out was under way.
  clearAllDrafts();
}

/** The signed-in frame: header navigation around the current page. */
export function AppShell() {
  const { status } = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  const help = useRef<HTMLDialogElement>(null);
  useShortcuts(
    {
      n: () => navigate('/entries/new'),
      '?': () => {
        if (!help.current?.open) help.current?.showModal();
      },
      // On the journal the page focuses its own search field (and handles `/` itself).
      ...(location.pathname === '/'
        ? {}
        : { '/': () => navigate('/', { state: { focusSearch: true } }) }),
    },
    status === 'signedIn',
  );
  if (status === 'loading') {
    return (
      <p className="boot" role="status">
        Loading your journal…
      </p>
    );
  }
  if (status === 'unreachable') {
    // The session could not be restored because the server did not answer: say so, and
    // let the user ask again rather than sending them to sign in.
    return (
      <main className="boot-error">
        <ErrorState error={ApiError.network()} onRetry={() => void authClient.init()} />
      </main>
    );
  }
  if (status === 'signedOut') {
    // Signing out on purpose starts afresh: the next person must not land on this entry.
    const reason = authClient.signOutReason;
    if (reason === 'user') return <Navigate to="/signin" replace />;
    const next = encodeURIComponent(location.pathname + location.search);
    const revoked = reason === 'revoked' ? '&revoked=1' : '';
    return <Navigate to={`/signin?next=${next}${revoked}`} replace />;
  }
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          Journal
        </Link>
        <nav aria-label="Main">
          <NavLink to="/" end className="nav-home">
            Entries
          </NavLink>
          <NavLink to="/calendar">Calendar</NavLink>
          <NavLink to="/stats">Stats</NavLink>
          <NavLink to="/settings">Settings</NavLink>
        </nav>
        <NavLink to="/entries/new" className="btn btn-primary btn-small new-entry">
          New entry
        </NavLink>
        <button
          type="button"
          className="btn btn-ghost btn-small sign-out"
          onClick={() => void signOut()}
        >
          Sign out
        </button>
      </header>
      <main id="main" className="content">
        <Outlet />
      </main>
      <ShortcutsDialog ref={help} />
    </div>
  );
}
