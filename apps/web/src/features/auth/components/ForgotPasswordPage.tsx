import { useState, type FormEvent } from 'react';
import { Link, Navigate } from 'react-router';

import { Alert } from '../../../components/ui/Alert';
import { AuthCard } from '../../../components/ui/AuthCard';
import { Button } from '../../../components/ui/Button';
import { Field } from '../../../components/ui/Field';
import { errorMessage } from '../../../lib/api-error';
import { useUserMgmtEnabled } from '../../../lib/server-config';
import { useForgotPassword } from '../api';

export function ForgotPasswordPage() {
  const enabled = useUserMgmtEnabled();
  const [email, setEmail] = useState('');
  const forgot = useForgotPassword();
  const sent = forgot.data?.detail ?? null;

  if (!enabled) return <Navigate to="/signin" replace />;

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    forgot.mutate(email);
  }

  return (
    <AuthCard title="Reset your password">
      {sent ? (
        <Alert kind="success">{sent} The link is valid for one hour.</Alert>
      ) : (
        <form onSubmit={onSubmit} noValidate>
          <p className="muted">We will mail you a link to choose a new password.</p>
          {forgot.isError ? <Alert>{errorMessage(forgot.error)}</Alert> : null}
          <Field
            label="Email"
            type="email"
            name="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
          <Button type="submit" disabled={forgot.isPending} className="btn-block">
            {forgot.isPending ? 'Sending…' : 'Send reset link'}
          </Button>
        </form>
      )}
      <p className="auth-links">
        <Link to="/signin">Back to sign in</Link>
      </p>
    </AuthCard>
  );
}
