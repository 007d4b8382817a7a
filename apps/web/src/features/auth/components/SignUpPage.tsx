import { useState, type FormEvent } from 'react';
import { Link, Navigate, useNavigate } from 'react-router';

import { Alert } from '../../../components/ui/Alert';
import { AuthCard } from '../../../components/ui/AuthCard';
import { Button } from '../../../components/ui/Button';
import { Field } from '../../../components/ui/Field';
import { api } from '../../../lib/api-client';
import { unwrap } from '../../../lib/api-error';
import { useUserMgmtEnabled } from '../../../lib/server-config';
import { useApiForm } from '../../../lib/use-api-form';

export function SignUpPage() {
  const navigate = useNavigate();
  const enabled = useUserMgmtEnabled();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const form = useApiForm();

  if (!enabled) return <Navigate to="/signin" replace />;

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    await form.run(async () => {
      unwrap(
        await api.authRegister({ body: { email, password, display_name: name || undefined } }),
      );
      navigate(`/check-email?email=${encodeURIComponent(email)}`);
    });
  }

  return (
    <AuthCard title="Create your journal">
      <form onSubmit={onSubmit} noValidate>
        {form.error ? <Alert>{form.error}</Alert> : null}
        <Field
          label="Name (optional)"
          name="name"
          autoComplete="name"
          value={name}
          maxLength={100}
          onChange={(e) => setName(e.target.value)}
        />
        <Field
          label="Email"
          type="email"
          name="email"
          autoComplete="email"
          required
          value={email}
          error={form.fieldErrors.email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <Field
          label="Password"
          type="password"
          name="password"
          autoComplete="new-password"
          required
          minLength={8}
          hint="At least 8 characters. A few unrelated words make a strong one."
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <Button type="submit" disabled={form.busy} className="btn-block">
          {form.busy ? 'Creating…' : 'Create account'}
        </Button>
      </form>
      <p className="auth-links">
        Already have an account? <Link to="/signin">Sign in</Link>
      </p>
    </AuthCard>
  );
}
