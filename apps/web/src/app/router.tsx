import { createBrowserRouter } from 'react-router';

import { SignInPage } from '../features/auth/components/SignInPage';
import { EntryEditorPage } from '../features/entries/components/EntryEditorPage';
import { JournalPage } from '../features/entries/components/JournalPage';
import { AppShell } from './AppShell';
import { NotFoundPage } from './NotFoundPage';

export const router = createBrowserRouter([
  { path: '/signin', element: <SignInPage /> },
  {
    element: <AppShell />,
    children: [
      { index: true, element: <JournalPage /> },
      { path: 'entries/new', element: <EntryEditorPage /> },
      { path: 'entries/:entryId', element: <EntryEditorPage /> },
    ],
  },
  { path: '*', element: <NotFoundPage /> },
]);
