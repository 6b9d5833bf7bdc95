import { describe, expect, it } from 'vitest';
import { formatRecoveryCode, normaliseRecoveryCode, normaliseTotpCode } from './two-factor.ts';

describe('two-step sign-in rules', () => {
  it('accepts six digits, with the spaces people type, and nothing else', () => {
    expect(normaliseTotpCode(' 123 456 ')).toBe('123456');
    expect(normaliseTotpCode('12345')).toBeNull();
    expect(normaliseTotpCode('12345a')).toBeNull();
    expect(normaliseTotpCode('1234567')).toBeNull();
  });

  it('formats recovery codes that read back the same however they are typed', () => {
    const code = formatRecoveryCode(Uint8Array.from([0, 1, 2, 3, 4, 30, 31, 62, 200, 255]));
    expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    expect(normaliseRecoveryCode(code.toUpperCase().replace('-', ' - '))).toBe(
      code.replace('-', ''),
    );
    expect(normaliseRecoveryCode('abcde-fghj')).toBeNull(); // too short
    expect(normaliseRecoveryCode('abcde-fghi0')).toBeNull(); // ambiguous characters
  });
});
