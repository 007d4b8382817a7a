import { describe, expect, it } from 'vitest';

import { deleteConfirmed } from './AccountSections';
import { describeEvent } from './ActivitySection';
import { qrPath } from './QrCode';
import { recoveryCodesText } from './RecoveryCodes';
import { groupSecret } from './TwoStepSection';

describe('security helpers', () => {
  it('draws a QR code locally whose modules depend on the text', () => {
    const uri = 'otpauth://totp/Journal:a%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Journal';
    const one = qrPath(uri);
    // Version 4+ for a URI this long (33 modules) plus a 2-module quiet zone on each side.
    expect(one.size).toBeGreaterThanOrEqual(33 + 4);
    expect(one.path).toMatch(/^(M\d+ \d+h1v1h-1z)+$/);
    expect(qrPath(uri.replace('JBSW', 'KBSW')).path).not.toBe(one.path);
    // The quiet zone stays white: nothing is drawn in the first two rows.
    expect(one.path).not.toMatch(/M\d+ [01]h/);
  });

  it('writes the recovery codes file with every code on its own line', () => {
    const text = recoveryCodesText(
      ['aaaa-bbbb', 'cccc-dddd'],
      new Date('2026-11-25T10:00:00Z'),
      'j.example',
    );
    const lines = text.split('\n');
    expect(lines[0]).toBe('Journal recovery codes (j.example)');
    expect(lines).toContain('aaaa-bbbb');
    expect(lines).toContain('cccc-dddd');
    expect(text).toContain('Generated 2026-11-25');
  });

  it('groups the TOTP key in fours for typing', () => {
    expect(groupSecret('JBSWY3DPEHPK3PXP')).toBe('JBSW Y3DP EHPK 3PXP');
    expect(groupSecret('ABCDE')).toBe('ABCD E');
  });

  it('puts security events into words, with the sign-in method', () => {
    expect(describeEvent({ event: 'sign_in', detail: 'passkey' })).toBe('Signed in with a passkey');
    expect(describeEvent({ event: 'sign_in', detail: 'password+second_factor' })).toBe(
      'Signed in with password and two-step code',
    );
    expect(describeEvent({ event: 'passkey_added', detail: 'Laptop' })).toBe(
      'Passkey added: Laptop',
    );
    expect(describeEvent({ event: 'mfa_enabled', detail: null })).toBe(
      'Two-step sign-in turned on',
    );
    expect(describeEvent({ event: 'something_new', detail: null })).toBe('something new');
  });

  it('deletes the account only when the phrase is typed exactly (case and spaces aside)', () => {
    expect(deleteConfirmed('delete my account')).toBe(true);
    expect(deleteConfirmed('  Delete My Account ')).toBe(true);
    expect(deleteConfirmed('delete')).toBe(false);
    expect(deleteConfirmed('')).toBe(false);
  });
});
