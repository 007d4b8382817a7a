import { useState, type FormEvent } from 'react';

import { Alert } from '../../../components/ui/Alert';
import { Button } from '../../../components/ui/Button';
import { ErrorState } from '../../../components/ui/ErrorState';
import { Field } from '../../../components/ui/Field';
import type { MfaStatusOut, TotpSetupOut } from '../../../lib/api-client';
import { errorMessage } from '../../../lib/api-error';
import {
  useMfaStatus,
  useRegenerateRecoveryCodes,
  useTotpConfirm,
  useTotpDisable,
  useTotpSetup,
} from '../api';
import { QrCode } from './QrCode';
import { RecoveryCodes } from './RecoveryCodes';
import { useStepUp } from './StepUpFields';

/** The base32 secret in groups of four, easier to type by hand. */
export function groupSecret(secret: string): string {
  return (
    secret
      .replace(/\s+/g, '')
      .match(/.{1,4}/g)
      ?.join(' ') ?? ''
  );
}

function SetUpStart({ onStarted }: { onStarted: (setup: TotpSetupOut) => void }) {
  const stepUp = useStepUp(false);
  const setup = useTotpSetup();

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    setup.mutate(stepUp.value, { onSuccess: onStarted });
  }

  return (
    <form onSubmit={onSubmit} noValidate aria-label="Set up an authenticator app">
      <p>Confirm it is you: type your password to start.</p>
      {setup.isError ? <Alert>{errorMessage(setup.error)}</Alert> : null}
      {stepUp.fields}
      <Button type="submit" disabled={setup.isPending || !stepUp.ready}>
        Continue
      </Button>
    </form>
  );
}

