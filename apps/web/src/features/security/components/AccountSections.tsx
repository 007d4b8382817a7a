import { useState, type FormEvent } from 'react';

import { Alert } from '../../../components/ui/Alert';
import { Button } from '../../../components/ui/Button';
import { Field } from '../../../components/ui/Field';
import { errorMessage } from '../../../lib/api-error';
import { useChangeEmail, useDeleteAccount, useMfaStatus } from '../api';
import { useStepUp } from './StepUpFields';

/** What must be typed, exactly, before the account can be deleted. */
export const DELETE_PHRASE = 'delete my account';

export function deleteConfirmed(typed: string): boolean {
  return typed.trim().toLowerCase() === DELETE_PHRASE;
}

/** Settings → Security → Email: a confirmation link goes to the new address. */
export function ChangeEmailSection() {
  const status = useMfaStatus();
  const stepUp = useStepUp(status.data?.totp ?? false);
  const [newEmail, setNewEmail] = useState('');
  const change = useChangeEmail();

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    change.mutate(
      { newEmail, ...stepUp.value },
      {
        onSuccess: () => {
          stepUp.reset();
        },
      },
    );
  }

  return (
    <form onSubmit={onSubmit} noValidate className="card" aria-labelledby="email-title">
      <h2 id="email-title">Email address</h2>
      {change.isSuccess ? (
        <Alert kind="success">
          {change.data.detail} Open the link we sent to {newEmail.trim()} to finish.
        </Alert>
      ) : null}
      {change.isError ? <Alert>{errorMessage(change.error)}</Alert> : null}
      <Field
        label="New email address"
        type="email"
        autoComplete="email"
        required
        maxLength={320}
        value={newEmail}
        onChange={(e) => setNewEmail(e.target.value)}
      />
      {stepUp.fields}
      <p className="muted">
        Your address changes once you open the link we mail to the new one. Other devices will be
        signed out then.
      </p>
      <Button type="submit" disabled={change.isPending || !newEmail.trim() || !stepUp.ready}>
        Change email
      </Button>
    </form>
  );
}

/** Settings → Security → Delete account: typed confirmation and step-up, then signed out. */
export function DeleteAccountSection() {
  const status = useMfaStatus();
  const stepUp = useStepUp(status.data?.totp ?? false);
  const [typed, setTyped] = useState('');
  const remove = useDeleteAccount();

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!deleteConfirmed(typed)) return;
    remove.mutate(stepUp.value);
  }

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      className="card card-danger"
      aria-labelledby="delete-title"
    >
      <h2 id="delete-title">Delete account</h2>
      <p>
        This deletes your account and every entry in your journal, at once and for good. Export your
        journal first if you want to keep it.
      </p>
      {remove.isError ? <Alert>{errorMessage(remove.error)}</Alert> : null}
      <Field
        label={`Type “${DELETE_PHRASE}” to confirm`}
        autoComplete="off"
        autoCapitalize="none"
        spellCheck={false}
        required
        value={typed}
        onChange={(e) => setTyped(e.target.value)}
      />
      {stepUp.fields}
      <Button
        type="submit"
        variant="danger"
        disabled={remove.isPending || !deleteConfirmed(typed) || !stepUp.ready}
      >
        {remove.isPending ? 'Deleting…' : 'Delete my account'}
      </Button>
    </form>
  );
}
