import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { App } from './app/App';
import { preloadPages } from './app/lazy-page';
import { authClient } from './lib/api-client';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

// Restore the session (cookie or stored refresh token) while the first page renders.
void authClient.init();

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

preloadPages();
