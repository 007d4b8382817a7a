import { useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';

import { Alert } from '../../../components/ui/Alert';
import { AuthCard } from '../../../components/ui/AuthCard';
import { Button } from '../../../components/ui/Button';
import { Field } from '../../../components/ui/Field';
import { ApiError } from '../../../lib/api-error';
import { authClient } from '../../../lib/api-client';

/** Only same-app paths are followed after sign-in (no open redirect). */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//')) return '/';
  return next;
}

export function SignInPage() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const response = await authClient.login(email, password);
      if (!response.ok) {
        const body = (await response.json().catch(() => ({}))) as {
          detail?: string;
          code?: string;
        };
        throw new ApiError(response.status, body);
      }
      navigate(safeNext(params.get('next')), { replace: true });
    } catch (err) {
      setError(
        err instanceof ApiError ? err.message : 'Cannot reach the server. Check your connection.',
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthCard title="Sign in">
      <form onSubmit={onSubmit} noValidate>
        {error ? <Alert>{error}</Alert> : null}
        <Field
          label="Email"
          type="email"
          name="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <Field
          label="Password"
          type="password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <Button type="submit" disabled={busy} className="btn-block">
          {busy ? 'Signing in…' : 'Sign in'}
        </Button>
      </form>
    </AuthCard>
  );
}
