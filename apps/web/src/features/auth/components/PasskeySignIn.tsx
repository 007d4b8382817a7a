import { WebAuthnError } from '@simplewebauthn/browser';

import './sign-in-extras.css';

import { Alert } from '../../../components/ui/Alert';
import { Button } from '../../../components/ui/Button';
import { errorMessage } from '../../../lib/api-error';
import { usePasskeysAvailable } from '../../../lib/server-config';
import { usePasskeySignIn } from '../api';

/** Why a passkey prompt ended without a sign-in, in words (the browser's errors are terse). */
export function passkeyErrorMessage(error: unknown): string {
  if (error instanceof Error && (error.name === 'NotAllowedError' || error.name === 'AbortError')) {
    return 'The passkey prompt was closed or timed out. Try again, or sign in with your password.';
  }
  if (error instanceof WebAuthnError) return error.message;
  return errorMessage(error);
}

/** "Sign in with a passkey": hidden when the server or the browser cannot do passkeys. */
export function PasskeySignIn({ onDone }: { onDone: () => void }) {
  const available = usePasskeysAvailable();
  const signIn = usePasskeySignIn();
  if (!available) return null;
  return (
    <div className="passkey-sign-in">
      <p className="divider" aria-hidden="true">
        <span>or</span>
      </p>
      {signIn.isError ? <Alert>{passkeyErrorMessage(signIn.error)}</Alert> : null}
      <Button
        type="button"
        variant="secondary"
        className="btn-block"
        disabled={signIn.isPending}
        onClick={() => signIn.mutate(undefined, { onSuccess: onDone })}
      >
        {signIn.isPending ? 'Waiting for your passkey…' : 'Sign in with a passkey'}
      </Button>
    </div>
  );
}
