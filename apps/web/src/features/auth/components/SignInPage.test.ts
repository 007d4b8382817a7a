import { describe, expect, it } from 'vitest';

import { safeNext } from './SignInPage';

describe('safeNext', () => {
  it('follows only same-app paths', () => {
    expect(safeNext('/entries/new')).toBe('/entries/new');
    expect(safeNext(null)).toBe('/');
    expect(safeNext('https://evil.example')).toBe('/');
    expect(safeNext('//evil.example/x')).toBe('/');
  });
});
