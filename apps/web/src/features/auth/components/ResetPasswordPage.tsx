import { type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';

import { Alert } from '../../../components/ui/Alert';
import { AuthCard } from '../../../components/ui/AuthCard';
import { Button } from '../../../components/ui/Button';
import { useNewPassword } from '../../../components/ui/NewPasswordFields';
import { errorMessage } from '../../../lib/api-error';
import { useUrlToken } from '../../../lib/url-token';
import { useResetPassword } from '../api';

export function ResetPasswordPage() {
  const token = useUrlToken();
  const navigate = useNavigate();
  const newPassword = useNewPassword();
  const reset = useResetPassword();

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!newPassword.confirmMatches()) return;
    reset.mutate(
      { token, password: newPassword.password },
      { onSuccess: () => navigate('/signin?reset=1', { replace: true }) },
    );
  }

  if (!token) {
    return (
      <AuthCard title="Choose a new password">
        <Alert>This link has no token.</Alert>
        <p className="auth-links">
          <Link to="/forgot-password">Ask for a new link</Link>
        </p>
      </AuthCard>
    );
  }

  return (
    <AuthCard title="Choose a new password">
      <form onSubmit={onSubmit} noValidate>
        {reset.isError ? <Alert>{errorMessage(reset.error)}</Alert> : null}
        {newPassword.fields}
        <p className="muted">Every device signed in to your account will be signed out.</p>
        <Button type="submit" disabled={reset.isPending} className="btn-block">
          {reset.isPending ? 'Saving…' : 'Set new password'}
        </Button>
      </form>
    </AuthCard>
  );
}
