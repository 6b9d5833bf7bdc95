import { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import { PrismaClient } from './generated/prisma/client.ts';

export type Db = PrismaClient;

export interface CreateDbOptions {
  /** Connection pool size; keep it small for tests and CLIs. */
  max?: number;
}

/** A Prisma client over node-postgres (the Rust-free client; no query engine binary). */
export function createDb(databaseUrl: string, options: CreateDbOptions = {}): Db {
  return new PrismaClient({
    adapter: new PrismaPg({
      connectionString: databaseUrl,
      max: options.max ?? 10,
      // Idle connections do not keep the process alive: once its HTTP server has closed on
      // SIGTERM, the web app exits at once instead of after pg's 10 s idle timeout.
      allowExitOnIdle: true,
    }),
  });
}

/**
 * A Prisma client over a pool the caller owns and ends (the worker shares one pool between
 * Prisma, Graphile Worker and its plain-SQL hot path).
 */
export function createDbOnPool(pool: pg.Pool): Db {
  return new PrismaClient({ adapter: new PrismaPg(pool) });
}
