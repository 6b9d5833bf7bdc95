// The web app's media storage (docs/decisions/0024): S3 when configured, else the local disk,
// whose signed URLs this app serves at /media/*; null when no media setting is given (media
// is then refused with a sentence). One per process, like the database client.
import path from 'node:path';
import { createConfiguredStorage, type ConfiguredStorage } from '@herald/core/storage';
import { getEnv } from '../env.server.ts';

const cache = globalThis as typeof globalThis & { heraldStorage?: ConfiguredStorage | null };

export function getStorage(): ConfiguredStorage | null {
  if (cache.heraldStorage === undefined) {
    cache.heraldStorage = createConfiguredStorage(getEnv().storage, {
      defaultMediaDir: path.resolve('.data/media'),
    });
  }
  return cache.heraldStorage;
}
