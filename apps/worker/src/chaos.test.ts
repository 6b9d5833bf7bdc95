// Chaos: 300 targets over 3 Pages, 3 worker processes, a platform that fails about one call in
// eight in every way we know (5xx, 429 with a reset, timeouts after accepting, dropped
// connections before and after accepting, duplicate-content errors), and a worker killed with
// SIGKILL every few seconds. Afterwards every target is published, failed with a reason, or
// unconfirmed with a reason; no post is on the platform twice; nothing the platform published
// is unknown to Herald; nothing is left `publishing` or locked.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { actorOf } from '@herald/core/testing';
import { schedulePost } from '@herald/core';
import {
  createAgency,
  createTestDatabase,
  startProcess,
  TEST_TOKEN_KEY_BASE64,
  waitFor,
  type AgencyFixture,
  type ChildProcessHandle,
  type TestDatabase,
} from '@herald/db/testing';
import { startSandbox, type Sandbox } from '@herald/sandbox';
import { afterAll, beforeAll, expect, it } from 'vitest';

const TARGETS_PER_PAGE = 100;
const PAGES = 3;
const WORKERS = 3;
const KILLS = 6;
const KILL_EVERY_MS = 3_000;

const workerDir = fileURLToPath(new URL('..', import.meta.url));
const tsx = path.resolve(workerDir, '../../node_modules/.bin/tsx');

let t: TestDatabase;
let agency: AgencyFixture;
let sandbox: Sandbox;
const workers: ChildProcessHandle[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  agency = await createAgency(t.db, { pages: PAGES });
  // Each platform call takes 50 ms, so a killed worker is usually caught mid-publish.
  sandbox = await startSandbox({ port: 0, latencyMs: 50 });
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await sandbox?.close();
  await t?.drop();
});

let started = 0;
async function startWorkerProcess(): Promise<ChildProcessHandle> {
  const worker = startProcess(`worker-${++started}`, tsx, ['src/main.ts'], {
    cwd: workerDir,
    env: {
      DATABASE_URL: t.url,
      TOKEN_ENCRYPTION_KEY: TEST_TOKEN_KEY_BASE64,
      FACEBOOK_GRAPH_URL: sandbox.facebookBaseUrl,
      FACEBOOK_GRAPH_TIMEOUT_MS: '1000',
      WORKER_CONCURRENCY: '8',
      WORKER_POLL_INTERVAL_MS: '200',
      WORKER_RETRY_DELAYS_MS: '300,600,1200',
      WORKER_RECONCILE_DELAY_MS: '300',
      WORKER_HEARTBEAT_INTERVAL_MS: '200',
      WORKER_SWEEP_INTERVAL_MS: '300',
      WORKER_DEAD_POOL_AFTER_MS: '1500',
      LOG_LEVEL: 'info',
    },
  });
  workers.push(worker);
  await worker.waitForLine(/worker: running/, 60_000);
  return worker;
}

