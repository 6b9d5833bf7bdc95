import { createCipheriv, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  decryptSecret,
  encryptSecret,
  generateEncryptionKey,
  hashPassword,
  parseEncryptionKey,
  parseTokenKeyring,
  TokenKeyError,
  TokenKeyring,
  tokenKeyId,
  verifyPassword,
} from './credentials.ts';

/** The sealed value with one bit of its ciphertext (the last part) flipped: always different. */
function flipCiphertextBit(sealed: string): string {
  const parts = sealed.split('.');
  const body = Buffer.from(parts.at(-1) ?? '', 'base64url');
  body[0] = (body[0] ?? 0) ^ 0x01;
  return [...parts.slice(0, -1), body.toString('base64url')].join('.');
}

/** A secret in the v1 format (no key id), as credentials.ts wrote them before key rotation. */
function sealV1(plaintext: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), body]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

describe('token encryption', () => {
  const key = new TokenKeyring(randomBytes(32));

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
    const other = new TokenKeyring(randomBytes(32));
    expect(() => decryptSecret(sealed, other)).toThrow(TokenKeyError);
    const tampered = flipCiphertextBit(sealed);
    expect(tampered).not.toBe(sealed);
    expect(() => decryptSecret(tampered, key)).toThrow('failed its integrity check');
  });

  it('refuses a tampered ciphertext whose last characters a character swap could miss', () => {
    // Sealed under a fixed key and IV (counter 160): replacing its next-to-last character with
    // 'A' changed nothing, so the test that did so passed the untampered value about 1 run in 70.
    const fixedKey = parseTokenKeyring('AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=');
    const sealed = 'v1.AAAAAAAAAAAAAACg.iTRSvl1Laq_JHqBuFzxUig.EFxf2LAw';
    expect(decryptSecret(sealed, fixedKey)).toBe('secret');
    const tampered = flipCiphertextBit(sealed);
    expect(tampered).not.toBe(sealed);
    expect(() => decryptSecret(tampered, fixedKey)).toThrow(TokenKeyError);
  });

  it('names the variable when the key is malformed', () => {
    expect(() => parseEncryptionKey('short')).toThrow(/TOKEN_ENCRYPTION_KEY must be 32 bytes/);
    expect(() =>
      parseTokenKeyring(generateEncryptionKey(), `${generateEncryptionKey()}, short`),
    ).toThrow('TOKEN_ENCRYPTION_OLD_KEYS (entry 2) must be 32 bytes, base64-encoded');
  });
});

describe('key rotation', () => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  const before = new TokenKeyring(oldKey);
  const after = parseTokenKeyring(newKey.toString('base64'), ` ${oldKey.toString('base64')} ,`);

  it('writes the id of the key that sealed each secret, derived from the key', () => {
    const sealed = encryptSecret('tok', after);
    expect(sealed.split('.').slice(0, 2)).toEqual(['v2', tokenKeyId(newKey)]);
    expect(tokenKeyId(newKey)).toMatch(/^[A-Za-z0-9_-]{11}$/);
    expect(after.currentKeyId).toBe(tokenKeyId(newKey));
    expect(after.keyIds).toEqual([tokenKeyId(newKey), tokenKeyId(oldKey)]);
    expect(after.isCurrent(sealed)).toBe(true);
    expect(after.isCurrent(encryptSecret('tok', before))).toBe(false);
  });

  it('opens secrets sealed with an old key, in the v2 and the v1 format, after the key changed', () => {
    expect(decryptSecret(encryptSecret('old-v2', before), after)).toBe('old-v2');
    expect(decryptSecret(sealV1('old-v1', oldKey), after)).toBe('old-v1');
    expect(decryptSecret(sealV1('new-v1', newKey), after)).toBe('new-v1');
  });

  it('says which key is missing, and never the secret, when a secret names a key it does not have', () => {
    const sealed = encryptSecret('sbx-secret-token', after);
    const error = (() => {
      try {
        decryptSecret(sealed, before);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(TokenKeyError);
    expect(error!.message).toBe(
      `A stored token was sealed with key ${tokenKeyId(newKey)}, which is neither TOKEN_ENCRYPTION_KEY nor in TOKEN_ENCRYPTION_OLD_KEYS (this server has current key ${tokenKeyId(oldKey)}, no old keys). Add that key to TOKEN_ENCRYPTION_OLD_KEYS.`,
    );
    expect(error!.message).not.toContain(sealed.split('.')[4]);
    expect(() => decryptSecret(sealV1('lost', randomBytes(32)), after)).toThrow(
      /opens with none of this server's keys/,
    );
  });

  it('does not open a v2 secret stripped of its key id and passed off as v1', () => {
    const sealed = encryptSecret('tok', after).split('.');
    // The version and key id are authenticated: without them the tag no longer matches.
    const downgraded = ['v1', ...sealed.slice(2)].join('.');
    expect(() => decryptSecret(downgraded, after)).toThrow(/opens with none of this server's keys/);
  });

  it('shows key ids, never keys, when logged or serialised', () => {
    const shown = `${inspect(after)} ${JSON.stringify(after)} ${inspect({ deps: after })}`;
    for (const key of [oldKey, newKey]) {
      expect(shown).not.toContain(key.toString('base64'));
      expect(shown).not.toContain(key.toString('hex'));
    }
    expect(JSON.parse(JSON.stringify(after))).toEqual({
      currentKeyId: tokenKeyId(newKey),
      keyIds: [tokenKeyId(newKey), tokenKeyId(oldKey)],
    });
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
