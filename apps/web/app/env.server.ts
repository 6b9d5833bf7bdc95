// The only place the web app reads process.env. Parsed once at start-up (entry.server.tsx);
// a missing or bad variable stops the server with a message that names it.
import {
  pickPlatformSettings,
  platformSettingsSchema,
  type PlatformSettings,
} from '@herald/core/providers';
import {
  mailSettingsSchema,
  pickMailSettings,
  refineMailSettings,
  type MailSettings,
} from '@herald/core/mail';
import {
  pickStorageSettings,
  refineStorageSettings,
  storageSettingsSchema,
  type StorageSettings,
} from '@herald/core/storage';
import { parseTokenKeyring, tokenKeySettingsProblem, type TokenKeyring } from '@herald/db';
import { envFlag as flag, parseEnv } from '@herald/db/env';
import { z } from 'zod';

const WebSettings = z.object({
  DATABASE_URL: z
    .string({ error: 'DATABASE_URL is required (postgresql://…)' })
    .min(1, 'DATABASE_URL is required (postgresql://…)'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** Defaults to true in production: the cookie then only travels over HTTPS. */
  SESSION_COOKIE_SECURE: flag('SESSION_COOKIE_SECURE'),
  /** Defaults to true outside production, where the demo agency is seeded. */
  SHOW_DEMO_LOGIN: flag('SHOW_DEMO_LOGIN'),
  /** A session ends after this many hours without a request (besides its 30-day limit). */
  SESSION_IDLE_TIMEOUT_HOURS: z.coerce
    .number({ error: 'SESSION_IDLE_TIMEOUT_HOURS must be a number of hours' })
    .positive('SESSION_IDLE_TIMEOUT_HOURS must be a number of hours')
    .default(7 * 24),
  /**
   * How many reverse proxies in front of the web app append to X-Forwarded-For (0: none, so
   * the header is ignored). Sign-in throttling keys on the address the nearest one saw.
   */
  TRUST_PROXY: z.coerce
    .number({ error: 'TRUST_PROXY must be the number of proxies in front of the app' })
    .int('TRUST_PROXY must be the number of proxies in front of the app')
    .min(0, 'TRUST_PROXY must be the number of proxies in front of the app')
    .default(0),
  /**
   * POST /api/cron/tick runs due jobs for hosts without a worker, when the X-Cron-Secret
   * header carries this secret. Unset: the endpoint refuses every call.
   */
  CRON_SECRET: z.string().min(16, 'CRON_SECRET must be at least 16 characters').optional(),
  /** How long one tick may run jobs before it stops (keep it under the caller's timeout). */
  CRON_TICK_BUDGET_MS: z.coerce
    .number({ error: 'CRON_TICK_BUDGET_MS must be a number of milliseconds' })
    .int()
    .min(1_000, 'CRON_TICK_BUDGET_MS must be at least 1000')
    .max(300_000, 'CRON_TICK_BUDGET_MS must be at most 300000')
    .default(25_000),
  /** What the tick's publishes need: the worker's credentials key (and the platforms below). */
  TOKEN_ENCRYPTION_KEY: z.string().min(1).optional(),
  /** Keys tokens were sealed with before TOKEN_ENCRYPTION_KEY, comma-separated (ADR 0033). */
  TOKEN_ENCRYPTION_OLD_KEYS: z.string().optional(),
  /** ffmpeg and ffprobe for the cron tick's video processing; PATH when unset. */
  FFMPEG_PATH: z.string().min(1).optional(),
  FFPROBE_PATH: z.string().min(1).optional(),
});

/**
 * The platforms (core/providers/settings.ts), media storage (docs/decisions/0024), email
 * (core/mail) and the token keyring (docs/decisions/0033).
 */
export const WebEnv = WebSettings.extend(platformSettingsSchema.shape)
  .extend(storageSettingsSchema.shape)
  .extend(mailSettingsSchema.shape)
  .superRefine(refineStorageSettings)
  .superRefine(refineMailSettings)
  .superRefine((settings, ctx) => {
    if (!settings.TOKEN_ENCRYPTION_KEY) return;
    const problem = tokenKeySettingsProblem(
      settings.TOKEN_ENCRYPTION_KEY,
      settings.TOKEN_ENCRYPTION_OLD_KEYS,
    );
    if (problem)
      ctx.addIssue({ code: 'custom', path: [problem.variable], message: problem.message });
  });

export interface ServerEnv {
  DATABASE_URL: string;
  NODE_ENV: 'development' | 'production' | 'test';
  SESSION_COOKIE_SECURE: boolean;
  SHOW_DEMO_LOGIN: boolean;
  SESSION_IDLE_TIMEOUT_MS: number;
  TRUST_PROXY: number;
  CRON_SECRET: string | undefined;
  CRON_TICK_BUDGET_MS: number;
  /** Opens and seals platform tokens; undefined without TOKEN_ENCRYPTION_KEY (no connecting, no tick). */
  tokenKeys: TokenKeyring | undefined;
  /** What the cron tick's publishes need: every platform's base URL and app credentials. */
  platforms: PlatformSettings;
  FFMPEG_PATH: string | undefined;
  FFPROBE_PATH: string | undefined;
  storage: StorageSettings;
  /** SMTP for the cron tick's emails; none: emails are skipped and logged. */
  mail: MailSettings;
}

export function parseWebEnv(source: Record<string, string | undefined>): ServerEnv {
  const data = parseEnv(WebEnv, source, 'the web app');
  const production = data.NODE_ENV === 'production';
  return {
    DATABASE_URL: data.DATABASE_URL,
    NODE_ENV: data.NODE_ENV,
    SESSION_COOKIE_SECURE: data.SESSION_COOKIE_SECURE ?? production,
    SHOW_DEMO_LOGIN: data.SHOW_DEMO_LOGIN ?? !production,
    SESSION_IDLE_TIMEOUT_MS: data.SESSION_IDLE_TIMEOUT_HOURS * 60 * 60 * 1000,
    TRUST_PROXY: data.TRUST_PROXY,
    CRON_SECRET: data.CRON_SECRET,
    CRON_TICK_BUDGET_MS: data.CRON_TICK_BUDGET_MS,
    tokenKeys: data.TOKEN_ENCRYPTION_KEY
      ? parseTokenKeyring(data.TOKEN_ENCRYPTION_KEY, data.TOKEN_ENCRYPTION_OLD_KEYS)
      : undefined,
    platforms: pickPlatformSettings(data),
    FFMPEG_PATH: data.FFMPEG_PATH,
    FFPROBE_PATH: data.FFPROBE_PATH,
    storage: pickStorageSettings(data),
    mail: pickMailSettings(data),
  };
}

let parsed: ServerEnv | undefined;

/** Parsed on first use, so tools can import WebEnv without a complete environment. */
export function getEnv(): ServerEnv {
  return (parsed ??= parseWebEnv(process.env));
}
