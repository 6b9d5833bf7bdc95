// Two descriptions of the same database shape, one read from schema.prisma (via Prisma's own
// DMMF) and one read from a migrated Postgres catalog, in one comparable form. The drift
// test fails when they disagree.
import { getDMMF } from '@prisma/get-dmmf';
import type pg from 'pg';

export interface SchemaShape {
  enums: string[];
  columns: string[];
  indexes: string[];
  foreignKeys: string[];
}

type DmmfField = {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'enum' | 'object' | 'unsupported';
  type: string;
  isList: boolean;
  isRequired: boolean;
  isUpdatedAt?: boolean;
  hasDefaultValue: boolean;
  default?: unknown;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  relationOnUpdate?: string;
};
type DmmfModel = { name: string; dbName: string | null; fields: DmmfField[] };
type DmmfEnum = {
  name: string;
  dbName?: string | null;
  values: { name: string; dbName: string | null }[];
};
type DmmfIndex = {
  model: string;
  type: 'id' | 'normal' | 'unique' | 'fulltext';
  dbName?: string | null;
  fields: { name: string }[];
};

const SCALAR_TYPES: Record<string, string> = {
  String: 'text',
  Int: 'integer',
  BigInt: 'bigint',
  Boolean: 'boolean',
  Float: 'double precision',
  Decimal: 'numeric',
  DateTime: 'timestamp(3)',
  Json: 'jsonb',
  Bytes: 'bytea',
};

const NATIVE_TYPES: Record<string, (args: string[]) => string> = {
  Uuid: () => 'uuid',
  Text: () => 'text',
  Timestamptz: (a) => `timestamptz(${a[0] ?? '6'})`,
  Timestamp: (a) => `timestamp(${a[0] ?? '6'})`,
  Integer: () => 'integer',
  BigInt: () => 'bigint',
  JsonB: () => 'jsonb',
  VarChar: (a) => (a[0] ? `varchar(${a[0]})` : 'varchar'),
};

// Prisma's referential-action names, as Postgres' pg_constraint codes.
const ACTIONS: Record<string, string> = {
  Cascade: 'cascade',
  Restrict: 'restrict',
  NoAction: 'no action',
  SetNull: 'set null',
  SetDefault: 'set default',
};

export function shapeFromPrismaSchema(schema: string): SchemaShape {
  const result = getDMMF({ datamodel: schema });
  if ('error' in result) throw result.error;
  const datamodel = result.datamodel as unknown as {
    models: DmmfModel[];
    enums: DmmfEnum[];
    indexes: DmmfIndex[];
  };
  const tableOf = new Map(datamodel.models.map((m) => [m.name, m.dbName ?? m.name]));
  const enumDbName = new Map(datamodel.enums.map((e) => [e.name, e.dbName ?? e.name]));
  const columnOf = (model: DmmfModel, field: string) => {
    const f = model.fields.find((x) => x.name === field);
    if (!f) throw new Error(`${model.name}.${field} not found`);
    return f.dbName ?? f.name;
  };

  const enums = datamodel.enums.map(
    (e) => `${e.dbName ?? e.name}: ${e.values.map((v) => v.dbName ?? v.name).join(', ')}`,
  );
  const columns: string[] = [];
  const foreignKeys: string[] = [];
  for (const model of datamodel.models) {
    const table = tableOf.get(model.name)!;
    for (const field of model.fields) {
      if (field.kind === 'object') {
        if (!field.relationFromFields?.length) continue;
        const target = datamodel.models.find((m) => m.name === field.type)!;
        const from = field.relationFromFields.map((f) => columnOf(model, f));
        const to = field.relationToFields!.map((f) => columnOf(target, f));
        const optional = field.relationFromFields.some(
          (f) => !model.fields.find((x) => x.name === f)!.isRequired,
        );
        const onDelete = field.relationOnDelete ?? (optional ? 'SetNull' : 'Restrict');
        const onUpdate = field.relationOnUpdate ?? 'Cascade';
        foreignKeys.push(
          `${table}(${from.join(',')}) -> ${tableOf.get(target.name)}(${to.join(',')}) ` +
            `on delete ${ACTIONS[onDelete]} on update ${ACTIONS[onUpdate]}`,
        );
        continue;
      }
      if (field.isList)
        throw new Error(`${model.name}.${field.name}: list columns are not compared yet`);
      let type: string;
      if (field.kind === 'enum') type = enumDbName.get(field.type)!;
      else if (field.nativeType) {
        const [name, args] = field.nativeType;
        const native = NATIVE_TYPES[name];
        if (!native) throw new Error(`${model.name}.${field.name}: teach schema-shape @db.${name}`);
        type = native(args);
      } else type = SCALAR_TYPES[field.type] ?? `unknown ${field.type}`;
      // Only database-side defaults exist in SQL: not @updatedAt, uuid() or cuid().
      const dbDefault =
        field.hasDefaultValue &&
        !(
          typeof field.default === 'object' &&
          field.default !== null &&
          ['uuid', 'cuid', 'nanoid', 'ulid'].includes((field.default as { name: string }).name)
        );
      columns.push(
        `${table}.${field.dbName ?? field.name} ${type} ${field.isRequired ? 'not null' : 'null'}` +
          (dbDefault ? ' default' : ''),
      );
    }
  }

  const indexes = datamodel.indexes.map((index) => {
    const model = datamodel.models.find((m) => m.name === index.model)!;
    const table = tableOf.get(model.name)!;
    const cols = index.fields.map((f) => columnOf(model, f.name));
    const kind = index.type === 'id' ? 'primary' : index.type === 'unique' ? 'unique' : 'index';
    const suffix = index.type === 'id' ? 'pkey' : index.type === 'unique' ? 'key' : 'idx';
    const name =
      index.dbName ??
      (index.type === 'id' ? `${table}_pkey` : `${table}_${cols.join('_')}_${suffix}`);
    return `${table} ${kind} ${name} (${cols.join(',')})`;
  });

  return {
    enums: enums.sort(),
    columns: columns.sort(),
    indexes: indexes.sort(),
    foreignKeys: foreignKeys.sort(),
  };
}