it('publishes everything exactly once, or says why not, through faults and killed workers', async () => {
  sandbox.setChaos({
    platform: 'facebook',
    on: 'publish',
    rate: 0.12,
    seed: 20261123,
    faults: [
      { type: 'graph_error', status: 503, code: 2 },
      { type: 'http_status', status: 503 },
      { type: 'http_status', status: 429, headers: { 'retry-after': '1' } },
      { type: 'delay', ms: 2_500 },
      { type: 'drop_connection', afterAccepting: true },
      { type: 'drop_connection', afterAccepting: false },
      { type: 'graph_error', status: 400, code: 506 },
    ],
  });
  sandbox.setChaos({
    platform: 'facebook',
    on: 'read',
    rate: 0.03,
    seed: 7,
    faults: [{ type: 'http_status', status: 500 }],
  });

  const live = await Promise.all(Array.from({ length: WORKERS }, () => startWorkerProcess()));
  const firstDue = Date.now() + 2_000;
  for (let i = 0; i < TARGETS_PER_PAGE; i++) {
    await schedulePost(t.db, actorOf(agency), {
      clientId: agency.clientId,
      caption: `Chaos post ${i}`,
      accountIds: agency.accounts.map((a) => a.id),
      // Due over the 18 s in which workers are killed.
      scheduledFor: new Date(firstDue + i * 180),
    });
  }

  // Kill one worker every few seconds, mid-burst, and start a replacement.
  for (let kill = 0; kill < KILLS; kill++) {
    await new Promise((r) => setTimeout(r, KILL_EVERY_MS));
    const victim = live.splice(kill % live.length, 1)[0]!;
    await victim.kill();
    live.push(await startWorkerProcess());
  }

  const count = (status: string) =>
    t.db.postTarget.count({
      where: { organizationId: agency.organizationId, status: status as never },
    });
  const open = async () =>
    (await count('scheduled')) + (await count('publishing')) + (await count('reconciling'));
  await waitFor('every target to settle', async () => (await open()) === 0, 90_000);
  // A job a killed worker held after its target settled is freed by the sweeper too.
  const lockedJobs = async () =>
    Number(
      (
        await t.db.$queryRaw<{ n: bigint }[]>`
          SELECT count(*) AS n FROM graphile_worker._private_jobs WHERE locked_by IS NOT NULL`
      )[0]!.n,
    );
  await waitFor('no job left locked', async () => (await lockedJobs()) === 0, 30_000);

  const targets = await t.db.postTarget.findMany({
    where: { organizationId: agency.organizationId },
    include: { post: true, socialAccount: true },
  });
  const posts = sandbox.posts();
  const onPlatform = new Map<string, number>();
  for (const post of posts) {
    const key = `${post.accountId} ${post.message}`;
    onPlatform.set(key, (onPlatform.get(key) ?? 0) + 1);
  }
  const keyOf = (target: (typeof targets)[number]) =>
    `${target.socialAccount.externalId} ${target.post.caption}`;
  const tally = {
    targets: targets.length,
    published: targets.filter((x) => x.status === 'published').length,
    failed: targets.filter((x) => x.status === 'failed').length,
    unconfirmed: targets.filter((x) => x.status === 'unconfirmed').length,
    reconciledPublished: await t.db.publishAttempt.count({
      where: {
        organizationId: agency.organizationId,
        outcome: 'ambiguous',
        externalId: { not: null },
      },
    }),
    attempts: await t.db.publishAttempt.count({ where: { organizationId: agency.organizationId } }),
    platformPosts: posts.length,
    duplicatesOnPlatform: [...onPlatform.values()].filter((n) => n > 1).length,
    publishedButUnknown: targets.filter(
      (x) => x.status === 'failed' && (onPlatform.get(keyOf(x)) ?? 0) > 0,
    ).length,
    workersKilled: KILLS,
    recoveredFromKilledWorkers: await t.db.activityEvent.count({
      where: {
        organizationId: agency.organizationId,
        action: 'target.reconciling',
        data: { path: ['reason'], equals: 'worker_lost' },
      },
    }),
    stuckPublishing: await count('publishing'),
    lockedJobs: await lockedJobs(),
  };
  console.log(`chaos tallies: ${JSON.stringify(tally)}`);

  expect(tally.targets).toBe(PAGES * TARGETS_PER_PAGE);
  expect(tally.published + tally.failed + tally.unconfirmed).toBe(tally.targets);
  expect(tally.duplicatesOnPlatform).toBe(0);
  expect(tally.publishedButUnknown).toBe(0);
  expect(tally.stuckPublishing).toBe(0);
  expect(tally.lockedJobs).toBe(0);
  // The faults were real: some attempts were lost and settled by reconcile.
  expect(tally.attempts).toBeGreaterThan(tally.targets);
  expect(tally.reconciledPublished).toBeGreaterThan(0);
  for (const target of targets) {
    if (target.status === 'published') {
      const post = posts.find((p) => p.id === target.externalId);
      expect(post, `target ${target.id}`).toMatchObject({
        accountId: target.socialAccount.externalId,
        message: target.post.caption,
      });
    } else {
      expect(target.lastError, `target ${target.id} (${target.status})`).toBeTruthy();
    }
  }
}, 180_000);
