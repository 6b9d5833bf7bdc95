// Stopping a worker while a publish hangs on the platform: the job gets its grace period, then
// its abort signal, and the target settles honestly instead of staying `publishing`.
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

it('aborts a publish that outlasts the grace period, and settles it as unconfirmed', async () => {
  const worker = await startWorker({
    databaseUrl: t.url,
    tokenKey: TEST_TOKEN_KEY,
    adapters: { facebook: { baseUrl: sandbox.facebookBaseUrl } },
    concurrency: 1,
    pollInterval: 100,
    shutdownGraceMs: 200,
    logger: new Logger(() => () => {}),
  });
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
  expect(target.status).toBe('unconfirmed');
  const [attempt] = await t.db.publishAttempt.findMany({ where: { targetId: target.id } });
  expect(attempt).toMatchObject({ outcome: 'ambiguous' });
});
