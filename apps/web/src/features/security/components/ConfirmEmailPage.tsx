import { useEffect, useRef } from 'react';
import { Link } from 'react-router';

import { Alert } from '../../../components/ui/Alert';
import { AuthCard } from '../../../components/ui/AuthCard';
import { ErrorState } from '../../../components/ui/ErrorState';
import { ApiError, errorMessage } from '../../../lib/api-error';
import { useUrlToken } from '../../../lib/url-token';
import { useAuth } from '../../../lib/use-auth';
import { useConfirmEmail } from '../api';

/** `/confirm-email?token=…` from the mail: reads the token once, strips it, confirms. */
export function ConfirmEmailPage() {
  const token = useUrlToken();
  const { status } = useAuth();
  const { mutate: confirm, error: confirmError, data, isSuccess } = useConfirmEmail();
  const started = useRef(false);

  useEffect(() => {
    // Once only (StrictMode runs effects twice in development): the token is single-use.
    if (!token || started.current) return;
    started.current = true;
    confirm(token);
  }, [token, confirm]);

  if (confirmError instanceof ApiError && confirmError.retryable) {
    return (
      <AuthCard title="Confirming your new email">
        <ErrorState error={confirmError} onRetry={() => confirm(token)} />
      </AuthCard>
    );
  }

  const home =
    status === 'signedIn' ? (
      <Link to="/settings/security">Back to Security</Link>
    ) : (
      <Link to="/signin">Sign in</Link>
    );

  return (
    <AuthCard title="Confirming your new email">
      {!token ? (
        <Alert>This link has no token.</Alert>
      ) : confirmError ? (
        <Alert>{errorMessage(confirmError)}</Alert>
      ) : isSuccess ? (
        <Alert kind="success">{data.detail}</Alert>
      ) : (
        <p role="status">One moment…</p>
      )}
      {!token || confirmError || isSuccess ? <p className="auth-links">{home}</p> : null}
    </AuthCard>
  );
}
