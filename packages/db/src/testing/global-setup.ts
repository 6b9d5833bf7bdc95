// Vitest global setup: one Postgres server for the whole run (DATABASE_URL if set, else an
// embedded one in a temp folder) and one migrated template database; every test file then
// clones its own database from the template (see ./index.ts).
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { freePort, startEmbeddedPostgres, type RunningPostgres } from '../local.ts';
import { migrate } from '../migrate.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    heraldDb: { adminUrl: string; template: string; prefix: string };
  }
}

export default async function setup(project: TestProject) {
  const runId = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const prefix = `herald_t_${runId}`;
  const template = `${prefix}_template`;

  let embedded: RunningPostgres | undefined;
  let embeddedDir: string | undefined;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    embeddedDir = await mkdtemp(path.join(tmpdir(), 'herald-test-pg-'));
    // Run as root, Postgres runs as a `postgres` system user that must reach this folder.
    await chmod(embeddedDir, 0o755);
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(embeddedDir, 'data'),
      port: await freePort(),
      database: 'postgres',
      persistent: false,
    });
    adminUrl = embedded.adminUrl;
  }

  await withClient(adminUrl, (c) => c.query(`CREATE DATABASE ${pg.escapeIdentifier(template)}`));
  await migrate(withDatabase(adminUrl, template));
  project.provide('heraldDb', { adminUrl, template, prefix });

  return async () => {
    await withClient(adminUrl, async (c) => {
      const { rows } = await c.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname LIKE $1`,
        [`${prefix}%`],
      );
      for (const { datname } of rows) {
        await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(datname)} WITH (FORCE)`);
      }
    });
    await embedded?.stop();
    if (embeddedDir) await rm(embeddedDir, { recursive: true, force: true });
  };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function withClient<T>(
  url: string,
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
