// The only place the worker reads process.env. Parsed once at start-up; a missing or bad
// variable stops the process with a message that names it.
import { mailSettingsSchema, refineMailSettings } from '@herald/core/mail';
import { platformSettingsSchema } from '@herald/core/providers';
import { refineStorageSettings, storageSettingsSchema } from '@herald/core/storage';
import { parseTokenKeyring, tokenKeySettingsProblem, type TokenKeyring } from '@herald/db';
import { loadEnv } from '@herald/db/env';
import { z } from 'zod';

const WorkerSettings = z.object({
  DATABASE_URL: z.string().min(1, 'DATABASE_URL is required (postgresql://…)'),
  TOKEN_ENCRYPTION_KEY: z.string().min(1, 'TOKEN_ENCRYPTION_KEY is required (32 bytes, base64)'),
  /** Keys tokens were sealed with before TOKEN_ENCRYPTION_KEY, comma-separated (ADR 0033). */
  TOKEN_ENCRYPTION_OLD_KEYS: z.string().optional(),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(4),
  /** A fallback only: due jobs wake the pool by LISTEN/NOTIFY and timers (ADR 0022). */
  WORKER_POLL_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** Running jobs get this long after SIGTERM before they are aborted (below the pod's grace). */
  WORKER_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(3_600_000).default(25_000),
  /** After an unanswered publish, wait this long before asking the platform what happened. */
  WORKER_RECONCILE_DELAY_MS: z.coerce.number().int().min(0).max(3_600_000).default(15_000),
  /** Waits between retries of a failed publish, comma-separated (default 5, 15, 30 minutes). */
  WORKER_RETRY_DELAYS_MS: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'WORKER_RETRY_DELAYS_MS is a comma-separated list of milliseconds')
    .transform((list) => list.split(',').map(Number))
    .optional(),
  /** Heartbeat and sweep intervals, and the silence after which a pool is dead (ADR 0012). */
  WORKER_HEARTBEAT_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(5_000),
  WORKER_SWEEP_INTERVAL_MS: z.coerce.number().int().min(50).max(600_000).default(10_000),
  WORKER_DEAD_POOL_AFTER_MS: z.coerce.number().int().min(200).max(3_600_000).default(30_000),
  /**
   * Graphile batching (ADR 0019): jobs fetched per query (default: the concurrency; -1 off),
   * and completions batched over this many ms (default 1; -1 off).
   */
  WORKER_LOCAL_QUEUE_SIZE: z.coerce.number().int().min(-1).max(1_000).optional(),
  WORKER_COMPLETE_BATCH_DELAY_MS: z.coerce.number().int().min(-1).max(1_000).default(1),
  /** Serve /healthz, /readyz and /metrics on this port; unset: no health server. */
  WORKER_HEALTH_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  WORKER_HEALTH_HOST: z.string().min(1).default('0.0.0.0'),
  /** JSON lines for machines (the default), or colourful lines for a person (`pnpm dev`). */
  LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  /** ffmpeg and ffprobe for video processing (docs/decisions/0025); found on PATH when unset. */
  FFMPEG_PATH: z.string().min(1).optional(),
  FFPROBE_PATH: z.string().min(1).optional(),
});

/**
 * The platforms' base URLs and app credentials (core/providers/settings.ts), media storage
 * (docs/decisions/0024): S3 when S3_BUCKET is set, else MEDIA_DIR on disk; and SMTP for
 * notification emails (core/mail; none: emails are skipped and logged). PUBLIC_URL (a storage
 * setting) is also the origin of the reconnect links in notifications.
 */
export const WorkerEnv = WorkerSettings.extend(platformSettingsSchema.shape)
  .extend(storageSettingsSchema.shape)
  .extend(mailSettingsSchema.shape)
  .superRefine(refineStorageSettings)
  .superRefine(refineMailSettings);
export type WorkerEnv = z.infer<typeof WorkerEnv>;

export const MigrateEnv = z.object({
  DATABASE_URL: z.string().min(1, 'DATABASE_URL is required (postgresql://…)'),
  MIGRATIONS_DIR: z.string().default('prisma/migrations'),
});

export const SeedEnv = WorkerSettings.pick({
  DATABASE_URL: true,
  TOKEN_ENCRYPTION_KEY: true,
  TOKEN_ENCRYPTION_OLD_KEYS: true,
});

export const loadWorkerEnv = () => loadEnv(WorkerEnv, process.env, 'the worker');
export const loadMigrateEnv = () => loadEnv(MigrateEnv, process.env, 'the migrations');
export const loadSeedEnv = () => loadEnv(SeedEnv, process.env, 'the seed');

/**
 * The token keyring (docs/decisions/0033). Checked here rather than in the schema, which the
 * container tests parse with a placeholder key: a bad key stops the process with a sentence
 * naming the variable, as loadEnv does.
 */
export function loadTokenKeyring(
  env: { TOKEN_ENCRYPTION_KEY: string; TOKEN_ENCRYPTION_OLD_KEYS?: string | undefined },
  appName = 'the worker',
): TokenKeyring {
  const problem = tokenKeySettingsProblem(env.TOKEN_ENCRYPTION_KEY, env.TOKEN_ENCRYPTION_OLD_KEYS);
  if (problem) {
    console.error(`Invalid environment for ${appName}:\n  ${problem.variable}: ${problem.message}`);
    process.exit(1);
  }
  return parseTokenKeyring(env.TOKEN_ENCRYPTION_KEY, env.TOKEN_ENCRYPTION_OLD_KEYS);
}
