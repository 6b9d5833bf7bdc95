// The storage settings the apps read from their environment, and the one factory that turns
// them into a store: S3 when S3_BUCKET is set, else the local disk. No process.env here: each
// app's env.ts extends its schema with `storageSettingsSchema.shape` and hands the result in.
import { envFlag } from '@herald/db/env';
import { z } from 'zod';
import { StorageConfigError } from './errors.ts';
import { createLocalStorage, type LocalMediaStorage } from './local.ts';
import { createS3Storage, type S3MediaStorage } from './s3.ts';
import { MIN_SIGNING_KEY_BYTES } from './signing.ts';

/** An unset variable and an empty one (`S3_BUCKET=`) mean the same: not configured. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

const url = (name: string) => z.url({ error: `${name} must be a URL (https://…)` });

export const storageSettingsSchema = z.object({
  /** Set: media lives in this bucket. Unset: on the local disk under MEDIA_DIR. */
  S3_BUCKET: optional(z.string()),
  S3_REGION: optional(z.string()).transform((region) => region ?? 'us-east-1'),
  /** For S3-compatible stores (MinIO, R2, …); unset for AWS S3. */
  S3_ENDPOINT: optional(url('S3_ENDPOINT')),
  S3_ACCESS_KEY_ID: optional(z.string()),
  S3_SECRET_ACCESS_KEY: optional(z.string()),
  /** Path-style URLs (`host/bucket/key`); defaults to true when S3_ENDPOINT is set. */
  S3_FORCE_PATH_STYLE: envFlag('S3_FORCE_PATH_STYLE'),
  /** The endpoint browsers and platforms reach the bucket at, when not S3_ENDPOINT. */
  S3_PUBLIC_ENDPOINT: optional(url('S3_PUBLIC_ENDPOINT')),
  /** The local media folder; apps extend this with their default (`.data/media`). */
  MEDIA_DIR: optional(z.string()),
  /** The HMAC key for local media URLs, at least 32 bytes (`openssl rand -base64 48`). */
  MEDIA_SIGNING_KEY: optional(
    z
      .string()
      .refine(
        (key) => Buffer.byteLength(key) >= MIN_SIGNING_KEY_BYTES,
        `MEDIA_SIGNING_KEY must be at least ${MIN_SIGNING_KEY_BYTES} bytes (openssl rand -base64 48)`,
      ),
  ),
  /** The web app's public origin; local media URLs are `${PUBLIC_URL}/media/<key>`. */
  PUBLIC_URL: optional(url('PUBLIC_URL')),
});

/** The parsed storage settings (variable names as keys, so they merge into an app's env). */
export type StorageSettings = z.output<typeof storageSettingsSchema>;

/** Picks the storage settings out of an app's parsed environment. */
export function pickStorageSettings(env: StorageSettings): StorageSettings {
  const keys = Object.keys(storageSettingsSchema.shape) as (keyof StorageSettings)[];
  return Object.fromEntries(keys.map((key) => [key, env[key]])) as StorageSettings;
}

/** One thing wrong with the settings, naming the variable to fix. */
export interface StorageSettingsProblem {
  variable: keyof StorageSettings;
  message: string;
}

const S3_ONLY = [
  'S3_ENDPOINT',
  'S3_ACCESS_KEY_ID',
  'S3_SECRET_ACCESS_KEY',
  'S3_PUBLIC_ENDPOINT',
] as const;

/**
 * Whether any media setting is given. None at all: this process runs without media (uploads
 * and media posts are refused with a sentence naming these variables). Any: all of the chosen
 * store's settings must be right, checked at start-up.
 */
export function isStorageConfigured(settings: StorageSettings): boolean {
  return (
    settings.S3_BUCKET !== undefined ||
    settings.MEDIA_SIGNING_KEY !== undefined ||
    settings.PUBLIC_URL !== undefined ||
    S3_ONLY.some((variable) => settings[variable] !== undefined)
  );
}

/** Why media is refused on a process started without any media settings. */
export const STORAGE_NOT_CONFIGURED =
  'Media storage is not configured on this server: set MEDIA_SIGNING_KEY and PUBLIC_URL (local disk), or S3_BUCKET and its credentials.';

