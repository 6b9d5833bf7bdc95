// Stopping a worker while a publish hangs on the platform: the job gets its grace period, then
// its abort signal, and the target goes to reconcile instead of staying `publishing`; the next
// worker asks the platform and settles it without posting again.
import { scheduleOneTarget } from '@herald/core/testing';
import {
  createAgency,
  createTestDatabase,
  makePostDue,
  TEST_TOKEN_KEY,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { startSandbox, type Sandbox } from '@herald/sandbox';
import { Logger } from 'graphile-worker';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startWorker } from './worker.ts';

let t: TestDatabase;
let agency: AgencyFixture;
let sandbox: Sandbox;
beforeAll(async () => {
  t = await createTestDatabase();
  agency = await createAgency(t.db);
  sandbox = await startSandbox({ port: 0 });
});
afterAll(async () => {
  await sandbox?.close();
  await t?.drop();
});

it('aborts a publish that outlasts the grace period, and the next worker reconciles it', async () => {
  const config = {
    databaseUrl: t.url,
    tokenKey: TEST_TOKEN_KEY,
    adapters: { facebook: { baseUrl: sandbox.facebookBaseUrl } },
    concurrency: 1,
    pollInterval: 100,
    shutdownGraceMs: 200,
    reconcileDelayMs: 0,
    logger: new Logger(() => () => {}),
  };
  const worker = await startWorker(config);
  // The platform takes the post, then never answers.
  sandbox.injectFault({ platform: 'facebook', fault: { type: 'delay', ms: 600_000 } });
  const { postId, targetId } = await scheduleOneTarget(t.db, agency, {
    caption: 'Caught by the shutdown',
  });
  await makePostDue(t.db, postId, new Date());
  while (!sandbox.posts().some((p) => p.message === 'Caught by the shutdown')) {
    await new Promise((resolve) => setImmediate(resolve));
  }

  // Without the abort at the end of the grace period this would wait for the platform.
  await worker.stop();

  const target = await t.db.postTarget.findUniqueOrThrow({ where: { id: targetId } });
  expect(target.status).toBe('reconciling');
  const [attempt] = await t.db.publishAttempt.findMany({ where: { targetId: target.id } });
  expect(attempt).toMatchObject({ outcome: 'ambiguous' });

  // The next worker finds the post on the Page and settles the target as published.
  const next = await startWorker(config);
  const status = async () =>
    (await t.db.postTarget.findUniqueOrThrow({ where: { id: targetId } })).status;
  while ((await status()) === 'reconciling') await new Promise((r) => setTimeout(r, 20));
  await next.stop();
  const [post] = sandbox.posts().filter((p) => p.message === 'Caught by the shutdown');
  expect(await t.db.postTarget.findUniqueOrThrow({ where: { id: targetId } })).toMatchObject({
    status: 'published',
    externalId: post!.id,
  });
  expect(sandbox.posts().filter((p) => p.message === 'Caught by the shutdown')).toHaveLength(1);
});
