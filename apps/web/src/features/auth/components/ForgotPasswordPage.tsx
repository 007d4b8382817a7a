import { useState, type FormEvent } from 'react';
import { Link, Navigate } from 'react-router';

import { Alert } from '../../../components/ui/Alert';
import { AuthCard } from '../../../components/ui/AuthCard';
import { Button } from '../../../components/ui/Button';
import { Field } from '../../../components/ui/Field';
import { api } from '../../../lib/api-client';
import { unwrap } from '../../../lib/api-error';
import { useUserMgmtEnabled } from '../../../lib/server-config';
import { useApiForm } from '../../../lib/use-api-form';

export function ForgotPasswordPage() {
  const enabled = useUserMgmtEnabled();
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState<string | null>(null);
  const form = useApiForm();

  if (!enabled) return <Navigate to="/signin" replace />;

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    await form.run(async () => {
      const answer = unwrap(await api.authForgotPassword({ body: { email } }));
      setSent(answer.detail);
    });
  }

  return (
    <AuthCard title="Reset your password">
      {sent ? (
        <Alert kind="success">{sent} The link is valid for one hour.</Alert>
      ) : (
        <form onSubmit={onSubmit} noValidate>
          <p className="muted">We will mail you a link to choose a new password.</p>
          {form.error ? <Alert>{form.error}</Alert> : null}
          <Field
            label="Email"
            type="email"
            name="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
          <Button type="submit" disabled={form.busy} className="btn-block">
            {form.busy ? 'Sending…' : 'Send reset link'}
          </Button>
        </form>
      )}
      <p className="auth-links">
        <Link to="/signin">Back to sign in</Link>
      </p>
    </AuthCard>
  );
}
