import { type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';

import { Alert } from '../../../components/ui/Alert';
import { AuthCard } from '../../../components/ui/AuthCard';
import { Button } from '../../../components/ui/Button';
import { useNewPassword } from '../../../components/ui/NewPasswordFields';
import { api } from '../../../lib/api-client';
import { unwrap } from '../../../lib/api-error';
import { useUrlToken } from '../../../lib/url-token';
import { useApiForm } from '../../../lib/use-api-form';

export function ResetPasswordPage() {
  const token = useUrlToken();
  const navigate = useNavigate();
  const newPassword = useNewPassword();
  const form = useApiForm();

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!newPassword.confirmMatches()) return;
    await form.run(async () => {
      unwrap(await api.authResetPassword({ body: { token, password: newPassword.password } }));
      navigate('/signin?reset=1', { replace: true });
    });
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
        {form.error ? <Alert>{form.error}</Alert> : null}
        {newPassword.fields}
        <p className="muted">Every device signed in to your account will be signed out.</p>
        <Button type="submit" disabled={form.busy} className="btn-block">
          {form.busy ? 'Saving…' : 'Set new password'}
        </Button>
      </form>
    </AuthCard>
  );
}
