import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './testing/index.ts';
import { shapeFromDatabase, shapeFromPrismaSchema } from './testing/schema-shape.ts';

const schemaPath = fileURLToPath(new URL('../../../prisma/schema.prisma', import.meta.url));

describe('schema.prisma and the migrations', () => {
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

  it('describe the same tables, columns, types, nullability, indexes, keys and enums', async () => {
    const expected = shapeFromPrismaSchema(await readFile(schemaPath, 'utf8'));
    const actual = await shapeFromDatabase(client);
    expect(expected.columns.length).toBeGreaterThan(50);
    expect(actual.enums).toEqual(expected.enums);
    expect(actual.columns).toEqual(expected.columns);
    expect(actual.indexes).toEqual(expected.indexes);
    expect(actual.foreignKeys).toEqual(expected.foreignKeys);
  });

  it('notices a column, an index, an enum value or a nullability the schema does not have', async () => {
    const expected = shapeFromPrismaSchema(await readFile(schemaPath, 'utf8'));
    await client.query('BEGIN');
    try {
      await client.query(`ALTER TABLE clients ADD COLUMN brand_color text`);
      await client.query(`ALTER TABLE posts ALTER COLUMN caption DROP NOT NULL`);
      await client.query(`DROP INDEX "post_targets_organization_id_status_scheduled_for_idx"`);
      await client.query(`ALTER TYPE target_status ADD VALUE 'archived'`);
      const drifted = await shapeFromDatabase(client);
      expect(drifted.columns).toContain('clients.brand_color text null');
      expect(drifted.columns).toContain('posts.caption text null');
      expect(drifted.columns).not.toEqual(expected.columns);
      expect(drifted.indexes).not.toEqual(expected.indexes);
      expect(drifted.enums).not.toEqual(expected.enums);
    } finally {
      await client.query('ROLLBACK');
    }
  });
});
