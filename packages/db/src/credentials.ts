// How secrets are stored at rest: platform tokens with AES-256-GCM under a keyring from the
// environment (the current key seals, old keys still open; docs/decisions/0003, 0033), user
// passwords with Argon2id.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { hash, verify } from '@node-rs/argon2';

/** The format written today: `v2.<key id>.<iv>.<tag>.<ciphertext>`. */
const VERSION = 'v2';
/** Written before key ids: `v1.<iv>.<tag>.<ciphertext>`, opened by whichever key works. */
const LEGACY_VERSION = 'v1';

/** A key or keyring that cannot open a secret, or a key setting that is wrong. Never holds a secret. */
export class TokenKeyError extends Error {
  constructor(
    message: string,
    /** The setting to fix, when a setting is at fault. */
    readonly variable?: 'TOKEN_ENCRYPTION_KEY' | 'TOKEN_ENCRYPTION_OLD_KEYS',
  ) {
    super(message);
    this.name = 'TokenKeyError';
  }
}

/** Parses a base64 32-byte key; throws a message naming the variable when it is wrong. */
export function parseEncryptionKey(base64: string, name = 'TOKEN_ENCRYPTION_KEY'): Buffer {
  const key = Buffer.from(base64.trim(), 'base64');
  if (key.length !== 32) {
    throw new TokenKeyError(
      `${name} must be 32 bytes, base64-encoded (try: openssl rand -base64 32)`,
      name.startsWith('TOKEN_ENCRYPTION_OLD_KEYS')
        ? 'TOKEN_ENCRYPTION_OLD_KEYS'
        : 'TOKEN_ENCRYPTION_KEY',
    );
  }
  return key;
}

export function generateEncryptionKey(): string {
  return randomBytes(32).toString('base64');
}

/**
 * A key's id, written into every secret it seals: the first 8 bytes of its SHA-256, base64url.
 * Derived, not configured, so no setting can pair an id with the wrong key; and it says
 * nothing usable about the key.
 */
export function tokenKeyId(key: Buffer): string {
  return createHash('sha256').update(key).digest().subarray(0, 8).toString('base64url');
}

/**
 * The keys platform tokens are sealed with: the current key seals, every key (current and
 * old) opens. The keys never leave this object: logging or serialising it shows only the ids.
 */
export class TokenKeyring {
  readonly #current: { id: string; key: Buffer };
  readonly #keys: ReadonlyMap<string, Buffer>;

  constructor(current: Buffer, old: readonly Buffer[] = []) {
    for (const key of [current, ...old]) {
      if (key.length !== 32) throw new TokenKeyError('A token key must be 32 bytes.');
    }
    this.#current = { id: tokenKeyId(current), key: current };
    const keys = new Map<string, Buffer>([[this.#current.id, current]]);
    for (const key of old) keys.set(tokenKeyId(key), key);
    this.#keys = keys;
  }

  /** The id of the key new secrets are sealed with. */
  get currentKeyId(): string {
    return this.#current.id;
  }

  /** Every key id this keyring can open, the current one first. */
  get keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  /** What every secret sealed with the current key starts with (for finding the others). */
  get currentPrefix(): string {
    return `${VERSION}.${this.#current.id}.`;
  }

  /** True when `sealed` is already under the current key: re-encrypting it would change nothing. */
  isCurrent(sealed: string): boolean {
    return sealed.startsWith(this.currentPrefix);
  }

  seal(plaintext: string): string {
    const { id, key } = this.#current;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    // The version and key id are authenticated too: a secret cannot be relabelled.
    cipher.setAAD(Buffer.from(`${VERSION}.${id}`));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [
      VERSION,
      id,
      ...[iv, cipher.getAuthTag(), body].map((p) => p.toString('base64url')),
    ].join('.');
  }

  open(sealed: string): string {
    const parts = sealed.split('.');
    if (parts[0] === VERSION && parts.length === 5) {
      const [, id, iv, tag, body] = parts as [string, string, string, string, string];
      const key = this.#keys.get(id);
      if (!key) {
        throw new TokenKeyError(
          `A stored token was sealed with key ${id}, which is neither TOKEN_ENCRYPTION_KEY nor in TOKEN_ENCRYPTION_OLD_KEYS (this server has ${this.#describe()}). Add that key to TOKEN_ENCRYPTION_OLD_KEYS.`,
        );
      }
      try {
        return openWith(key, iv, tag, body, Buffer.from(`${VERSION}.${id}`));
      } catch {
        throw new TokenKeyError(
          `A stored token sealed with key ${id} failed its integrity check: it was altered or truncated.`,
        );
      }
    }
    if (parts[0] === LEGACY_VERSION && parts.length === 4) {
      const [, iv, tag, body] = parts as [string, string, string, string];
      // No key id: each key is tried; GCM's tag tells the right one from the wrong ones.
      for (const key of this.#keys.values()) {
        try {
          return openWith(key, iv, tag, body);
        } catch {
          // not this key
        }
      }
      throw new TokenKeyError(
        `A stored token (v1, without a key id) opens with none of this server's keys (${this.#describe()}): add the key it was sealed with to TOKEN_ENCRYPTION_OLD_KEYS.`,
      );
    }
    throw new TokenKeyError('A stored token is not an encrypted secret (unknown format).');
  }

  #describe(): string {
    const [current, ...old] = this.keyIds;
    return (
      `current key ${current}` + (old.length ? `, old keys ${old.join(', ')}` : ', no old keys')
    );
  }

  toJSON() {
    return { currentKeyId: this.currentKeyId, keyIds: this.keyIds };
  }

  [inspect.custom]() {
    return `TokenKeyring { current: ${this.currentKeyId}, keys: ${this.keyIds.length} }`;
  }
}

function openWith(key: Buffer, iv: string, tag: string, body: string, aad?: Buffer): string {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  if (aad) decipher.setAAD(aad);
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([
    decipher.update(Buffer.from(body, 'base64url')),
    decipher.final(),
  ]).toString('utf8');
}

/**
 * The keyring from the environment: TOKEN_ENCRYPTION_KEY (current) and TOKEN_ENCRYPTION_OLD_KEYS
 * (comma-separated, each base64 32 bytes). Throws a sentence naming the variable at fault.
 */
export function parseTokenKeyring(current: string, old?: string): TokenKeyring {
  const key = parseEncryptionKey(current);
  const olds = (old ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry, i) => parseEncryptionKey(entry, `TOKEN_ENCRYPTION_OLD_KEYS (entry ${i + 1})`));
  return new TokenKeyring(key, olds);
}

/** For an app's env schema: what is wrong with the key settings, or null when they are usable. */
export function tokenKeySettingsProblem(
  current: string,
  old?: string,
): { variable: 'TOKEN_ENCRYPTION_KEY' | 'TOKEN_ENCRYPTION_OLD_KEYS'; message: string } | null {
  try {
    parseTokenKeyring(current, old);
    return null;
  } catch (error) {
    if (!(error instanceof TokenKeyError) || !error.variable) throw error;
    return { variable: error.variable, message: error.message };
  }
}

/** Seals with the keyring's current key: `v2.<key id>.<iv>.<tag>.<ciphertext>`, parts base64url. */
export function encryptSecret(plaintext: string, keys: TokenKeyring): string {
  return keys.seal(plaintext);
}

/** Opens a secret sealed with any of the keyring's keys (v1 secrets too). */
export function decryptSecret(sealed: string, keys: TokenKeyring): string {
  return keys.open(sealed);
}

// OWASP's Argon2id baseline: 19 MiB memory, 2 iterations, 1 lane.
const ARGON2_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}
