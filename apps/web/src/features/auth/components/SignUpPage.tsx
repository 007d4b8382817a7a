import { useState, type FormEvent } from 'react';
import { Link, Navigate, useNavigate } from 'react-router';

import { Alert } from '../../../components/ui/Alert';
import { AuthCard } from '../../../components/ui/AuthCard';
import { Button } from '../../../components/ui/Button';
import { Field } from '../../../components/ui/Field';
import { errorMessage, fieldErrorsOf } from '../../../lib/api-error';
import { useUserMgmtEnabled } from '../../../lib/server-config';
import { useRegister } from '../api';

export function SignUpPage() {
  const navigate = useNavigate();
  const enabled = useUserMgmtEnabled();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const register = useRegister();
  const fieldErrors = fieldErrorsOf(register.error);

  if (!enabled) return <Navigate to="/signin" replace />;

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    register.reset(); // the last attempt's errors never stay beside the new answer
    register.mutate(
      { email, password, display_name: name || undefined },
      { onSuccess: () => navigate(`/check-email?email=${encodeURIComponent(email)}`) },
    );
  }

  return (
    <AuthCard title="Create your journal">
      <form onSubmit={onSubmit} noValidate>
        {/* One message per problem: a field's own error is shown by the field, not twice. */}
        {register.isError && !fieldErrors.email && !fieldErrors.password ? (
          <Alert>{errorMessage(register.error)}</Alert>
        ) : null}
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
          error={fieldErrors.email}
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
          error={fieldErrors.password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <Button type="submit" disabled={register.isPending} className="btn-block">
          {register.isPending ? 'Creating…' : 'Create account'}
        </Button>
      </form>
      <p className="auth-links">
        Already have an account? <Link to="/signin">Sign in</Link>
      </p>
    </AuthCard>
  );
}
