// SIGKILL a worker while it waits on the platform mid-publish: how long until the target is
// resolved (reconciled and published) and the job unlocked, with the product's default
// heartbeat (5 s), sweep (10 s) and dead-pool threshold (30 s). Graphile alone: four hours.
//
//   pnpm tsx bench/recovery.ts [runs=3]
import { createDb, generateEncryptionKey, parseTokenKeyring } from '@herald/db';
import { seedDemo } from '@herald/db/seed';
import pg from 'pg';
import { scratchDatabase, startSandboxProcess, startTs } from './support.ts';

const runs = Number(process.argv[2] ?? 3);

async function once(): Promise<{ unlockedS: number; resolvedS: number }> {
  const database = await scratchDatabase();
  const sandbox = await startSandboxProcess();
  const tokenKey = generateEncryptionKey();
  const db = createDb(database.url, { max: 2 });
  await seedDemo(db, { tokenKey: parseTokenKeyring(tokenKey) });
  const env = {
    DATABASE_URL: database.url,
    TOKEN_ENCRYPTION_KEY: tokenKey,
    FACEBOOK_GRAPH_URL: `${sandbox.url}/facebook`,
    LOG_FORMAT: 'json',
  };
  // The platform takes the post, then never answers: the worker is mid-publish when killed.
  await fetch(`${sandbox.url}/__sandbox/faults`, {
    method: 'POST',
    body: JSON.stringify({ platform: 'facebook', fault: { type: 'delay', ms: 600_000 } }),
  });
  const victim = startTs('apps/worker/src/main.ts', env);
  await victim.waitFor(/worker: running/);

  const sql = new pg.Client({ connectionString: database.url });
  await sql.connect();
  const { rows } = await sql.query<{ id: string }>(`
    WITH account AS (SELECT * FROM social_accounts ORDER BY handle LIMIT 1),
    post AS (
      INSERT INTO posts (organization_id, client_id, caption, updated_at)
      SELECT organization_id, client_id, 'Recovery bench ' || now(), now() FROM account
      RETURNING id, organization_id)
    INSERT INTO post_targets (organization_id, post_id, social_account_id, scheduled_for,
                              scheduled_timezone, updated_at)
    SELECT post.organization_id, post.id, account.id, now(), 'UTC', now() FROM post, account
    RETURNING id::text`);
  const targetId = rows[0]!.id;
  await sql.query(
    `SELECT graphile_worker.add_job('publish_target', json_build_object('targetId', $1::text),
       job_key := 'publish:' || $1)`,
    [targetId],
  );
  const status = async () =>
    (
      await sql.query<{ status: string }>(`SELECT status FROM post_targets WHERE id = $1`, [
        targetId,
      ])
    ).rows[0]!.status;
  while ((await status()) !== 'publishing') await new Promise((r) => setTimeout(r, 20));
  // The post is on the Page; the answer never comes.
  const survivor = startTs('apps/worker/src/main.ts', env);
  await survivor.waitFor(/worker: running/);

  await victim.kill();
  const killedAt = performance.now();
  let unlockedS = NaN;
  for (;;) {
    const locked = await sql.query(
      `SELECT 1 FROM graphile_worker._private_jobs WHERE locked_by IS NOT NULL`,
    );
    if (Number.isNaN(unlockedS) && locked.rowCount === 0) {
      unlockedS = (performance.now() - killedAt) / 1000;
    }
    if ((await status()) === 'published') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const resolvedS = (performance.now() - killedAt) / 1000;
  survivor.stop();
  await sql.end();
  await db.$disconnect();
  sandbox.stop();
  await new Promise((r) => setTimeout(r, 500));
  await database.drop();
  return { unlockedS, resolvedS };
}

const results: { unlockedS: number; resolvedS: number }[] = [];
for (let run = 0; run < runs; run++) results.push(await once());
const max = (key: 'unlockedS' | 'resolvedS') => Math.max(...results.map((r) => r[key]));
for (const [i, r] of results.entries()) {
  console.log(
    `run ${i + 1}: job unlocked after ${r.unlockedS.toFixed(1)} s, target published after ${r.resolvedS.toFixed(1)} s`,
  );
}
console.log(
  `recovery after SIGKILL (worst of ${runs}): job unlocked ${max('unlockedS').toFixed(1)} s, target resolved ${max('resolvedS').toFixed(1)} s`,
);
