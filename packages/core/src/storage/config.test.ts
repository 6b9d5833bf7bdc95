// Storage settings as the apps will parse them from their environment, and the store they pick.
import { parseEnv } from '@herald/db/env';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import {
  checkStorageSettings,
  createStorage,
  refineStorageSettings,
  storageSettingsSchema,
} from './config.ts';
import { StorageConfigError } from './errors.ts';
import type { S3MediaStorage } from './s3.ts';

const KEY = 'k'.repeat(32);
const parse = (env: Record<string, string | undefined>) => storageSettingsSchema.parse(env);

describe('storage settings', () => {
  it('defaults to local storage, which needs a signing key and the public URL', () => {
    const settings = parse({});
    expect(settings.S3_REGION).toBe('us-east-1');
    expect(checkStorageSettings(settings).map((p) => p.variable)).toEqual([
      'MEDIA_SIGNING_KEY',
      'PUBLIC_URL',
    ]);
    expect(() => createStorage(settings)).toThrow(StorageConfigError);
    expect(() => createStorage(settings)).toThrow(
      /MEDIA_SIGNING_KEY.*\n.*PUBLIC_URL.*\n.*MEDIA_DIR/,
    );

    const local = createStorage(
      parse({ MEDIA_SIGNING_KEY: KEY, PUBLIC_URL: 'http://localhost:3000' }),
      {
        defaultMediaDir: '.data/media',
      },
    );
    expect(local.kind).toBe('local');
  });

  it('picks S3 when S3_BUCKET is set, and then names each missing credential', () => {
    const partial = parse({ S3_BUCKET: 'media', S3_ACCESS_KEY_ID: 'id' });
    expect(() => createStorage(partial)).toThrow(
      /S3_SECRET_ACCESS_KEY is required when S3_BUCKET is set/,
    );

    const s3 = createStorage(
      parse({
        S3_BUCKET: 'media',
        S3_ACCESS_KEY_ID: 'id',
        S3_SECRET_ACCESS_KEY: 'secret',
        S3_ENDPOINT: 'http://minio:9000',
      }),
    ) as S3MediaStorage;
    expect(s3.kind).toBe('s3');
    expect(s3.bucket).toBe('media');
    s3.destroy();
  });

  it('treats empty variables as unset and refuses half an S3 configuration', () => {
    const settings = parse({
      S3_BUCKET: '',
      S3_ENDPOINT: '',
      MEDIA_SIGNING_KEY: KEY,
      PUBLIC_URL: 'http://x.test',
    });
    expect(settings.S3_BUCKET).toBeUndefined();
    expect(checkStorageSettings(settings)).toEqual([]);
    const half = parse({
      S3_ACCESS_KEY_ID: 'id',
      MEDIA_SIGNING_KEY: KEY,
      PUBLIC_URL: 'http://x.test',
    });
    expect(checkStorageSettings(half)).toEqual([
      {
        variable: 'S3_ACCESS_KEY_ID',
        message: 'S3_ACCESS_KEY_ID is set but S3_BUCKET is not: set S3_BUCKET to use S3',
      },
    ]);
  });

  it("merges into an app's env schema and reports problems under each variable's name", () => {
    const AppEnv = z
      .object({ DATABASE_URL: z.string() })
      .extend(storageSettingsSchema.shape)
      .extend({ MEDIA_DIR: z.string().default('.data/media') })
      .superRefine(refineStorageSettings);

    const env = parseEnv(
      AppEnv,
      { DATABASE_URL: 'postgresql://x', MEDIA_SIGNING_KEY: KEY, PUBLIC_URL: 'http://x.test' },
      'the app',
    );
    expect(env.MEDIA_DIR).toBe('.data/media');
    expect(createStorage(env).kind).toBe('local');

    expect(() =>
      parseEnv(
        AppEnv,
        { DATABASE_URL: 'postgresql://x', S3_BUCKET: 'media', S3_FORCE_PATH_STYLE: 'yes' },
        'the app',
      ),
    ).toThrow(/S3_FORCE_PATH_STYLE: S3_FORCE_PATH_STYLE must be true or false/);
    expect(() =>
      parseEnv(AppEnv, { DATABASE_URL: 'postgresql://x', S3_BUCKET: 'media' }, 'the app'),
    ).toThrow(
      /S3_ACCESS_KEY_ID: S3_ACCESS_KEY_ID is required when S3_BUCKET is set\n.*S3_SECRET_ACCESS_KEY:/,
    );
    expect(() =>
      parseEnv(
        AppEnv,
        { DATABASE_URL: 'postgresql://x', MEDIA_SIGNING_KEY: 'short', PUBLIC_URL: 'nope' },
        'the app',
      ),
    ).toThrow(
      /MEDIA_SIGNING_KEY: MEDIA_SIGNING_KEY must be at least 32 bytes[^]*PUBLIC_URL: PUBLIC_URL must be a URL/,
    );
  });
});
