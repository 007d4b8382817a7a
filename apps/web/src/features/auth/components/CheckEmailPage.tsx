import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';

import { Alert } from '../../../components/ui/Alert';
import { AuthCard } from '../../../components/ui/AuthCard';
import { Button } from '../../../components/ui/Button';
import { api } from '../../../lib/api-client';
import { unwrap } from '../../../lib/api-error';
import { useApiForm } from '../../../lib/use-api-form';

export function CheckEmailPage() {
  const [params] = useSearchParams();
  const email = params.get('email') ?? '';
  const [sent, setSent] = useState(false);
  const form = useApiForm();

  async function resend() {
    await form.run(async () => {
      unwrap(await api.authResendVerification({ body: { email } }));
      setSent(true);
    });
  }

  return (
    <AuthCard title="Check your email">
      <p>
        We sent a confirmation link to <strong>{email || 'your address'}</strong>. Open it to finish
        signing up; it is valid for 24 hours.
      </p>
      <p className="muted">Nothing arrived? Look in your spam folder, or ask for a new link.</p>
      {sent ? <Alert kind="success">A new link is on its way.</Alert> : null}
      {form.error ? <Alert>{form.error}</Alert> : null}
      {email ? (
        <Button variant="secondary" onClick={() => void resend()} disabled={form.busy}>
          {form.busy ? 'Sending…' : 'Send a new link'}
        </Button>
      ) : null}
      <p className="auth-links">
        <Link to="/signin">Back to sign in</Link>
      </p>
    </AuthCard>
  );
}
