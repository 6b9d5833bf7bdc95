// One-shot demo seed for containers (compose runs it after migrating); does nothing when
// the database already has an agency.
import { createDb, parseEncryptionKey } from '@herald/db';
import { seedDemo } from '@herald/db/seed';
import { loadSeedEnv } from './env.ts';

const env = loadSeedEnv();
const db = createDb(env.DATABASE_URL, { max: 2 });
try {
  const { seeded } = await seedDemo(db, { tokenKey: parseEncryptionKey(env.TOKEN_ENCRYPTION_KEY) });
  console.log(seeded ? 'seed: demo agency created' : 'seed: database already has data');
} finally {
  await db.$disconnect();
}
