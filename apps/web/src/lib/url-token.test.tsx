// A mailed token is read from the address bar once and stripped from it. A page React mounts
// afresh after throwing a render away (a lazy page suspending, an interrupted update) must
// still get it, though it is no longer in the bar; another visit to the page must not.
import { render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';

import { useUrlToken } from './url-token';

function ShowToken() {
  return <p>token: {useUrlToken() || '(none)'}</p>;
}

afterEach(() => {
  window.history.replaceState(null, '', '/');
});

describe('useUrlToken', () => {
  it('strips the token, and a fresh mount on the same history entry still gets it', () => {
    window.history.replaceState({ key: 'entry-1' }, '', '/verify?token=secret-1&x=2');
    const first = render(<ShowToken />);
    expect(screen.getByText('token: secret-1')).toBeTruthy();
    expect(window.location.search).toBe('?x=2');
    first.unmount();

    render(<ShowToken />);
    expect(screen.getByText('token: secret-1')).toBeTruthy();
  });

  it('does not hand an old token to a later visit of the page', () => {
    window.history.replaceState({ key: 'entry-2' }, '', '/verify?token=secret-2');
    render(<ShowToken />).unmount();
    window.history.pushState({ key: 'entry-3' }, '', '/verify');
    render(<ShowToken />);
    expect(screen.getByText('token: (none)')).toBeTruthy();
  });
});
