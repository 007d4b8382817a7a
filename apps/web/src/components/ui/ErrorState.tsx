import { ApiError, errorMessage } from '../../lib/api-error';
import { Button } from './Button';

/**
 * What a failed load shows instead of its content: the reason and, when asking again may
 * help (no answer from the server, or a server error), a Retry button.
 */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const retryable = !(error instanceof ApiError) || error.retryable;
  const offline = error instanceof ApiError && error.isNetwork;
  return (
    <div className="alert alert-error error-state" role="alert">
      <p className="error-state-message">{errorMessage(error)}</p>
      {offline ? <p className="error-state-hint">Check your connection, then try again.</p> : null}
      {onRetry && retryable ? (
        <Button variant="secondary" className="btn-small" onClick={onRetry}>
          Retry
        </Button>
      ) : null}
    </div>
  );
}
