// Test-database helpers: each test file gets a fresh database cloned from the migrated
// template the global setup made. Never a shared mutable one.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createDb, type Db } from '../client.ts';
import { withClient, withDatabase } from './global-setup.ts';

export interface TestDatabase {
  url: string;
  db: Db;
  /** Disconnects and drops the database. */
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const { adminUrl, template, prefix } = inject('heraldDb');
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  await withClient(adminUrl, async (client) => {
    // Concurrent clones of one template can collide briefly; retry those.
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query(
          `CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(template)}`,
        );
        return;
      } catch (error) {
        const busy = error instanceof Error && /being accessed by other users/.test(error.message);
        if (!busy || attempt >= 20) throw error;
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
  });
  const url = withDatabase(adminUrl, name);
  const db = createDb(url, { max: 5 });
  return {
    url,
    db,
    async drop() {
      await db.$disconnect();
      await withClient(adminUrl, (c) =>
        c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`),
      );
    },
  };
}

export {
  countQueuedJobs,
  createAgency,
  findJob,
  makePostDue,
  TEST_TOKEN_KEY,
  TEST_TOKEN_KEY_BASE64,
  waitFor,
  type AgencyFixture,
} from './fixtures.ts';
export { startProcess, type ChildProcessHandle } from './process.ts';
