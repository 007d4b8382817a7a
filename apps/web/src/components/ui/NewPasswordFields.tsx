import { useState, type ReactNode } from 'react';

import { Field } from './Field';

/** "New password" + "Repeat" fields with the mismatch check, shared by reset and change. */
export function useNewPassword(): {
  password: string;
  fields: ReactNode;
  confirmMatches: () => boolean;
  reset: () => void;
} {
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const fields = (
    <>
      <Field
        label="New password"
        type="password"
        autoComplete="new-password"
        required
        minLength={8}
        hint="At least 8 characters. A few unrelated words make a strong one."
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      <Field
        label="Repeat the new password"
        type="password"
        autoComplete="new-password"
        required
        value={confirm}
        error={mismatch ? 'The two passwords differ.' : undefined}
        onChange={(e) => setConfirm(e.target.value)}
      />
    </>
  );
  return {
    password,
    fields,
    confirmMatches: () => {
      setMismatch(password !== confirm);
      return password === confirm;
    },
    reset: () => {
      setPassword('');
      setConfirm('');
    },
  };
}
