// Rules of two-step sign-in (ADR 0038): what a code and a recovery code look like, how long
// the half-signed-in state lasts, and what a new password must be. No I/O.

/** A TOTP code as authenticator apps show it: six digits (spaces people type are dropped). */
export function normaliseTotpCode(input: string): string | null {
  const digits = input.replace(/\s+/g, '');
  return /^\d{6}$/.test(digits) ? digits : null;
}

export const RECOVERY_CODE_COUNT = 10;
/** Recovery codes use this alphabet: no 0/o, 1/l/i, so a printed code reads back unambiguously. */
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** `xxxxx-xxxxx` from ten random bytes (each mapped into the alphabet). */
export function formatRecoveryCode(randomBytes: Uint8Array): string {
  if (randomBytes.length < 10) throw new Error('A recovery code needs ten random bytes.');
  const chars = Array.from(randomBytes.subarray(0, 10), (b) => RECOVERY_ALPHABET[b % 31]!);
  return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
}

/** The form a recovery code is hashed in: lower case, without spaces or dashes; null if it cannot be one. */
export function normaliseRecoveryCode(input: string): string | null {
  const compact = input.toLowerCase().replace(/[\s-]+/g, '');
  return new RegExp(`^[${RECOVERY_ALPHABET}]{10}$`).test(compact) ? compact : null;
}

/** Between the password and the second step: a few minutes, and a few wrong codes. */
export const SIGN_IN_CHALLENGE_TTL_MS = 5 * 60 * 1000;
export const SIGN_IN_CHALLENGE_MAX_FAILURES = 5;
