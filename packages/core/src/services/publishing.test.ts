// The publishing service against a real database, with a scripted adapter and a fake clock:
// the retry budget after a reschedule, and settling a target someone else changed meanwhile.
import {
  createAgency,
  createTestDatabase,
  findJob,
  TEST_TOKEN_KEY,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_PUBLISH_ATTEMPTS } from '../domain/retry-policy.ts';
import { RetryablePublishError } from '../providers/errors.ts';
import type { PlatformAdapter, PublishRequest, PublishedPost } from '../providers/types.ts';
import type { Actor } from './actor.ts';
import { reschedulePost, schedulePost } from './posts.ts';
import { publishJobKey } from './publish-job.ts';
import { publishTarget, type PublishingDeps } from './publishing.ts';

describe('publishing a target', () => {
  let t: TestDatabase;
  let agency: AgencyFixture;
  let actor: Actor;
  let clock: Date;
  /** What the platform does on the next publish call. */
  let platform: (request: PublishRequest) => Promise<PublishedPost>;
  let deps: PublishingDeps;

  beforeAll(async () => {
    t = await createTestDatabase();
    agency = await createAgency(t.db);
    actor = { userId: agency.userId, organizationId: agency.organizationId, role: agency.role };
    const adapter: PlatformAdapter = {
      platform: 'facebook',
      publish: (request) => platform(request),
    };
    deps = { db: t.db, adapterFor: () => adapter, tokenKey: TEST_TOKEN_KEY, now: () => clock };
  });
  afterAll(() => t.drop());
  beforeEach(() => {
    clock = new Date('2030-03-01T09:00:00Z');
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

  it('does not overwrite a status someone else set while the platform call was running', async () => {
    const { targetId } = await scheduleOne('Published, but cancelled meanwhile');
    platform = async () => {
      // A concurrent writer (a human, a recovery sweep) changes the row mid-publish.
      await t.db.postTarget.update({ where: { id: targetId }, data: { status: 'cancelled' } });
      return { externalId: 'fb_123', url: 'https://facebook.test/fb_123' };
    };
    expect(await runWhenDue(targetId)).toEqual({
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
    expect(await runWhenDue(targetId)).toEqual({
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
    expect(await firstRun).toEqual({ outcome: 'skipped', reason: 'superseded' });
    expect(await t.db.postTarget.findUniqueOrThrow({ where: { id: targetId } })).toMatchObject({
      status: 'publishing',
      attemptCount: 2,
    });
    expect(await findJob(t.db, publishJobKey(targetId))).toEqual(queued);

    second.resolve();
    expect((await secondRun).outcome).toBe('published');
  });

  it('fails without calling the platform when the token has expired, and holds the account', async () => {
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
    expect(result).toMatchObject({ outcome: 'failed' });
    expect(await t.db.socialAccount.findUniqueOrThrow({ where: { id: account.id } })).toMatchObject(
      { status: 'needs_action' },
    );
    const notification = await t.db.notification.findFirstOrThrow({
      where: { organizationId: agency.organizationId, kind: 'account_needs_action' },
      orderBy: { createdAt: 'desc' },
    });
    expect(notification.body).toContain('expired on 2030-03-01. Reconnect the account');
    // Put the account back for the tests after this one.
    await t.db.socialAccount.update({
      where: { id: account.id },
      data: { status: 'active', statusReason: null, tokenExpiresAt: null },
    });
  });

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
    expect(await runWhenDue(targetId)).toEqual({
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
});

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