const PG_ACTIONS: Record<string, string> = {
  a: 'no action',
  r: 'restrict',
  c: 'cascade',
  n: 'set null',
  d: 'set default',
};

/** Reads the shape of the `public` schema of a migrated database (Prisma's own table excluded). */
export async function shapeFromDatabase(client: pg.Client): Promise<SchemaShape> {
  const enumRows = await client.query<{ name: string; labels: string[] }>(`
    SELECT t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder)::text[] AS labels
    FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
    JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = 'public' GROUP BY t.typname`);
  const columnRows = await client.query<{
    table_name: string;
    column_name: string;
    data_type: string;
    udt_name: string;
    is_nullable: string;
    column_default: string | null;
    datetime_precision: number | null;
    character_maximum_length: number | null;
  }>(`
    SELECT c.table_name, c.column_name, c.data_type, c.udt_name, c.is_nullable, c.column_default,
           c.datetime_precision, c.character_maximum_length
    FROM information_schema.columns c
    JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
    WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.table_name <> '_prisma_migrations'`);
  const indexRows = await client.query<{
    table_name: string;
    index_name: string;
    is_unique: boolean;
    is_primary: boolean;
    columns: string[];
  }>(`
    SELECT tc.relname AS table_name, ic.relname AS index_name, i.indisunique AS is_unique,
           i.indisprimary AS is_primary,
           array(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                 ORDER BY k.ord)::text[] AS columns
    FROM pg_index i
    JOIN pg_class ic ON ic.oid = i.indexrelid
    JOIN pg_class tc ON tc.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = tc.relnamespace
    WHERE n.nspname = 'public' AND tc.relname <> '_prisma_migrations'`);
  const fkRows = await client.query<{
    table_name: string;
    columns: string[];
    ref_table: string;
    ref_columns: string[];
    on_delete: string;
    on_update: string;
  }>(`
    SELECT tc.relname AS table_name, rc.relname AS ref_table,
           array(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS columns,
           array(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS ref_columns,
           c.confdeltype AS on_delete, c.confupdtype AS on_update
    FROM pg_constraint c
    JOIN pg_class tc ON tc.oid = c.conrelid
    JOIN pg_class rc ON rc.oid = c.confrelid
    JOIN pg_namespace n ON n.oid = tc.relnamespace
    WHERE c.contype = 'f' AND n.nspname = 'public'`);

  const typeOf = (r: (typeof columnRows.rows)[number]) => {
    switch (r.data_type) {
      case 'USER-DEFINED':
        return r.udt_name;
      case 'timestamp with time zone':
        return `timestamptz(${r.datetime_precision})`;
      case 'timestamp without time zone':
        return `timestamp(${r.datetime_precision})`;
      case 'character varying':
        return r.character_maximum_length ? `varchar(${r.character_maximum_length})` : 'varchar';
      default:
        return r.data_type;
    }
  };

  return {
    enums: enumRows.rows.map((r) => `${r.name}: ${r.labels.join(', ')}`).sort(),
    columns: columnRows.rows
      .map(
        (r) =>
          `${r.table_name}.${r.column_name} ${typeOf(r)} ${r.is_nullable === 'YES' ? 'null' : 'not null'}` +
          (r.column_default !== null ? ' default' : ''),
      )
      .sort(),
    indexes: indexRows.rows
      .map(
        (r) =>
          `${r.table_name} ${r.is_primary ? 'primary' : r.is_unique ? 'unique' : 'index'} ${r.index_name} (${r.columns.join(',')})`,
      )
      .sort(),
    foreignKeys: fkRows.rows
      .map(
        (r) =>
          `${r.table_name}(${r.columns.join(',')}) -> ${r.ref_table}(${r.ref_columns.join(',')}) ` +
          `on delete ${PG_ACTIONS[r.on_delete]} on update ${PG_ACTIONS[r.on_update]}`,
      )
      .sort(),
  };
}
