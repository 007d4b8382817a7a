import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';

import { ApiError } from '../../lib/api-error';
import { ErrorState } from './ErrorState';

describe('ErrorState', () => {
  it('shows a network error as "Can\'t reach the server" with a Retry button', () => {
    const onRetry = vi.fn();
    render(<ErrorState error={ApiError.network()} onRetry={onRetry} />);
    expect(screen.getByRole('alert').textContent).toContain("Can't reach the server");
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(onRetry).toHaveBeenCalledOnce();
  });

  it('offers Retry for a server error too', () => {
    render(<ErrorState error={new ApiError(503)} onRetry={() => undefined} />);
    expect(screen.getByRole('button', { name: 'Retry' })).toBeTruthy();
  });

  it('shows a 4xx with the server detail and no Retry (asking again will not help)', () => {
    render(
      <ErrorState
        error={new ApiError(404, { detail: 'Entry not found', code: 'not_found' })}
        onRetry={() => undefined}
      />,
    );
    expect(screen.getByRole('alert').textContent).toContain('Entry not found');
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
  });
});
