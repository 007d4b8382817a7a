import { useState } from 'react';

import { ApiError, errorMessage } from './api-error';

/** Submit state for the small auth forms: busy flag, error text, field errors. */
export function useApiForm() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});

  async function run<T>(work: () => Promise<T>): Promise<T | undefined> {
    setBusy(true);
    setError(null);
    setFieldErrors({});
    try {
      return await work();
    } catch (err) {
      if (err instanceof ApiError && err.fieldErrors.length) {
        const byField: Record<string, string> = {};
        for (const item of err.fieldErrors) {
          const field = String(item.loc[item.loc.length - 1] ?? '');
          byField[field] ??= item.msg;
        }
        setFieldErrors(byField);
      }
      setError(errorMessage(err));
      return undefined;
    } finally {
      setBusy(false);
    }
  }

  return { busy, error, fieldErrors, run };
}

export async function readError(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => ({}))) as ConstructorParameters<
    typeof ApiError
  >[1];
  return new ApiError(response.status, body);
}
