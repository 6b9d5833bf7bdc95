// How late due targets start when the worker is not saturated: N targets at random instants
// over a spread, one worker, in two modes in the same run — Graphile's polling alone (the old
// way) and with the wake-up timers (docs/decisions/0022) — and how often each polls.
//
//   pnpm tsx bench/lateness.ts [targets=1000] [spreadSeconds=60]
//
// Polling is counted while idle (10 s after the last publish): every query the worker makes
// then is a poll (Graphile's job fetches and the wake-up's look-ahead).
import { createDb, generateEncryptionKey, parseTokenKeyring } from '@herald/db';
import { seedDemo } from '@herald/db/seed';
import { Logger } from 'graphile-worker';
import { startWorker } from '../apps/worker/src/worker.ts';
import { quiet, scheduleTargets, scratchDatabase, startSandboxProcess } from './support.ts';

const [targets = 1_000, spreadSeconds = 60] = process.argv.slice(2).map((arg) => Number(arg));
const IDLE_MS = 10_000;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function measure(wakeup: boolean, pollInterval: number) {
  const database = await scratchDatabase();
  const sandbox = await startSandboxProcess();
  const tokenKey = generateEncryptionKey();
  const db = createDb(database.url, { max: 2 });
  await seedDemo(db, { tokenKey: parseTokenKeyring(tokenKey) });
  const worker = await startWorker({
    databaseUrl: database.url,
    tokenKey: parseTokenKeyring(tokenKey),
    adapters: { facebook: { baseUrl: `${sandbox.url}/facebook` } },
    concurrency: 8,
    pollInterval,
    wakeup,
    logger: new Logger(quiet),
  });
  let fetches = 0;
  worker.runner.events.on('worker:getJob:start', () => (fetches += 1));
  await scheduleTargets(database.url, {
    count: targets,
    leadMs: 3_000,
    spreadMs: spreadSeconds * 1000,
  });
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    const done = await db.postTarget.count({ where: { status: 'published' } });
    if (done >= targets) break;
  }
  const idleFrom = fetches;
  await new Promise((r) => setTimeout(r, IDLE_MS));
  const idleFetches = fetches - idleFrom;
  await worker.stop();
  const lateness = (await db.publishAttempt.findMany({ select: { latenessMs: true } }))
    .map((a) => a.latenessMs ?? 0)
    .sort((a, b) => a - b);
  await db.$disconnect();
  sandbox.stop();
  await database.drop();
  // Graphile's fetches, plus the wake-up's look-ahead (one query every 5 s).
  const lookAheads = wakeup ? IDLE_MS / 5_000 : 0;
  return {
    p50: percentile(lateness, 50),
    p95: percentile(lateness, 95),
    p99: percentile(lateness, 99),
    max: lateness.at(-1)!,
    pollsPerSecond: (idleFetches + lookAheads) / (IDLE_MS / 1000),
  };
}

// The old way: Graphile's default-ish 1 s poll; the new: timers, with a 10 s poll as a fallback.
const polling = await measure(false, 1_000);
const woken = await measure(true, 10_000);
const line = (name: string, r: typeof polling) =>
  `${name.padEnd(22)} p50 ${r.p50} ms  p95 ${r.p95} ms  p99 ${r.p99} ms  max ${r.max} ms  ` +
  `idle polls ${r.pollsPerSecond.toFixed(2)}/s per worker process`;
console.log(
  [
    `${targets} targets over ${spreadSeconds} s, one worker process (concurrency 8)`,
    line('polling every 1 s', polling),
    line('timers + 10 s poll', woken),
  ].join('\n'),
);
