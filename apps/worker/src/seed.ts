// One-shot demo seed for containers (compose runs it after migrating); does nothing when
// the database already has an agency.
import { createDb, parseTokenKeyring } from '@herald/db';
import { seedDemo } from '@herald/db/seed';
import { loadSeedEnv } from './env.ts';

const env = loadSeedEnv();
const db = createDb(env.DATABASE_URL, { max: 2 });
try {
  const { seeded } = await seedDemo(db, {
    tokenKey: parseTokenKeyring(env.TOKEN_ENCRYPTION_KEY, env.TOKEN_ENCRYPTION_OLD_KEYS),
  });
  console.log(seeded ? 'seed: demo agency created' : 'seed: database already has data');
} finally {
  await db.$disconnect();
}
