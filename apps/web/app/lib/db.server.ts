import { createDb, type Db } from '@herald/db';
import { getEnv } from '../env.server.ts';

// One Prisma client (and one connection pool) per process. Kept on globalThis because the
// dev server re-evaluates modules on every edit, and each new client would open a new pool.
const cache = globalThis as typeof globalThis & { heraldDb?: Db };

export const db: Db = (cache.heraldDb ??= createDb(getEnv().DATABASE_URL));
