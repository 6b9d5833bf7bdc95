// Prisma CLI configuration. The schema engine cannot be downloaded on every machine, so
// `prisma migrate` is optional here: `pnpm db:migrate` applies the same migrations with
// Prisma-compatible bookkeeping (packages/db/src/migrate.ts).
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: {
    path: 'prisma/migrations',
    seed: 'pnpm db:seed',
  },
  datasource: {
    // Generate needs no database; only migrate/studio read this.
    url: process.env.DATABASE_URL ?? 'postgresql://localhost/herald',
  },
});
