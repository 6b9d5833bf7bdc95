// The web app's media storage (docs/decisions/0024): S3 when configured, else the local disk,
// whose signed URLs this app serves at /media/*. One per process, like the database client.
import path from 'node:path';
import { createStorage, type MediaStorage } from '@herald/core/storage';
import { getEnv } from '../env.server.ts';

const cache = globalThis as typeof globalThis & { heraldStorage?: MediaStorage };

export function getStorage(): MediaStorage {
  return (cache.heraldStorage ??= createStorage(getEnv().storage, {
    defaultMediaDir: path.resolve('.data/media'),
  }));
}
