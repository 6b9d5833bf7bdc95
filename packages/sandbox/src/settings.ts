// The sandbox's own knobs, beside what the platforms accepted: each platform's settings (how
// many status polls a video takes, a posting cap; a zod schema per platform whose fields all
// have defaults) and how long issued access tokens live. Held by the store, so they are saved
// with it, and handed to the platforms through SandboxContext.
import { z } from 'zod';
import { SANDBOX_PLATFORMS, type SandboxPlatform } from './faults.ts';

/** A platform's settings schema: a strict object whose every field has a default. */
export type SettingsSchema = z.ZodObject;

/** Asked for a platform that has no settings (or does not exist). */
export class UnknownSettingsError extends Error {}

const Seconds = z
  .int('A token lifetime is a whole number of seconds')
  // 0 is allowed: a token that is expired as soon as it is issued (tests of the refresh path).
  .min(0, 'A token lifetime cannot be negative')
  .max(10 * 365 * 24 * 3600, 'A token lifetime must be under 10 years');

/**
 * Access-token lifetimes, as `SANDBOX_TOKEN_TTL_SECONDS` and `PUT /__sandbox/token-ttl` take
 * them: a number of seconds for every platform, or an object of platform → seconds.
 */
export const TokenTtlInput = z.union([
  Seconds,
  z.partialRecord(z.enum(SANDBOX_PLATFORMS), Seconds),
]);
export type TokenTtlInput = z.input<typeof TokenTtlInput>;
export type TokenTtl = Partial<Record<SandboxPlatform, number>>;

/** Every platform's lifetime from either form. */
export function tokenTtlFrom(input: unknown): TokenTtl {
  const parsed = TokenTtlInput.parse(input);
  if (typeof parsed !== 'number') return { ...parsed };
  return Object.fromEntries(SANDBOX_PLATFORMS.map((p) => [p, parsed]));
}

export interface SettingsSnapshot {
  platforms: Record<string, Record<string, unknown>>;
  accessTokenTtlSeconds: TokenTtl;
}

export class SandboxSettings {
  /**
   * One settings object per platform that has a schema. Platforms read them through
   * SandboxContext; they are changed in place, so a reference taken at start stays current.
   */
  readonly platforms: Record<string, Record<string, unknown>> = {};
  /** Changed in place too (SandboxContext hands out this very object). */
  readonly accessTokenTtlSeconds: TokenTtl = {};
  readonly #schemas: Readonly<Record<string, SettingsSchema>>;
  readonly #changed: () => void;

  constructor(schemas: Readonly<Record<string, SettingsSchema>>, changed: () => void) {
    this.#schemas = schemas;
    this.#changed = changed;
    for (const [platform, schema] of Object.entries(schemas)) {
      this.platforms[platform] = schema.parse({});
    }
  }

  /** The platforms that have settings, in the order they were given. */
  names(): string[] {
    return Object.keys(this.#schemas);
  }

  get(platform: string): Record<string, unknown> {
    const current = this.platforms[platform];
    if (!current) throw this.#unknown(platform);
    return { ...current };
  }

  /**
   * Changes the fields `patch` names (others keep their value) and answers the result. Throws
   * a ZodError naming the field for a bad value or an unknown field; nothing changes then.
   */
  update(platform: string, patch: unknown): Record<string, unknown> {
    const schema = this.#schemas[platform];
    const current = this.platforms[platform];
    if (!schema || !current) throw this.#unknown(platform);
    const fields = z
      .record(z.string(), z.unknown(), 'Send the settings as a JSON object')
      .parse(patch);
    const next = schema.parse({ ...current, ...fields });
    Object.assign(current, next);
    this.#changed();
    return { ...current };
  }

  /** Replaces every lifetime (`{}` puts each platform back on its own default). */
  setTokenTtl(input: unknown): TokenTtl {
    const next = tokenTtlFrom(input);
    for (const key of Object.keys(this.accessTokenTtlSeconds) as SandboxPlatform[]) {
      delete this.accessTokenTtlSeconds[key];
    }
    Object.assign(this.accessTokenTtlSeconds, next);
    this.#changed();
    return { ...this.accessTokenTtlSeconds };
  }

  snapshot(): SettingsSnapshot {
    return { platforms: this.platforms, accessTokenTtlSeconds: this.accessTokenTtlSeconds };
  }

  /**
   * Takes saved values back, field by field over the defaults. A platform whose saved settings
   * no longer fit its schema keeps its defaults; the answer names it so the caller can say so.
   */
  restore(saved: SettingsSnapshot): { discarded: string[] } {
    const discarded: string[] = [];
    for (const [platform, schema] of Object.entries(this.#schemas)) {
      const values = saved.platforms[platform];
      if (!values) continue;
      const parsed = schema.safeParse({ ...this.platforms[platform], ...values });
      if (parsed.success) Object.assign(this.platforms[platform]!, parsed.data);
      else discarded.push(`${platform} settings`);
    }
    const ttl = z
      .partialRecord(z.enum(SANDBOX_PLATFORMS), Seconds)
      .safeParse(saved.accessTokenTtlSeconds);
    if (ttl.success) Object.assign(this.accessTokenTtlSeconds, ttl.data);
    else discarded.push('token lifetimes');
    return { discarded };
  }

  #unknown(platform: string) {
    const known = this.names().join(', ') || 'none';
    return new UnknownSettingsError(
      `The sandbox has no settings for "${platform}"; platforms with settings: ${known}.`,
    );
  }
}
