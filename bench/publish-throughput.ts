// How many publishes a second one worker process gets through when N targets fall due at
// once, against the sandbox with L ms of latency per platform call — and, in the same run and
// on the same database server, how many no-op Graphile jobs a second the same concurrency
// drains. The ratio is what the issue asks about (≥ 0.25), since the machine is noisy.
//
//   pnpm tsx bench/publish-throughput.ts [targets=5000] [latencyMs=50] [concurrency=32]
//                                        [localQueue=concurrency] [completeBatchMs=1]
//
// DATABASE_URL: a Postgres server to create a scratch database on (default: local trust auth).
import { createDb, generateEncryptionKey, parseTokenKeyring } from '@herald/db';
import { seedDemo } from '@herald/db/seed';
import { Logger, run, type Runner } from 'graphile-worker';
import pg from 'pg';
import { startWorker } from '../apps/worker/src/worker.ts';
import { quiet, scheduleTargets, scratchDatabase, startSandboxProcess } from './support.ts';

const [targets = 5_000, latencyMs = 50, concurrency = 32, localQueue, completeBatchMs = 1] =
  process.argv.slice(2).map((arg) => Number(arg));
async function publishRate(): Promise<{ perSecond: number; seconds: number; published: number }> {
  const database = await scratchDatabase();
  const sandbox = await startSandboxProcess(latencyMs);
  const tokenKey = generateEncryptionKey();
  const db = createDb(database.url, { max: 2 });
  await seedDemo(db, { tokenKey: parseTokenKeyring(tokenKey) });
  await scheduleTargets(database.url, { count: targets, leadMs: 0, spreadMs: 0 });
  const started = performance.now();
  const worker = await startWorker({
    databaseUrl: database.url,
    tokenKey: parseTokenKeyring(tokenKey),
    adapters: { facebook: { baseUrl: `${sandbox.url}/facebook` } },
    concurrency,
    pollInterval: 1_000,
    localQueueSize: localQueue ?? concurrency,
    completeJobBatchDelayMs: completeBatchMs,
    logger: quietLogger,
  });
  let published = 0;
  while (published < targets) {
    await new Promise((r) => setTimeout(r, 50));
    published = await db.postTarget.count({ where: { status: 'published' } });
    const stuck = await db.postTarget.count({
      where: { status: { in: ['failed', 'unconfirmed'] } },
    });
    if (stuck > 0)
      throw new Error(`${stuck} targets did not publish; the bench needs a calm sandbox.`);
  }
  const seconds = (performance.now() - started) / 1000;
  await worker.stop();
  await db.$disconnect();
  sandbox.stop();
  await database.drop();
  return { perSecond: targets / seconds, seconds, published };
}

async function noopRate(): Promise<{ perSecond: number; seconds: number }> {
  const database = await scratchDatabase();
  const pool = new pg.Pool({ connectionString: database.url, max: concurrency + 2 });
  // Dropping the scratch database ends idle connections; that is not a failure.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  await pool.query(
    `SELECT graphile_worker.add_job('noop', '{}'::json) FROM generate_series(1, $1::int)`,
    [targets],
  );
  let done = 0;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const started = performance.now();
  const runner: Runner = await run({
    pgPool: pool,
    concurrency,
    pollInterval: 1_000,
    noHandleSignals: true,
    logger: quietLogger,
    taskList: {
      noop: () => {
        if (++done === targets) finish();
        return Promise.resolve();
      },
    },
  });
  await finished;
  const seconds = (performance.now() - started) / 1000;
  await runner.stop();
  await pool.end();
  await database.drop();
  return { perSecond: targets / seconds, seconds };
}

const quietLogger = new Logger(quiet);

const publish = await publishRate();
const noop = await noopRate();
console.log(
  [
    `targets ${targets}, sandbox latency ${latencyMs} ms, concurrency ${concurrency}, local queue ${localQueue ?? concurrency}, completion batch ${completeBatchMs} ms`,
    `publish: ${publish.published} in ${publish.seconds.toFixed(2)} s`,
    `no-op:   ${targets} in ${noop.seconds.toFixed(2)} s`,
    `publishes/s ${publish.perSecond.toFixed(0)}  no-op jobs/s ${noop.perSecond.toFixed(0)}  ratio ${(publish.perSecond / noop.perSecond).toFixed(3)}`,
  ].join('\n'),
);
