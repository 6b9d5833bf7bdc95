// One-shot migration entry for containers (compose's `migrate` service, a Kubernetes Job).
import { migrate } from '@herald/db/migrate';
import { loadMigrateEnv } from './env.ts';

const env = loadMigrateEnv();
const { applied } = await migrate(env.DATABASE_URL, {
  migrationsDir: env.MIGRATIONS_DIR,
  log: console.log,
});
console.log(
  applied.length ? `migrate: applied ${applied.length} migration(s)` : 'migrate: up to date',
);
