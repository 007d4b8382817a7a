import { createBrowserRouter } from 'react-router';

import { CheckEmailPage } from '../features/auth/components/CheckEmailPage';
import { ForgotPasswordPage } from '../features/auth/components/ForgotPasswordPage';
import { ResetPasswordPage } from '../features/auth/components/ResetPasswordPage';
import { SignInPage } from '../features/auth/components/SignInPage';
import { SignUpPage } from '../features/auth/components/SignUpPage';
import { VerifyPage } from '../features/auth/components/VerifyPage';
import { ConfirmEmailPage } from '../features/security/components/ConfirmEmailPage';
import { SecurityPage } from '../features/security/components/SecurityPage';
import { EntryEditorPage } from '../features/entries/components/EntryEditorPage';
import { EntryPage } from '../features/entries/components/EntryPage';
import { JournalPage } from '../features/entries/components/JournalPage';
import { CalendarPage } from '../features/insights/components/CalendarPage';
import { StatsPage } from '../features/insights/components/StatsPage';
import { DevicesPage } from '../features/sessions/components/DevicesPage';
import { SettingsPage } from '../features/settings/components/SettingsPage';
import { AppShell } from './AppShell';
import { NotFoundPage } from './NotFoundPage';

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
