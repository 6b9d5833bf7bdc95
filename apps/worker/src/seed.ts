// One-shot demo seed for containers (compose runs it after migrating); does nothing when
// the database already has an agency.
import { createDb } from '@herald/db';
import { seedDemo } from '@herald/db/seed';
import { loadSeedEnv, loadTokenKeyring } from './env.ts';

const env = loadSeedEnv();
const db = createDb(env.DATABASE_URL, { max: 2 });
try {
  const { seeded } = await seedDemo(db, {
    tokenKey: loadTokenKeyring(env, 'the seed'),
  });
  console.log(seeded ? 'seed: demo agency created' : 'seed: database already has data');
} finally {
  await db.$disconnect();
}
