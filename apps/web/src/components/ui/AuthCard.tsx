import type { ReactNode } from 'react';

/** The centred card that holds sign-in and other signed-out pages. */
export function AuthCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="auth-page">
      <div className="auth-card">
        <p className="brand" aria-hidden="true">
          Journal
        </p>
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}