function ScanAndConfirm({
  setup,
  onConfirmed,
  onCancel,
}: {
  setup: TotpSetupOut;
  onConfirmed: (codes: string[]) => void;
  onCancel: () => void;
}) {
  const [code, setCode] = useState('');
  const confirm = useTotpConfirm();

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    confirm.mutate(code, {
      onSuccess: (data) => onConfirmed(data.recovery_codes),
      onError: () => setCode(''),
    });
  }

  return (
    <form onSubmit={onSubmit} noValidate aria-label="Confirm your authenticator app">
      <ol className="steps">
        <li>
          Scan this QR code with your authenticator app (for example 1Password, Aegis, Google
          Authenticator).
          <QrCode
            text={setup.otpauth_uri}
            label="QR code to add Journal to your authenticator app"
          />
          <details>
            <summary>Can&apos;t scan it? Type this key instead</summary>
            <p>
              <code className="totp-secret" data-testid="totp-secret">
                {groupSecret(setup.secret)}
              </code>
            </p>
            <p className="muted">Time-based, 6 digits, every 30 seconds.</p>
          </details>
        </li>
        <li>Type the 6-digit code the app shows for Journal.</li>
      </ol>
      {confirm.isError ? <Alert>{errorMessage(confirm.error)}</Alert> : null}
      <Field
        label="6-digit code"
        className="otp-input"
        inputMode="numeric"
        autoComplete="one-time-code"
        pattern="[0-9]{6}"
        maxLength={6}
        required
        value={code}
        onChange={(e) => setCode(e.target.value.replace(/\D/g, '').slice(0, 6))}
      />
      <div className="button-row">
        <Button type="submit" disabled={confirm.isPending || code.length !== 6}>
          Turn on
        </Button>
        <Button type="button" variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

type OnAction = 'regenerate' | 'disable';

function WhenOn({
  status,
  onCodes,
  onOff,
}: {
  status: MfaStatusOut;
  onCodes: (codes: string[]) => void;
  onOff: (detail: string) => void;
}) {
  const [action, setAction] = useState<OnAction | null>(null);
  const stepUp = useStepUp(true);
  const regenerate = useRegenerateRecoveryCodes();
  const disable = useTotpDisable();
  const pending = regenerate.isPending || disable.isPending;
  const error = regenerate.error ?? disable.error;

  function choose(next: OnAction | null) {
    setAction(next);
    stepUp.reset();
    regenerate.reset();
    disable.reset();
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (action === 'regenerate') {
      regenerate.mutate(stepUp.value, {
        onSuccess: (data) => {
          choose(null);
          onCodes(data.recovery_codes);
        },
      });
    } else if (action === 'disable') {
      disable.mutate(stepUp.value, { onSuccess: (data) => onOff(data.detail) });
    }
  }

  return (
    <>
      <p>
        <span className="badge badge-on">On</span> Signing in asks for a code from your
        authenticator app. Recovery codes left: <strong>{status.recovery_codes_left}</strong>
        {status.recovery_codes_left <= 3 ? ' — get new ones soon.' : '.'}
      </p>
      {action ? (
        <form
          onSubmit={onSubmit}
          noValidate
          aria-label={
            action === 'regenerate' ? 'Get new recovery codes' : 'Turn off two-step sign-in'
          }
        >
          <p>
            {action === 'regenerate'
              ? 'Your current recovery codes will stop working.'
              : 'Signing in will ask only for your password. Other devices will be signed out.'}
          </p>
          {error ? <Alert>{errorMessage(error)}</Alert> : null}
          {stepUp.fields}
          <div className="button-row">
            <Button
              type="submit"
              variant={action === 'disable' ? 'danger' : 'primary'}
              disabled={pending || !stepUp.ready}
            >
              {action === 'regenerate' ? 'Get new codes' : 'Turn off'}
            </Button>
            <Button type="button" variant="ghost" onClick={() => choose(null)}>
              Cancel
            </Button>
          </div>
        </form>
      ) : (
        <div className="button-row">
          <Button variant="secondary" onClick={() => choose('regenerate')}>
            Get new recovery codes
          </Button>
          <Button variant="danger" onClick={() => choose('disable')}>
            Turn off two-step sign-in
          </Button>
        </div>
      )}
    </>
  );
}

/** Settings → Security → Two-step sign-in (TOTP): set up, recovery codes, turn off. */
export function TwoStepSection() {
  const status = useMfaStatus();
  const [setup, setSetup] = useState<TotpSetupOut | null>(null);
  const [starting, setStarting] = useState(false);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [offNotice, setOffNotice] = useState<string | null>(null);

  let body;
  if (codes) {
    body = <RecoveryCodes codes={codes} onDone={() => setCodes(null)} />;
  } else if (status.isError) {
    body = <ErrorState error={status.error} onRetry={() => void status.refetch()} />;
  } else if (status.isPending) {
    body = <p className="muted">Loading…</p>;
  } else if (setup) {
    body = (
      <ScanAndConfirm
        setup={setup}
        onConfirmed={(fresh) => {
          setSetup(null);
          setCodes(fresh);
        }}
        onCancel={() => setSetup(null)}
      />
    );
  } else if (status.data.totp) {
    body = (
      <WhenOn
        status={status.data}
        onCodes={setCodes}
        onOff={(detail) => {
          setOffNotice(detail);
          void status.refetch();
        }}
      />
    );
  } else if (starting) {
    body = (
      <SetUpStart
        onStarted={(started) => {
          setStarting(false);
          setSetup(started);
        }}
      />
    );
  } else {
    body = (
      <>
        {offNotice ? <Alert kind="success">{offNotice}</Alert> : null}
        <p>
          <span className="badge badge-off">Off</span> Add a second step to signing in: a code from
          an authenticator app on your phone.
        </p>
        <Button
          onClick={() => {
            setOffNotice(null);
            setStarting(true);
          }}
        >
          Set up an authenticator app
        </Button>
      </>
    );
  }

  return (
    <section className="card" aria-labelledby="two-step-title">
      <h2 id="two-step-title">Two-step sign-in</h2>
      {body}
    </section>
  );
}
