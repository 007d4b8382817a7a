import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';

import { Alert } from '../../../components/ui/Alert';
import { AuthCard } from '../../../components/ui/AuthCard';
import { api } from '../../../lib/api-client';
import { errorMessage, unwrap } from '../../../lib/api-error';
import { useUrlToken } from '../../../lib/url-token';

export function VerifyPage() {
  const token = useUrlToken();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(token ? null : 'This link has no token.');
  const started = useRef(false);

  useEffect(() => {
    // Once only (StrictMode runs effects twice in development): the token is single-use.
    if (!token || started.current) return;
    started.current = true;
    api
      .authVerify({ body: { token } })
      .then((result) => {
        unwrap(result);
        navigate('/signin?verified=1', { replace: true });
      })
      .catch((err: unknown) => setError(errorMessage(err)));
  }, [token, navigate]);

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
