// The wake-up timers: pure bookkeeping with a fake clock, then a real worker whose poll
// interval is a minute publishing a post due in a second — on time only if the timer woke it.
import { scheduleOneTarget } from '@herald/core/testing';
import {
  createAgency,
  createTestDatabase,
  TEST_TOKEN_KEY,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { startSandbox, type Sandbox } from '@herald/sandbox';
import { Logger } from 'graphile-worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DueTimes } from './wakeup.ts';
import { startWorker } from './worker.ts';

function fakeIo() {
  let now = 1_000;
  const timers: { at: number; callback: () => void }[] = [];
  const nudges: { at: number; count: number }[] = [];
  return {
    nudges,
    pending: () => timers.length,
    io: {
      now: () => now,
      setTimer: (callback: () => void, ms: number) => {
        const timer = { at: now + ms, callback };
        timers.push(timer);
        return timer;
      },
      clearTimer: (timer: unknown) => void timers.splice(timers.indexOf(timer as never), 1),
      nudge: (count: number) => nudges.push({ at: now, count }),
    },
    /** Moves the clock to `to`, firing timers in order. */
    advance(to: number) {
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        const next = timers[0];
        if (!next || next.at > to) break;
        timers.shift();
        now = next.at;
        next.callback();
      }
      now = to;
    },
  };
}

describe('DueTimes', () => {
  it('nudges the pool at each due instant, once per instant, with how many fell due', () => {
    const fake = fakeIo();
    const due = new DueTimes(fake.io);
    due.add(1_500);
    due.add(1_200);
    due.add(1_500);
    due.add(2_000);
    expect(fake.pending()).toBe(1);
    fake.advance(3_000);
    expect(fake.nudges).toEqual([
      { at: 1_200, count: 1 },
      { at: 1_500, count: 1 },
      { at: 2_000, count: 1 },
    ]);
    expect(due.size).toBe(0);
  });

  it('nudges at once for a time already past, and follows the database clock', () => {
    const fake = fakeIo();
    const due = new DueTimes(fake.io);
    due.add(500);
    fake.advance(1_000);
    expect(fake.nudges).toEqual([{ at: 1_000, count: 1 }]);
    // The database runs 300 ms ahead: its 2,000 is Node's 1,700.
    due.setOffset(300);
    due.add(2_000);
    fake.advance(5_000);
    expect(fake.nudges.at(-1)).toEqual({ at: 1_700, count: 1 });
  });

  it('moves its one timer when an earlier time arrives, and keeps at most maxKept', () => {
    const fake = fakeIo();
    const due = new DueTimes(fake.io, 0, 2);
    due.add(5_000);
    due.add(3_000);
    due.add(9_000);
    expect(fake.pending()).toBe(1);
    expect(due.size).toBe(2);
    fake.advance(10_000);
    expect(fake.nudges.map((n) => n.at)).toEqual([3_000, 5_000]);
  });
});

describe('a worker that polls once a minute', () => {
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

  it('still starts a post due in a second on time: the timer wakes it', async () => {
    const worker = await startWorker({
      databaseUrl: t.url,
      tokenKey: TEST_TOKEN_KEY,
      adapters: { facebook: { baseUrl: sandbox.facebookBaseUrl } },
      concurrency: 2,
      pollInterval: 60_000,
      logger: new Logger(() => () => {}),
    });
    try {
      // Enqueued after the worker's first look: only the announcement can tell it.
      const { targetId } = await scheduleOneTarget(t.db, agency, {
        caption: 'Woken on time',
        scheduledFor: new Date(Date.now() + 1_000),
      });
      const published = async () =>
        (await t.db.postTarget.findUniqueOrThrow({ where: { id: targetId } })).status ===
        'published';
      // Without the timer this waits for the next poll, a minute away: past the test's timeout.
      while (!(await published())) await new Promise((r) => setTimeout(r, 25));
      const [attempt] = await t.db.publishAttempt.findMany({ where: { targetId } });
      expect(attempt!.latenessMs).toBeLessThan(1_000);
    } finally {
      await worker.stop();
    }
  });
});
