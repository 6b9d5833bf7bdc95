import { describe, expect, it } from 'vitest';
import {
  decryptSecret,
  encryptSecret,
  generateEncryptionKey,
  hashPassword,
  parseEncryptionKey,
  verifyPassword,
} from './credentials.ts';

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
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'B' : 'A') + sealed.slice(-1);
    expect(() => decryptSecret(tampered, key)).toThrow();
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
