// Starting and stopping a worker pool: what it says in its logs, and what it serves.
import { PUBLISH_TARGET_TASK } from '@herald/core';
import { addJob } from '@herald/db';
import { createTestDatabase, TEST_TOKEN_KEY, waitFor, type TestDatabase } from '@herald/db/testing';
import { Logger } from 'graphile-worker';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startWorker } from './worker.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t?.drop());

it('starts without a crontab warning: its cron items are given, not read from a file', async () => {
  const lines: string[] = [];
  const logger = new Logger(() => (level, message) => lines.push(`${level}: ${message}`));
  const worker = await startWorker({
    databaseUrl: t.url,
    tokenKey: TEST_TOKEN_KEY,
    adapters: { facebook: { baseUrl: 'http://127.0.0.1:9' } },
    concurrency: 1,
    logger,
  });
  await worker.stop();
  // The logger is really Graphile's: it reported the pool stopping.
  expect(lines.some((line) => /graceful shutdown complete/i.test(line))).toBe(true);
  expect(lines.filter((line) => /crontab|cron is disabled/i.test(line))).toEqual([]);
});

it('serves /healthz, /readyz and /metrics with the queue by state and publish outcomes', async () => {
  const worker = await startWorker({
    databaseUrl: t.url,
    tokenKey: TEST_TOKEN_KEY,
    adapters: { facebook: { baseUrl: 'http://127.0.0.1:9' } },
    concurrency: 1,
    pollInterval: 100,
    logger: new Logger(() => () => {}),
    health: { port: 0, host: '127.0.0.1' },
  });
  try {
    const url = worker.health!.url;
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);

    // One job for next year, and one due now for a target that does not exist (skipped).
    const completed = new Promise<void>((resolve) =>
      worker.runner.events.once('job:complete', () => resolve()),
    );
    await t.db.$transaction(async (tx) => {
      await addJob(tx, {
        identifier: 'some_later_task',
        payload: {},
        runAt: new Date(Date.now() + 365 * 24 * 3_600_000),
        jobKey: 'later',
      });
      await addJob(tx, {
        identifier: PUBLISH_TARGET_TASK,
        payload: { targetId: '7c1d3c1e-9a4e-4c4b-9f1e-0d5f0c3a9b11' },
        runAt: new Date(),
        jobKey: 'publish:missing',
      });
    });
    await completed;

    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^herald_jobs\{state="scheduled"\} 1$/m);
    expect(metrics).toMatch(/^herald_jobs\{state="due"\} 0$/m);
    expect(metrics).toMatch(
      /^herald_publish_jobs_total\{outcome="skipped",platform="unknown"\} 1$/m,
    );
    expect(metrics).toMatch(/^herald_publish_job_duration_seconds_count 1$/m);
    // A missing target never starts an attempt, so no lateness is observed yet.
    expect(metrics).toMatch(/^# TYPE herald_publish_lateness_seconds histogram$/m);
    expect(metrics).toMatch(/^process_cpu_user_seconds_total /m);
  } finally {
    await worker.stop();
  }
  // Stopped: nothing listens any more.
  await expect(fetch(`${worker.health!.url}/healthz`)).rejects.toThrow();
});

it('beats while it runs, sweeps a dead pool it finds, and leaves no beat behind when stopped', async () => {
  // A pool that died long ago holding a job.
  await t.db.workerHeartbeat.create({
    data: {
      poolId: 'pool-long-gone',
      host: 'elsewhere',
      pid: 1,
      startedAt: new Date(Date.now() - 3_600_000),
      lastBeatAt: new Date(Date.now() - 600_000),
    },
  });
  await t.db.$transaction((tx) =>
    addJob(tx, {
      identifier: 'some_later_task',
      payload: {},
      runAt: new Date(Date.now() + 3_600_000),
      jobKey: 'held',
    }),
  );
  await t.db.$executeRaw`UPDATE graphile_worker._private_jobs
    SET locked_by = 'pool-long-gone', locked_at = now() WHERE key = 'held'`;

  const worker = await startWorker({
    databaseUrl: t.url,
    tokenKey: TEST_TOKEN_KEY,
    adapters: { facebook: { baseUrl: 'http://127.0.0.1:9' } },
    concurrency: 1,
    logger: new Logger(() => () => {}),
    heartbeatIntervalMs: 50,
    sweepIntervalMs: 50,
  });
  try {
    expect(worker.poolId).toMatch(/^pool-/);
    const beat = await t.db.workerHeartbeat.findUnique({ where: { poolId: worker.poolId } });
    expect(beat).toMatchObject({ pid: process.pid });
    await waitFor(
      'the dead pool to be swept',
      async () => (await t.db.workerHeartbeat.count({ where: { poolId: 'pool-long-gone' } })) === 0,
      10_000,
    );
    const [job] = await t.db.$queryRaw<{ locked_by: string | null }[]>`
      SELECT locked_by FROM graphile_worker._private_jobs WHERE key = 'held'`;
    expect(job!.locked_by).toBeNull();
  } finally {
    await worker.stop();
  }
  expect(await t.db.workerHeartbeat.count({ where: { poolId: worker.poolId } })).toBe(0);
});
