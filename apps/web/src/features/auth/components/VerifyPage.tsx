import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';

import { Alert } from '../../../components/ui/Alert';
import { AuthCard } from '../../../components/ui/AuthCard';
import { Button } from '../../../components/ui/Button';
import { ErrorState } from '../../../components/ui/ErrorState';
import { Field } from '../../../components/ui/Field';
import { ApiError, errorMessage } from '../../../lib/api-error';
import { useUrlToken } from '../../../lib/url-token';
import { useResendVerification, useVerifyEmail } from '../api';

/** A bad, used or expired link: say so, and ask for a new one right here. */
function ResendForm() {
  const [email, setEmail] = useState('');
  const resend = useResendVerification();

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    resend.reset();
    if (email.trim()) resend.mutate(email.trim());
  }

  return (
    <form onSubmit={onSubmit} noValidate>
      {resend.isSuccess ? (
        <Alert kind="success">
          If that address has an account waiting for confirmation, a new link is on its way.
        </Alert>
      ) : null}
      {resend.isError ? <Alert>{errorMessage(resend.error)}</Alert> : null}
      <Field
        label="Email"
        type="email"
        autoComplete="email"
        required
        value={email}
        onChange={(e) => setEmail(e.target.value)}
      />
      <Button type="submit" className="btn-block" disabled={resend.isPending || !email.trim()}>
        {resend.isPending ? 'Sending…' : 'Send a new link'}
      </Button>
    </form>
  );
}

export function VerifyPage() {
  const token = useUrlToken();
  const navigate = useNavigate();
  const { mutate: verify, error: verifyError } = useVerifyEmail({
    onSuccess: () => navigate('/signin?verified=1', { replace: true }),
  });
  const started = useRef(false);
  const invalid = verifyError instanceof ApiError && verifyError.code === 'invalid_token';
  const error = token
    ? verifyError
      ? invalid
        ? 'This confirmation link is invalid or has expired (links work once, for 24 hours).'
        : errorMessage(verifyError)
      : null
    : 'This link is incomplete: it has no token.';

  useEffect(() => {
    // Once only (StrictMode runs effects twice in development): the token is single-use.
    if (!token || started.current) return;
    started.current = true;
    verify(token);
  }, [token, verify]);

  // No answer (or a server error): the token may still be good, so offer to ask again.
  if (verifyError instanceof ApiError && verifyError.retryable) {
    return (
      <AuthCard title="Confirming your email">
        <ErrorState error={verifyError} onRetry={() => verify(token)} />
      </AuthCard>
    );
  }

  return (
    <AuthCard title="Confirming your email">
      {error ? (
        <>
          <Alert>{error}</Alert>
          <p>Enter your email to get a new confirmation link.</p>
          <ResendForm />
          <p className="auth-links">
            <Link to="/signin">Sign in</Link>
          </p>
        </>
      ) : (
        <p role="status">One moment…</p>
      )}
    </AuthCard>
  );
}
