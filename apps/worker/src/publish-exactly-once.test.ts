// End to end: a post scheduled through the tRPC API over HTTP is published by real workers,
// through the Facebook adapter, to the platform sandbox — exactly once, when due — even
// with two worker pools racing and a duplicate job in the queue (Graphile promises
// at-least-once; exactly-once is ours to keep).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { appRouter, createContext, SESSION_COOKIE, type AppRouter } from '@herald/api';
import { PUBLISH_TARGET_TASK, signIn } from '@herald/core';
import {
  createAgency,
  createTestDatabase,
  findJob,
  makePostDue,
  TEST_TOKEN_KEY,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { startSandbox, type Sandbox } from '@herald/sandbox';
import { createTRPCClient, httpBatchLink, type TRPCClient } from '@trpc/client';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, type RunningWorker } from './worker.ts';

describe('a scheduled post, end to end', () => {
  let t: TestDatabase;
  let agency: AgencyFixture;
  let sandbox: Sandbox;
  let apiServer: Server;
  let api: TRPCClient<AppRouter>;
  const workers: RunningWorker[] = [];

  beforeAll(async () => {
    t = await createTestDatabase();
    agency = await createAgency(t.db, { pages: 2 });
    sandbox = await startSandbox({ port: 0 });

    const handler = createHTTPHandler({
      router: appRouter,
      createContext: ({ req }) =>
        createContext({
          headers: new Headers(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
          db: t.db,
        }),
    });
    apiServer = createServer(handler);
    await new Promise<void>((resolve) => apiServer.listen(0, '127.0.0.1', resolve));
    const session = await signIn(t.db, { email: agency.email, password: agency.password });
    api = createTRPCClient<AppRouter>({
      links: [
        httpBatchLink({
          url: `http://127.0.0.1:${(apiServer.address() as AddressInfo).port}`,
          transformer: superjson,
          headers: { cookie: `${SESSION_COOKIE}=${session!.token}` },
        }),
      ],
    });

    // Two pools, as when the worker deployment is scaled out.
    for (let i = 0; i < 2; i++) {
      workers.push(
        await startWorker({
          databaseUrl: t.url,
          tokenKey: TEST_TOKEN_KEY,
          adapters: { facebook: { baseUrl: sandbox.facebookBaseUrl } },
          concurrency: 2,
          pollInterval: 200,
        }),
      );
    }
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await new Promise((resolve) => apiServer?.close(resolve));
    await sandbox?.close();
    await t?.drop();
  });

  it('publishes each target exactly once, when it is due, and records the platform id', async () => {
    const completions = publishJobCompletions(workers);
    const caption = `Exactly once ${Date.now()}`;
    // An hour ahead, so nothing can run while we look and queue duplicates; then we make it due.
    const scheduledFor = new Date(Date.now() + 3_600_000);
    const post = await api.posts.schedule.mutate({
      clientId: agency.clientId,
      caption,
      accountIds: agency.accounts.map((a) => a.id),
      scheduledFor,
    });
    expect(post.targets.map((x) => x.status)).toEqual(['scheduled', 'scheduled']);
    for (const target of post.targets) {
      expect((await findJob(t.db, `publish:${target.id}`))!.run_at).toEqual(scheduledFor);
    }

    // A duplicate delivery of each job (no job key): the queue is at-least-once.
    for (const target of post.targets) {
      await t.db
        .$executeRaw`SELECT graphile_worker.add_job('publish_target', json_build_object('targetId', ${target.id}::text), run_at => ${scheduledFor.toISOString()}::timestamptz)`;
    }
    expect(sandbox.posts().filter((p) => p.message === caption)).toHaveLength(0);

    // Its time comes: two keyed jobs and two duplicates, racing across two pools.
    const dueAt = new Date();
    expect(await makePostDue(t.db, post.id, dueAt)).toBe(4);
    await completions.reach(4);
    const current = await api.posts.get.query({ postId: post.id });
    expect(current.targets.map((x) => x.status)).toEqual(['published', 'published']);

    // And a late one, after publishing (a job re-added while the first was still running).
    for (const target of post.targets) {
      await t.db
        .$executeRaw`SELECT graphile_worker.add_job('publish_target', json_build_object('targetId', ${target.id}::text))`;
    }
    await completions.reach(6);
    expect(completions.errors).toEqual([]);

    const received = sandbox.posts().filter((p) => p.message === caption);
    expect(received).toHaveLength(2);
    expect(new Set(received.map((p) => p.accountId))).toEqual(
      new Set(agency.accounts.map((a) => a.externalId)),
    );
    for (const target of current.targets) {
      const mine = received.find(
        (p) =>
          p.accountId === agency.accounts.find((a) => a.id === target.socialAccount.id)!.externalId,
      )!;
      expect(target.externalId).toBe(mine.id);
      expect(target.externalUrl).toContain(sandbox.url);
      expect(target.attemptCount).toBe(1);
      // Never before it was due.
      expect(target.publishedAt!.getTime()).toBeGreaterThanOrEqual(dueAt.getTime());
    }
    const attempts = await t.db.publishAttempt.findMany({ where: { target: { postId: post.id } } });
    expect(attempts.map((a) => a.outcome)).toEqual(['succeeded', 'succeeded']);
  });
});

/** Counts publish jobs the pools finished (Graphile's `job:complete`), to wait on a total. */
function publishJobCompletions(pools: RunningWorker[]) {
  let count = 0;
  const errors: string[] = [];
  const waiters = new Set<() => void>();
  for (const pool of pools) {
    pool.runner.events.on('job:complete', ({ job, error }) => {
      if (job.task_identifier !== PUBLISH_TARGET_TASK) return;
      count++;
      if (error) errors.push(error instanceof Error ? error.message : JSON.stringify(error));
      for (const wake of waiters) wake();
    });
  }
  return {
    errors,
    reach: (total: number) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (count < total) return;
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      }),
  };
}
