import { describe, expect, it } from 'vitest';

import { signedInWith } from './DevicesPage';

describe('signedInWith', () => {
  it('says how each session signed in, in words', () => {
    expect(signedInWith('password')).toBe('Signed in with a password');
    expect(signedInWith('password+second_factor')).toBe('Signed in with a password and a code');
    expect(signedInWith('passkey')).toBe('Signed in with a passkey');
  });

  it('names a method it does not know rather than hiding it', () => {
    expect(signedInWith('sso')).toBe('Signed in with sso');
  });
});
