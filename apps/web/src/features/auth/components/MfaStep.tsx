import { useState, type FormEvent } from 'react';

import './sign-in-extras.css';

import { Alert } from '../../../components/ui/Alert';
import { AuthCard } from '../../../components/ui/AuthCard';
import { Button } from '../../../components/ui/Button';
import { Field } from '../../../components/ui/Field';
import { ApiError, errorMessage } from '../../../lib/api-error';
import type { MfaChallenge } from '../../../lib/auth-client';
import { useMfaSignIn } from '../api';

export type MfaMethod = 'totp' | 'recovery_code';

/** What the code field holds before it is sent: digits only for TOTP, trimmed otherwise. */
export function normaliseCode(method: MfaMethod, raw: string): string {
  return method === 'totp' ? raw.replace(/\D/g, '').slice(0, 6) : raw.trim();
}

/** Whether the typed code can be sent yet (a TOTP code is exactly six digits). */
export function codeReady(method: MfaMethod, code: string): boolean {
  return method === 'totp' ? /^\d{6}$/.test(code) : code.trim().length >= 6;
}

/**
 * The sign-in's second step: a 6-digit code from the authenticator app, or a recovery
 * code. The challenge lives in memory only; an expired one sends the user back.
 */
export function MfaStep({
  challenge,
  onDone,
  onRestart,
}: {
  challenge: MfaChallenge;
  onDone: () => void;
  onRestart: () => void;
}) {
  const canRecover = challenge.methods.includes('recovery_code');
  const [method, setMethod] = useState<MfaMethod>(
    challenge.methods.includes('totp') ? 'totp' : 'recovery_code',
  );
  const [code, setCode] = useState('');
  const step = useMfaSignIn();
  // The challenge is dead (expired, used or too many wrong codes): only a new sign-in helps.
  const expired = step.error instanceof ApiError && step.error.code === 'invalid_token';

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!codeReady(method, code)) return;
    step.mutate(
      { challenge, code },
      {
        onSuccess: onDone,
        onError: () => setCode(''),
      },
    );
  }

  function switchMethod() {
    setMethod(method === 'totp' ? 'recovery_code' : 'totp');
    setCode('');
    step.reset();
  }

  return (
    <AuthCard title="Two-step verification">
      <form onSubmit={onSubmit} noValidate>
        {step.isError ? (
          <Alert>
            {errorMessage(step.error)}
            {expired ? (
              <>
                {' '}
                <button type="button" className="link-button" onClick={onRestart}>
                  Sign in again
                </button>
              </>
            ) : null}
          </Alert>
        ) : null}
        {method === 'totp' ? (
          <Field
            key="totp"
            label="6-digit code"
            hint="Open your authenticator app and type the code it shows for Journal."
            name="code"
            className="otp-input"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]{6}"
            maxLength={6}
            autoFocus
            required
            value={code}
            onChange={(e) => setCode(normaliseCode('totp', e.target.value))}
          />
        ) : (
          <Field
            key="recovery"
            label="Recovery code"
            hint="One of the codes you saved when you turned on two-step sign-in. Each works once."
            name="recovery_code"
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            autoFocus
            required
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
        )}
        <Button
          type="submit"
          disabled={step.isPending || expired || !codeReady(method, code)}
          className="btn-block"
        >
          {step.isPending ? 'Checking…' : 'Verify'}
        </Button>
      </form>
      <p className="auth-links">
        {canRecover ? (
          <>
            <button type="button" className="link-button" onClick={switchMethod}>
              {method === 'totp' ? 'Use a recovery code instead' : 'Use your authenticator app'}
            </button>
            <span aria-hidden="true"> · </span>
          </>
        ) : null}
        <button type="button" className="link-button" onClick={onRestart}>
          Cancel
        </button>
      </p>
    </AuthCard>
  );
}
