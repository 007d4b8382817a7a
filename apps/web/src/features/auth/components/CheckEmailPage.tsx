import { Link, useSearchParams } from 'react-router';

import { Alert } from '../../../components/ui/Alert';
import { AuthCard } from '../../../components/ui/AuthCard';
import { Button } from '../../../components/ui/Button';
import { errorMessage } from '../../../lib/api-error';
import { useResendVerification } from '../api';

export function CheckEmailPage() {
  const [params] = useSearchParams();
  const email = params.get('email') ?? '';
  const resend = useResendVerification();

  return (
    <AuthCard title="Check your email">
      <p>
        We sent a confirmation link to <strong>{email || 'your address'}</strong>. Open it to finish
        signing up; it is valid for 24 hours.
      </p>
      <p className="muted">Nothing arrived? Look in your spam folder, or ask for a new link.</p>
      {resend.isSuccess ? <Alert kind="success">A new link is on its way.</Alert> : null}
      {resend.isError ? <Alert>{errorMessage(resend.error)}</Alert> : null}
      {email ? (
        <Button
          variant="secondary"
          onClick={() => resend.mutate(email)}
          disabled={resend.isPending}
        >
          {resend.isPending ? 'Sending…' : 'Send a new link'}
        </Button>
      ) : null}
      <p className="auth-links">
        <Link to="/signin">Back to sign in</Link>
      </p>
    </AuthCard>
  );
}
