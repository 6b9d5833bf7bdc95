// The publishing service against a real database, with a scripted adapter and a fake clock:
// the retry budget after a reschedule, settling a target someone else changed meanwhile,
// progress kept between attempts, reconcile in each direction, and accounts that need a person.
import {
  createAgency,
  createTestDatabase,
  findJob,
  TEST_TOKEN_KEY,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_PUBLISH_ATTEMPTS } from '../../domain/retry-policy.ts';
import { PLATFORM_RULES } from '../../domain/platform-rules.ts';
import {
  AmbiguousPublishError,
  AuthPublishError,
  NotReadyPublishError,
  RetryablePublishError,
} from '../../providers/errors.ts';
import type {
  PlatformAdapter,
  PublishRequest,
  PublishedPost,
  ReconcileOutcome,
  ReconcileRequest,
} from '../../providers/types.ts';
import { resumeAccountTargets } from '../account-holds.ts';
import type { Actor } from '../actor.ts';
import { reschedulePost, schedulePost } from '../posts.ts';
import { publishJobKey } from '../publish-job.ts';
import { publishTarget, type PublishingDeps } from './index.ts';

describe('publishing a target', () => {
  let t: TestDatabase;
  let agency: AgencyFixture;
  let actor: Actor;
  let clock: Date;
  /** What the platform does on the next publish call. */
  let platform: (request: PublishRequest) => Promise<PublishedPost>;
  /** What the platform says on the next reconcile call. */
  let reconciler: (request: ReconcileRequest) => Promise<ReconcileOutcome>;
  let deps: PublishingDeps;

  beforeAll(async () => {
    t = await createTestDatabase();
    agency = await createAgency(t.db);
    actor = { userId: agency.userId, organizationId: agency.organizationId, role: agency.role };
    const adapter: PlatformAdapter = {
      platform: 'facebook',
      rules: PLATFORM_RULES.facebook,
      publish: (request) => platform(request),
      reconcile: (request) => reconciler(request),
    };
    deps = {
      db: t.db,
      adapterFor: () => adapter,
      tokenKey: TEST_TOKEN_KEY,
      now: () => clock,
      reconcileDelayMs: 20_000,
    };
  });
  afterAll(() => t.drop());
  beforeEach(() => {
    clock = new Date('2030-03-01T09:00:00Z');
    reconciler = () => Promise.reject(new Error('reconcile was not expected in this test'));
  });

  async function scheduleOne(caption: string) {
    const post = await schedulePost(
      t.db,
      actor,
      {
        clientId: agency.clientId,
        caption,
        accountIds: [agency.accounts[0]!.id],
        scheduledFor: new Date(clock.getTime() + 3_600_000),
      },
      clock,
    );
    return { postId: post.id, targetId: post.targets[0]!.id };
  }

  /** Runs the target's job at the time it is due, as the worker would. */
  async function runWhenDue(targetId: string) {
    const row = await t.db.postTarget.findUniqueOrThrow({ where: { id: targetId } });
    clock = row.nextAttemptAt ?? row.scheduledFor;
    return publishTarget(deps, targetId);
  }

  it('gives a rescheduled target a fresh retry budget, keeping the attempts history', async () => {
    const { postId, targetId } = await scheduleOne('Try, try again');
    platform = () => Promise.reject(new RetryablePublishError('The platform is down.'));
    for (let attempt = 1; attempt < MAX_PUBLISH_ATTEMPTS; attempt++) {
      expect((await runWhenDue(targetId)).outcome).toBe('retry_scheduled');
    }
    expect((await runWhenDue(targetId)).outcome).toBe('failed');

    await reschedulePost(
      t.db,
      actor,
      { postId, scheduledFor: new Date(clock.getTime() + 3_600_000) },
      clock,
    );
    const rescheduled = await t.db.postTarget.findUniqueOrThrow({ where: { id: targetId } });
    expect(rescheduled).toMatchObject({ status: 'scheduled', attemptCount: 0 });

    expect((await runWhenDue(targetId)).outcome).toBe('retry_scheduled');
    const attempts = await t.db.publishAttempt.findMany({
      where: { targetId },
      orderBy: { startedAt: 'asc' },
    });
    expect(attempts.map((a) => a.attemptNumber)).toEqual(
      Array.from({ length: MAX_PUBLISH_ATTEMPTS + 1 }, (_, i) => i + 1),
    );
  });

  it('waits on platform processing without spending attempts, for half an hour at most', async () => {
    const { targetId } = await scheduleOne('A reel still processing');
    let asked = 0;
    platform = () => {
      asked += 1;
      return Promise.reject(
        new NotReadyPublishError('Still processing the video.', {
          platformCode: 'IN_PROGRESS',
          retryAt: new Date(clock.getTime() + 60_000),
        }),
      );
    };
    const first = await runWhenDue(targetId);
    expect(first).toMatchObject({ outcome: 'deferred', at: new Date(clock.getTime() + 60_000) });
    expect(await t.db.postTarget.findUniqueOrThrow({ where: { id: targetId } })).toMatchObject({
      status: 'scheduled',
      attemptCount: 0,
    });
    expect((await findJob(t.db, publishJobKey(targetId)))?.run_at).toEqual(
      first.outcome === 'deferred' ? first.at : null,
    );
    // A platform asking again at once is asked again 5 s later, not in a tight loop.
    platform = () => {
      asked += 1;
      return Promise.reject(new NotReadyPublishError('Still processing.', { retryAt: clock }));
    };
    const soon = await runWhenDue(targetId);
    expect(soon).toMatchObject({ outcome: 'deferred', at: new Date(clock.getTime() + 5_000) });
    // After 30 minutes of "not ready", a retry counts like any other.
    await t.db.postTarget.update({
      where: { id: targetId },
      data: { nextAttemptAt: new Date(clock.getTime() + 31 * 60_000) },
    });
    expect((await runWhenDue(targetId)).outcome).toBe('retry_scheduled');
    expect(await t.db.postTarget.findUniqueOrThrow({ where: { id: targetId } })).toMatchObject({
      attemptCount: 1,
    });
    expect(asked).toBe(3);
  });

  it('does not overwrite a status someone else set while the platform call was running', async () => {
    const { targetId } = await scheduleOne('Published, but cancelled meanwhile');
    platform = async () => {
      // A concurrent writer (a human, a recovery sweep) changes the row mid-publish.
      await t.db.postTarget.update({ where: { id: targetId }, data: { status: 'cancelled' } });
      return { externalId: 'fb_123', url: 'https://facebook.test/fb_123' };
    };
    expect(await runWhenDue(targetId)).toMatchObject({
      outcome: 'skipped',
      reason: 'status_cancelled',
    });
    const row = await t.db.postTarget.findUniqueOrThrow({ where: { id: targetId } });
    expect(row).toMatchObject({ status: 'cancelled', externalId: null, publishedAt: null });
    // What the platform did is still on record.
    const [attempt] = await t.db.publishAttempt.findMany({ where: { targetId } });
    expect(attempt).toMatchObject({ outcome: 'succeeded', externalId: 'fb_123' });
  });

  it('does not queue a retry for a target that changed while it failed', async () => {
    const { targetId } = await scheduleOne('Failed, but cancelled meanwhile');
    const queued = await findJob(t.db, publishJobKey(targetId));
    platform = async () => {
      await t.db.postTarget.update({ where: { id: targetId }, data: { status: 'cancelled' } });
      throw new RetryablePublishError('The platform is down.');
    };
    expect(await runWhenDue(targetId)).toMatchObject({
      outcome: 'skipped',
      reason: 'status_cancelled',
    });
    const row = await t.db.postTarget.findUniqueOrThrow({ where: { id: targetId } });
    expect(row).toMatchObject({ status: 'cancelled', nextAttemptAt: null });
    // The job that was queued stays as it was: no retry was queued over it.
    expect(await findJob(t.db, publishJobKey(targetId))).toEqual(queued);
  });

  it('lets a stale attempt settle nothing while a newer attempt owns the target', async () => {
    const { targetId } = await scheduleOne('Two workers, one post');
    const queued = await findJob(t.db, publishJobKey(targetId));
    const first = deferred();
    const second = deferred();
    const started: Array<() => void> = [];
    const callStarted = (n: number) => new Promise<void>((resolve) => (started[n] = resolve));
    const firstStarted = callStarted(0);
    const secondStarted = callStarted(1);
    let calls = 0;
    platform = async () => {
      const call = calls++;
      started[call]!();
      if (call === 0) {
        await first.promise;
        throw new RetryablePublishError('The platform is down.');
      }
      await second.promise;
      return { externalId: 'fb_2', url: 'https://facebook.test/fb_2' };
    };

    const row = await t.db.postTarget.findUniqueOrThrow({ where: { id: targetId } });
    clock = row.scheduledFor;
    const firstRun = publishTarget(deps, targetId);
    await firstStarted;
    // A recovery sweep gives up on attempt 1 and a second worker starts attempt 2.
    await t.db.postTarget.update({ where: { id: targetId }, data: { status: 'scheduled' } });
    const secondRun = publishTarget(deps, targetId);
    await secondStarted;

    // Attempt 1's failure comes back while attempt 2 is on the platform: no retry is queued
    // over it, and the target stays attempt 2's.
    first.resolve();
    expect(await firstRun).toMatchObject({ outcome: 'skipped', reason: 'superseded' });
    expect(await t.db.postTarget.findUniqueOrThrow({ where: { id: targetId } })).toMatchObject({
      status: 'publishing',
      attemptCount: 2,
    });
    expect(await findJob(t.db, publishJobKey(targetId))).toEqual(queued);

    second.resolve();
    expect((await secondRun).outcome).toBe('published');
  });

  it('holds the target without calling the platform when the token has expired', async () => {
    const { targetId } = await scheduleOne('Token gone stale');
    const account = agency.accounts[0]!;
    await t.db.socialAccount.update({
      where: { id: account.id },
      data: { tokenExpiresAt: new Date(clock.getTime() + 60_000) },
    });
    let calls = 0;
    platform = () => {
      calls++;
      return Promise.resolve({ externalId: 'fb_x', url: 'https://facebook.test/fb_x' });
    };
    const result = await runWhenDue(targetId); // an hour later: the token died on the way
    expect(calls).toBe(0);
    expect(result).toMatchObject({ outcome: 'waiting_for_account' });
    // Waiting spends no attempt of the target's budget.
    expect(await t.db.postTarget.findUniqueOrThrow({ where: { id: targetId } })).toMatchObject({
      status: 'waiting_for_account',
      attemptCount: 0,
    });
    expect(await t.db.publishAttempt.count({ where: { targetId } })).toBe(0);
    expect(await t.db.socialAccount.findUniqueOrThrow({ where: { id: account.id } })).toMatchObject(
      { status: 'needs_action' },
    );
    const notification = await t.db.notification.findFirstOrThrow({
      where: { organizationId: agency.organizationId, kind: 'account_needs_action' },
      orderBy: { createdAt: 'desc' },
    });
    expect(notification.body).toContain('expired on 2030-03-01. Reconnect the account');
    await reconnect();
  });

  /** Puts the account back the way a reconnect does, for the tests after this one. */
  async function reconnect() {
    await t.db.$transaction((tx) =>
      resumeAccountTargets(tx, {
        accountId: agency.accounts[0]!.id,
        organizationId: agency.organizationId,
        now: clock,
      }),
    );
    await t.db.socialAccount.update({
      where: { id: agency.accounts[0]!.id },
      data: { tokenExpiresAt: null },
    });
  }

  it('fails content the platform would refuse without calling it, saying why', async () => {
    const { targetId } = await scheduleOne('Fine when scheduled');
    // An override written by another path (an import, an older version) that breaks the rules.
    await t.db.postTarget.update({
      where: { id: targetId },
      data: { caption: 'x'.repeat(63_207) },
    });
    let calls = 0;
    platform = () => {
      calls++;
      return Promise.resolve({ externalId: 'fb_y', url: 'https://facebook.test/fb_y' });
    };
    expect(await runWhenDue(targetId)).toMatchObject({
      outcome: 'failed',
      error: 'The caption is 63,207 characters; Facebook allows 63,206 characters.',
    });
    expect(calls).toBe(0);
    const [attempt] = await t.db.publishAttempt.findMany({ where: { targetId } });
    expect(attempt).toMatchObject({ outcome: 'permanent', platformCode: 'prerequisite' });
  });

  it('records how late each attempt started after its target was due', async () => {
    const { targetId } = await scheduleOne('Started a little late');
    const row = await t.db.postTarget.findUniqueOrThrow({ where: { id: targetId } });
    const started: number[] = [];
    platform = () =>
      Promise.resolve({ externalId: 'fb_late', url: 'https://facebook.test/fb_late' });
    clock = new Date(row.scheduledFor.getTime() + 250);
    await publishTarget({ ...deps, onAttemptStarted: (a) => started.push(a.latenessMs) }, targetId);
    expect(started).toEqual([250]);
    const [attempt] = await t.db.publishAttempt.findMany({ where: { targetId } });
    expect(attempt!.latenessMs).toBe(250);
  });

  const ok = (id: string) =>
    Promise.resolve({ externalId: id, url: `https://facebook.test/${id}` });

  it('stores the progress the adapter reports, and hands it to the next attempt', async () => {
    const { targetId } = await scheduleOne('Two steps');
    platform = async (request) => {
      expect(request.progress).toBeNull();
      await request.saveProgress({ containerId: 'c-1' });
      throw new RetryablePublishError('The container is still processing.');
    };
    expect((await runWhenDue(targetId)).outcome).toBe('retry_scheduled');
    expect(await t.db.postTarget.findUniqueOrThrow({ where: { id: targetId } })).toMatchObject({
      providerState: { containerId: 'c-1' },
    });
    const seen: unknown[] = [];
    platform = (request) => {
      seen.push(request.progress);
      return ok('fb_resumed');
    };
    expect((await runWhenDue(targetId)).outcome).toBe('published');
    expect(seen).toEqual([{ containerId: 'c-1' }]);
  });

  it('sends an unanswered attempt to reconcile later, never straight to a retry', async () => {
    const { targetId } = await scheduleOne('Lost in the post');
    platform = () =>
      Promise.reject(new AmbiguousPublishError('Facebook did not answer within 30 s.'));
    const result = await runWhenDue(targetId);
    const at = new Date(clock.getTime() + 20_000);
    expect(result).toMatchObject({ outcome: 'reconciling', at });
    expect(await t.db.postTarget.findUniqueOrThrow({ where: { id: targetId } })).toMatchObject({
      status: 'reconciling',
      nextAttemptAt: at,
    });
    expect((await findJob(t.db, publishJobKey(targetId)))?.run_at).toEqual(at);
    // A duplicate job before then does nothing.
    expect(await publishTarget(deps, targetId)).toMatchObject({
      outcome: 'skipped',
      reason: 'not_due',
    });
  });

  async function reconciling(caption: string) {
    const { postId, targetId } = await scheduleOne(caption);
    platform = async (request) => {
      await request.saveProgress({ step: 'sent' });
      throw new AmbiguousPublishError('The connection dropped.');
    };
    const started = clock;
    expect((await runWhenDue(targetId)).outcome).toBe('reconciling');
    const sent = await t.db.postTarget.findUniqueOrThrow({ where: { id: targetId } });
    return { postId, targetId, startedAt: sent.scheduledFor, at: started };
  }

  it('settles as published when reconcile finds the post, keeping the attempt ambiguous', async () => {
    const { targetId, startedAt } = await reconciling('Found it');
    const asked: ReconcileRequest[] = [];
    reconciler = (request) => {
      asked.push(request);
      return Promise.resolve({
        status: 'published',
        post: { externalId: 'fb_found', url: 'https://facebook.test/fb_found' },
      });
    };
    platform = () => Promise.reject(new Error('must not publish again'));
    expect(await runWhenDue(targetId)).toMatchObject({
      outcome: 'published',
      externalId: 'fb_found',
      url: 'https://facebook.test/fb_found',
      reconciled: true,
    });
    expect(asked[0]).toMatchObject({
      content: { caption: 'Found it' },
      progress: { step: 'sent' },
      window: { from: startedAt, to: startedAt },
    });
    expect(await t.db.postTarget.findUniqueOrThrow({ where: { id: targetId } })).toMatchObject({
      status: 'published',
      externalId: 'fb_found',
      nextAttemptAt: null,
    });
    const [attempt] = await t.db.publishAttempt.findMany({ where: { targetId } });
    expect(attempt).toMatchObject({ outcome: 'ambiguous', externalId: 'fb_found' });
  });

  it('retries under the normal policy when reconcile finds no post', async () => {
    const { targetId } = await reconciling('Never arrived');
    reconciler = () => Promise.resolve({ status: 'not_published' });
    const result = await runWhenDue(targetId);
    expect(result).toMatchObject({
      outcome: 'retry_scheduled',
      at: new Date(clock.getTime() + 5 * 60_000),
    });
    platform = () => ok('fb_second_try');
    expect((await runWhenDue(targetId)).outcome).toBe('published');
    expect(await t.db.publishAttempt.count({ where: { targetId } })).toBe(2);
  });

  it('parks the target as unconfirmed, saying what to check, when nobody can tell', async () => {
    const { postId, targetId } = await reconciling('Who knows');
    reconciler = () =>
      Promise.resolve({
        status: 'unknown',
        reason: "Herald could not read the Page's recent posts.",
      });
    expect(await runWhenDue(targetId)).toMatchObject({
      outcome: 'unconfirmed',
      error: "Herald could not read the Page's recent posts.",
    });
    const notification = await t.db.notification.findFirstOrThrow({
      where: { organizationId: agency.organizationId, kind: 'publish_unconfirmed' },
      orderBy: { createdAt: 'desc' },
    });
    expect(notification.data).toEqual({ targetId, postId });
    expect(notification.body).toMatch(
      /^Herald could not read the Page's recent posts\. Open .+ on Facebook and look for the post around 2030-03-01 \d\d:\d\d \(.+\): if it is there, mark it published with its link; if not, retry it\.$/,
    );
  });

  it('holds every target of an account the platform refused, and resumes them on reconnect', async () => {
    const first = await scheduleOne('Refused');
    const second = await scheduleOne('Also for that account');
    const accountId = agency.accounts[0]!.id;
    const told = () =>
      t.db.notification.count({
        where: { kind: 'account_needs_action', data: { path: ['accountId'], equals: accountId } },
      });
    const toldBefore = await told();
    let calls = 0;
    platform = () => {
      calls++;
      return Promise.reject(new AuthPublishError('Reconnect the Page: the password was changed.'));
    };
    expect(await runWhenDue(first.targetId)).toMatchObject({
      outcome: 'waiting_for_account',
      error: 'Reconnect the Page: the password was changed.',
    });
    // The other target does not spend a call (or an attempt) to learn the same thing.
    expect((await runWhenDue(second.targetId)).outcome).toBe('waiting_for_account');
    expect(calls).toBe(1);
    const held = await t.db.postTarget.findMany({
      where: { id: { in: [first.targetId, second.targetId] } },
      select: { status: true, attemptCount: true },
      orderBy: { createdAt: 'asc' },
    });
    expect(held).toEqual([
      { status: 'waiting_for_account', attemptCount: 1 },
      { status: 'waiting_for_account', attemptCount: 0 },
    ]);
    // One notification for the account, not one per target.
    expect(await told()).toBe(toldBefore + 1);

    await reconnect();
    for (const { targetId } of [first, second]) {
      const row = await t.db.postTarget.findUniqueOrThrow({ where: { id: targetId } });
      expect(row).toMatchObject({ status: 'scheduled', nextAttemptAt: clock });
      expect((await findJob(t.db, publishJobKey(targetId)))?.run_at).toEqual(clock);
    }
    platform = () => ok('fb_after_reconnect');
    expect((await publishTarget(deps, first.targetId)).outcome).toBe('published');
  });
});

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
