import { useState, type FormEvent } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';

import { Alert } from '../../../components/ui/Alert';
import { AuthCard } from '../../../components/ui/AuthCard';
import { Button } from '../../../components/ui/Button';
import { Field } from '../../../components/ui/Field';
import { ApiError, errorMessage } from '../../../lib/api-error';
import type { MfaChallenge } from '../../../lib/auth-client';
import { useAuth } from '../../../lib/use-auth';
import { useUserMgmtEnabled } from '../../../lib/server-config';
import { useSignIn } from '../api';
import { MfaStep } from './MfaStep';
import { PasskeySignIn } from './PasskeySignIn';

/** Only same-app paths are followed after sign-in (no open redirect). */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//')) return '/';
  return next;
}

export function SignInPage() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const { status } = useAuth();
  const selfService = useUserMgmtEnabled();
  const [email, setEmail] = useState(params.get('email') ?? '');
  const [password, setPassword] = useState('');
  const signIn = useSignIn();
  // Set when the password was right and the account asks for a second factor.
  const [challenge, setChallenge] = useState<MfaChallenge | null>(null);
  const next = safeNext(params.get('next'));
  const unverified = signIn.error instanceof ApiError && signIn.error.code === 'email_not_verified';

  if (status === 'signedIn') return <Navigate to={next} replace />;

  const done = () => navigate(next, { replace: true });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    signIn.mutate({ email, password }, { onSuccess: (mfa) => (mfa ? setChallenge(mfa) : done()) });
  }

  if (challenge) {
    return (
      <MfaStep
        challenge={challenge}
        onDone={done}
        onRestart={() => {
          setChallenge(null);
          setPassword('');
          signIn.reset();
        }}
      />
    );
  }

  return (
    <AuthCard title="Sign in">
      <form onSubmit={onSubmit} noValidate>
        {params.get('verified') ? (
          <Alert kind="success">Your email is confirmed. Sign in to start writing.</Alert>
        ) : null}
        {params.get('revoked') ? (
          <Alert kind="info">
            This device was signed out (from another device, or after a password change). Sign in
            again to continue.
          </Alert>
        ) : null}
        {params.get('deleted') ? (
          <Alert kind="success">Your account and your journal are deleted. Goodbye.</Alert>
        ) : null}
        {params.get('reset') ? (
          <Alert kind="success">Your password is changed. Sign in with the new one.</Alert>
        ) : null}
        {signIn.isError ? (
          <Alert>
            {errorMessage(signIn.error)}
            {unverified && selfService ? (
              <>
                {' '}
                <Link to={`/check-email?email=${encodeURIComponent(email)}`}>Send a new link</Link>
              </>
            ) : null}
          </Alert>
        ) : null}
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
        <Button type="submit" disabled={signIn.isPending} className="btn-block">
          {signIn.isPending ? 'Signing in…' : 'Sign in'}
        </Button>
      </form>
      <PasskeySignIn onDone={done} />
      {selfService ? (
        <p className="auth-links">
          <Link to="/forgot-password">Forgot your password?</Link>
          <span aria-hidden="true"> · </span>
          <Link to="/signup">Create an account</Link>
        </p>
      ) : null}
    </AuthCard>
  );
}
