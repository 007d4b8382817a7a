import { useEffect, useRef } from 'react';
import { Link, useNavigate } from 'react-router';

import { Alert } from '../../../components/ui/Alert';
import { AuthCard } from '../../../components/ui/AuthCard';
import { ErrorState } from '../../../components/ui/ErrorState';
import { ApiError, errorMessage } from '../../../lib/api-error';
import { useUrlToken } from '../../../lib/url-token';
import { useVerifyEmail } from '../api';

export function VerifyPage() {
  const token = useUrlToken();
  const navigate = useNavigate();
  const { mutate: verify, error: verifyError } = useVerifyEmail({
    onSuccess: () => navigate('/signin?verified=1', { replace: true }),
  });
  const started = useRef(false);
  const error = token
    ? verifyError
      ? errorMessage(verifyError)
      : null
    : 'This link has no token.';

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
          <p className="auth-links">
            <Link to="/check-email">Ask for a new link</Link> · <Link to="/signin">Sign in</Link>
          </p>
        </>
      ) : (
        <p role="status">One moment…</p>
      )}
    </AuthCard>
  );
}
