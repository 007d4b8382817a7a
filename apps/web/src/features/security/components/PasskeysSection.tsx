import { WebAuthnError } from '@simplewebauthn/browser';
import { useState, type FormEvent } from 'react';

import { Alert } from '../../../components/ui/Alert';
import { Button } from '../../../components/ui/Button';
import { ErrorState } from '../../../components/ui/ErrorState';
import { Field } from '../../../components/ui/Field';
import type { PasskeyOut } from '../../../lib/api-client';
import { errorMessage } from '../../../lib/api-error';
import { usePasskeysAvailable } from '../../../lib/server-config';
import {
  useAddPasskey,
  useDeletePasskey,
  useMfaStatus,
  usePasskeys,
  useRenamePasskey,
} from '../api';
import { formatWhen } from './time';
import { useStepUp } from './StepUpFields';

/** A browser prompt that ended without a passkey, in words. */
export function passkeyProblem(error: unknown): string {
  if (error instanceof Error && (error.name === 'NotAllowedError' || error.name === 'AbortError')) {
    return 'The passkey prompt was closed or timed out. Nothing was added.';
  }
  if (error instanceof WebAuthnError) return error.message;
  return errorMessage(error);
}

function PasskeyRow({ passkey, needsCode }: { passkey: PasskeyOut; needsCode: boolean }) {
  const [mode, setMode] = useState<'view' | 'rename' | 'delete'>('view');
  const [name, setName] = useState(passkey.name);
  const rename = useRenamePasskey();
  const remove = useDeletePasskey();
  const stepUp = useStepUp(needsCode);

  function close() {
    setMode('view');
    stepUp.reset();
    rename.reset();
    remove.reset();
  }

  function onRename(event: FormEvent) {
    event.preventDefault();
    rename.mutate({ id: passkey.id, name: name.trim() }, { onSuccess: close });
  }

  function onDelete(event: FormEvent) {
    event.preventDefault();
    remove.mutate({ id: passkey.id, ...stepUp.value });
  }

  return (
    <li className="passkey">
      <div className="passkey-head">
        <span className="passkey-name">{passkey.name}</span>
        <span className="muted">
          Added {formatWhen(passkey.created_at)} ·{' '}
          {passkey.last_used_at ? `last used ${formatWhen(passkey.last_used_at)}` : 'never used'}
        </span>
      </div>
      {mode === 'view' ? (
        <div className="button-row">
          <Button
            variant="secondary"
            className="btn-small"
            onClick={() => setMode('rename')}
            aria-label={`Rename ${passkey.name}`}
          >
            Rename
          </Button>
          <Button
            variant="danger"
            className="btn-small"
            onClick={() => setMode('delete')}
            aria-label={`Remove ${passkey.name}`}
          >
            Remove
          </Button>
        </div>
      ) : null}
      {mode === 'rename' ? (
        <form onSubmit={onRename} noValidate aria-label={`Rename ${passkey.name}`}>
          {rename.isError ? <Alert>{errorMessage(rename.error)}</Alert> : null}
          <Field
            label="Passkey name"
            maxLength={100}
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
          <div className="button-row">
            <Button type="submit" disabled={rename.isPending || !name.trim()}>
              Save name
            </Button>
            <Button type="button" variant="ghost" onClick={close}>
              Cancel
            </Button>
          </div>
        </form>
      ) : null}
      {mode === 'delete' ? (
        <form onSubmit={onDelete} noValidate aria-label={`Remove ${passkey.name}`}>
          <p>This passkey will no longer sign you in.</p>
          {remove.isError ? <Alert>{errorMessage(remove.error)}</Alert> : null}
          {stepUp.fields}
          <div className="button-row">
            <Button type="submit" variant="danger" disabled={remove.isPending || !stepUp.ready}>
              Remove passkey
            </Button>
            <Button type="button" variant="ghost" onClick={close}>
              Cancel
            </Button>
          </div>
        </form>
      ) : null}
    </li>
  );
}

function AddPasskey() {
  const [name, setName] = useState('');
  const add = useAddPasskey();

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    add.mutate(name.trim() || 'Passkey', { onSuccess: () => setName('') });
  }

  return (
    <form onSubmit={onSubmit} noValidate aria-label="Add a passkey">
      {add.isError ? <Alert>{passkeyProblem(add.error)}</Alert> : null}
      {add.isSuccess ? <Alert kind="success">Passkey “{add.data.name}” added.</Alert> : null}
      <Field
        label="Name for the new passkey"
        hint="So you can tell your passkeys apart, e.g. “Laptop” or “Phone”."
        maxLength={100}
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <Button type="submit" disabled={add.isPending}>
        {add.isPending ? 'Waiting for your passkey…' : 'Add a passkey'}
      </Button>
    </form>
  );
}

/** Settings → Security → Passkeys: add (browser prompt), rename, remove (step-up). */
export function PasskeysSection() {
  const available = usePasskeysAvailable();
  const passkeys = usePasskeys(available);
  const status = useMfaStatus();
  const needsCode = status.data?.totp ?? false;

  return (
    <section className="card" aria-labelledby="passkeys-title">
      <h2 id="passkeys-title">Passkeys</h2>
      {!available ? (
        <p className="muted">Passkeys are not available on this server or in this browser.</p>
      ) : (
        <>
          <p>
            Sign in with your fingerprint, face or device PIN instead of a password. A passkey
            counts as both steps.
          </p>
          {passkeys.isError ? (
            <ErrorState error={passkeys.error} onRetry={() => void passkeys.refetch()} />
          ) : null}
          {passkeys.data?.length ? (
            <ul className="passkey-list" aria-label="Your passkeys">
              {passkeys.data.map((passkey) => (
                <PasskeyRow key={passkey.id} passkey={passkey} needsCode={needsCode} />
              ))}
            </ul>
          ) : passkeys.isSuccess ? (
            <p className="muted">No passkeys yet.</p>
          ) : null}
          <AddPasskey />
        </>
      )}
    </section>
  );
}
