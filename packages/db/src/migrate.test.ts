import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { migrate, readMigrations } from './migrate.ts';
import { createTestDatabase, type TestDatabase } from './testing/index.ts';

describe('migrate', () => {
  let database: TestDatabase;
  let client: pg.Client;
  beforeAll(async () => {
    database = await createTestDatabase();
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await database.drop();
  });

  it("keeps Prisma's bookkeeping for every migration, with its SHA-256 checksum", async () => {
    const migrations = await readMigrations();
    const { rows } = await client.query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      applied_steps_count: number;
    }>(
      `SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(rows.map((r) => r.migration_name)).toEqual(migrations.map((m) => m.name));
    for (const [i, m] of migrations.entries()) {
      expect(rows[i]!.checksum).toBe(createHash('sha256').update(m.sql).digest('hex'));
      expect(rows[i]!.finished_at).toBeInstanceOf(Date);
      expect(rows[i]!.applied_steps_count).toBe(1);
    }
  });

  it('installs the Graphile Worker schema', async () => {
    const { rows } = await client.query<{ fn: string | null }>(
      `SELECT to_regproc('graphile_worker.add_job') AS fn`,
    );
    expect(rows[0]!.fn).not.toBeNull();
  });

  it('applies only new migrations, and rolls a failing one back whole', async () => {
    expect((await migrate(database.url)).applied).toEqual([]);

    const dir = await mkdtemp(path.join(tmpdir(), 'herald-migrations-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    for (const m of await readMigrations()) {
      await mkdir(path.join(dir, m.name));
      await writeFile(path.join(dir, m.name, 'migration.sql'), m.sql);
    }
    await mkdir(path.join(dir, '29990101000000_broken'));
    await writeFile(
      path.join(dir, '29990101000000_broken', 'migration.sql'),
      'CREATE TABLE half_done (id int);\nSELECT * FROM no_such_table;\n',
    );
    await expect(migrate(database.url, { migrationsDir: dir })).rejects.toThrow(
      /29990101000000_broken failed and was rolled back/,
    );
    const { rows } = await client.query<{ t: string | null }>(
      `SELECT to_regclass('half_done') AS t`,
    );
    expect(rows[0]!.t).toBeNull();
    const bookkeeping = await client.query(
      `SELECT 1 FROM "_prisma_migrations" WHERE migration_name = '29990101000000_broken'`,
    );
    expect(bookkeeping.rowCount).toBe(0);
  });
});