/**
 * What the chosen store still lacks. MEDIA_DIR is not checked here (apps give it a default);
 * createStorage checks it.
 */
export function checkStorageSettings(settings: StorageSettings): StorageSettingsProblem[] {
  const problems: StorageSettingsProblem[] = [];
  const need = (variable: keyof StorageSettings, message: string) => {
    if (settings[variable] === undefined) problems.push({ variable, message });
  };
  if (settings.S3_BUCKET !== undefined) {
    need('S3_ACCESS_KEY_ID', 'S3_ACCESS_KEY_ID is required when S3_BUCKET is set');
    need('S3_SECRET_ACCESS_KEY', 'S3_SECRET_ACCESS_KEY is required when S3_BUCKET is set');
    return problems;
  }
  // Half an S3 configuration would silently keep media on a disk that may not outlive the pod.
  for (const variable of S3_ONLY) {
    if (settings[variable] !== undefined) {
      problems.push({
        variable,
        message: `${variable} is set but S3_BUCKET is not: set S3_BUCKET to use S3`,
      });
    }
  }
  need(
    'MEDIA_SIGNING_KEY',
    `MEDIA_SIGNING_KEY is required for local media storage (at least ${MIN_SIGNING_KEY_BYTES} bytes; openssl rand -base64 48)`,
  );
  need(
    'PUBLIC_URL',
    "PUBLIC_URL is required for local media storage (the web app's public origin)",
  );
  return problems;
}

/**
 * For an app's env schema: `Env.extend(storageSettingsSchema.shape).superRefine(refineStorageSettings)`
 * reports the problems at start-up, each under its variable.
 */
export function refineStorageSettings<T extends StorageSettings>(
  settings: T,
  ctx: z.RefinementCtx<T>,
): void {
  if (!isStorageConfigured(settings)) return;
  for (const problem of checkStorageSettings(settings)) {
    ctx.addIssue({ code: 'custom', path: [problem.variable], message: problem.message });
  }
}

export interface CreateStorageOptions {
  /** The local media folder when MEDIA_DIR is unset. */
  defaultMediaDir?: string;
  /** The clock for URL expiry; tests inject one. */
  now?: () => Date;
}

/** A MediaStorage that says which it is: `kind === 'local'` is what the /media route serves. */
export type ConfiguredStorage = LocalMediaStorage | S3MediaStorage;

/** The store the settings describe, or null when no media setting is given at all. */
export function createConfiguredStorage(
  settings: StorageSettings,
  o: CreateStorageOptions = {},
): ConfiguredStorage | null {
  return isStorageConfigured(settings) ? createStorage(settings, o) : null;
}

/** The store the settings describe, or a StorageConfigError naming every variable to fix. */
export function createStorage(
  settings: StorageSettings,
  o: CreateStorageOptions = {},
): ConfiguredStorage {
  const problems = checkStorageSettings(settings);
  const mediaDir = settings.MEDIA_DIR ?? o.defaultMediaDir;
  if (settings.S3_BUCKET === undefined && mediaDir === undefined) {
    problems.push({
      variable: 'MEDIA_DIR',
      message: 'MEDIA_DIR is required for local media storage',
    });
  }
  if (problems.length > 0) {
    throw new StorageConfigError(
      `Media storage is not configured:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`,
    );
  }
  if (settings.S3_BUCKET !== undefined) {
    return createS3Storage({
      bucket: settings.S3_BUCKET,
      region: settings.S3_REGION,
      endpoint: settings.S3_ENDPOINT,
      accessKeyId: settings.S3_ACCESS_KEY_ID!,
      secretAccessKey: settings.S3_SECRET_ACCESS_KEY!,
      forcePathStyle: settings.S3_FORCE_PATH_STYLE ?? settings.S3_ENDPOINT !== undefined,
      publicEndpoint: settings.S3_PUBLIC_ENDPOINT,
      now: o.now,
    });
  }
  return createLocalStorage({
    root: mediaDir!,
    publicUrl: settings.PUBLIC_URL!,
    signingKey: settings.MEDIA_SIGNING_KEY!,
    now: o.now,
  });
}
