import { describe, expect, it } from 'vitest';
import {
  decryptSecret,
  encryptSecret,
  generateEncryptionKey,
  hashPassword,
  parseEncryptionKey,
  verifyPassword,
} from './credentials.ts';

/** The sealed value with one bit of its ciphertext flipped: always a different value. */
function flipCiphertextBit(sealed: string): string {
  const parts = sealed.split('.');
  const body = Buffer.from(parts[3] ?? '', 'base64url');
  body[0] = (body[0] ?? 0) ^ 0x01;
  return [...parts.slice(0, 3), body.toString('base64url')].join('.');
}

describe('token encryption', () => {
  const key = parseEncryptionKey(generateEncryptionKey());

  it('round-trips and never stores the plaintext', () => {
    const sealed = encryptSecret('page-token-123', key);
    expect(sealed).not.toContain('page-token-123');
    expect(decryptSecret(sealed, key)).toBe('page-token-123');
  });

  it('uses a fresh IV each time', () => {
    expect(encryptSecret('same', key)).not.toBe(encryptSecret('same', key));
  });

  it('refuses a different key or a tampered ciphertext', () => {
    const sealed = encryptSecret('secret', key);
    const other = parseEncryptionKey(generateEncryptionKey());
    expect(() => decryptSecret(sealed, other)).toThrow();
    const tampered = flipCiphertextBit(sealed);
    expect(tampered).not.toBe(sealed);
    expect(() => decryptSecret(tampered, key)).toThrow();
  });

  it('refuses a tampered ciphertext whose last characters a character swap could miss', () => {
    // Sealed under a fixed key and IV (counter 160): replacing its next-to-last character with
    // 'A' changed nothing, so the test that did so passed the untampered value about 1 run in 70.
    const fixedKey = parseEncryptionKey('AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=');
    const sealed = 'v1.AAAAAAAAAAAAAACg.iTRSvl1Laq_JHqBuFzxUig.EFxf2LAw';
    expect(decryptSecret(sealed, fixedKey)).toBe('secret');
    const tampered = flipCiphertextBit(sealed);
    expect(tampered).not.toBe(sealed);
    expect(() => decryptSecret(tampered, fixedKey)).toThrow();
  });

  it('names the variable when the key is malformed', () => {
    expect(() => parseEncryptionKey('short')).toThrow(/TOKEN_ENCRYPTION_KEY must be 32 bytes/);
  });
});

describe('passwords', () => {
  it('hashes with argon2id and verifies only the right password', async () => {
    const stored = await hashPassword('correct horse');
    expect(stored).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(stored, 'correct horse')).toBe(true);
    expect(await verifyPassword(stored, 'wrong horse')).toBe(false);
    expect(await verifyPassword('not-a-hash', 'x')).toBe(false);
  });
});
