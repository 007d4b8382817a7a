import { useState, type ReactNode } from 'react';

import { Field } from '../../../components/ui/Field';
import type { StepUp } from '../api';

/**
 * The fields of a step-up: the current password, and a code from the authenticator app (or
 * a recovery code) when two-step sign-in is on.
 */
export function useStepUp(needsCode: boolean): {
  value: StepUp;
  fields: ReactNode;
  ready: boolean;
  reset: () => void;
} {
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const fields = (
    <>
      <Field
        label="Current password"
        type="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      {needsCode ? (
        <Field
          label="Code from your authenticator app"
          hint="Or one of your recovery codes."
          autoComplete="one-time-code"
          autoCapitalize="none"
          spellCheck={false}
          required
          value={code}
          onChange={(e) => setCode(e.target.value)}
        />
      ) : null}
    </>
  );
  return {
    value: needsCode ? { password, code } : { password },
    fields,
    ready: password.length > 0 && (!needsCode || code.trim().length > 0),
    reset: () => {
      setPassword('');
      setCode('');
    },
  };
}
