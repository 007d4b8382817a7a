import { createBrowserRouter } from 'react-router';

import { ResetPasswordPage } from '../features/auth/components/ResetPasswordPage';
import { SignInPage } from '../features/auth/components/SignInPage';
import { VerifyPage } from '../features/auth/components/VerifyPage';
import { ConfirmEmailPage } from '../features/security/components/ConfirmEmailPage';
import { JournalPage } from '../features/entries/components/JournalPage';
import { AppShell } from './AppShell';
import { lazyPage } from './lazy-page';
import { NotFoundPage } from './NotFoundPage';

// The pages people land on (the journal, sign-in, and the pages mailed links open) are in
// the first chunk; every other page is split into its own chunk, fetched when first shown or
// once the browser is idle.
const SignUpPage = lazyPage(() =>
  import('../features/auth/components/SignUpPage').then((m) => m.SignUpPage),
);
const CheckEmailPage = lazyPage(() =>
  import('../features/auth/components/CheckEmailPage').then((m) => m.CheckEmailPage),
);
const ForgotPasswordPage = lazyPage(() =>
  import('../features/auth/components/ForgotPasswordPage').then((m) => m.ForgotPasswordPage),
);
const SecurityPage = lazyPage(() =>
  import('../features/security/components/SecurityPage').then((m) => m.SecurityPage),
);
const EntryEditorPage = lazyPage(() =>
  import('../features/entries/components/EntryEditorPage').then((m) => m.EntryEditorPage),
);
const EntryPage = lazyPage(() =>
  import('../features/entries/components/EntryPage').then((m) => m.EntryPage),
);
const CalendarPage = lazyPage(() =>
  import('../features/insights/components/CalendarPage').then((m) => m.CalendarPage),
);
const StatsPage = lazyPage(() =>
  import('../features/insights/components/StatsPage').then((m) => m.StatsPage),
);
const DevicesPage = lazyPage(() =>
  import('../features/sessions/components/DevicesPage').then((m) => m.DevicesPage),
);
const SettingsPage = lazyPage(() =>
  import('../features/settings/components/SettingsPage').then((m) => m.SettingsPage),
);

export const router = createBrowserRouter([
  { path: '/signin', element: <SignInPage /> },
  { path: '/signup', element: <SignUpPage /> },
  { path: '/check-email', element: <CheckEmailPage /> },
  { path: '/verify', element: <VerifyPage /> },
  { path: '/forgot-password', element: <ForgotPasswordPage /> },
  { path: '/reset-password', element: <ResetPasswordPage /> },
  { path: '/confirm-email', element: <ConfirmEmailPage /> },
  {
    element: <AppShell />,
    children: [
      { index: true, element: <JournalPage /> },
      { path: 'entries/new', element: <EntryEditorPage /> },
      { path: 'entries/:entryId', element: <EntryPage /> },
      { path: 'entries/:entryId/edit', element: <EntryEditorPage /> },
      { path: 'calendar', element: <CalendarPage /> },
      { path: 'stats', element: <StatsPage /> },
      { path: 'settings', element: <SettingsPage /> },
      { path: 'settings/devices', element: <DevicesPage /> },
      { path: 'settings/security', element: <SecurityPage /> },
    ],
  },
  { path: '*', element: <NotFoundPage /> },
]);
