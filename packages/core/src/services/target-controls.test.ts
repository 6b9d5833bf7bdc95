import {
  createAgency,
  createTestDatabase,
  findJob,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from './actor.ts';
import { ConflictError, NotFoundError } from './errors.ts';
import { actorOf, scheduleOneTarget } from '../testing.ts';
import { publishJobKey } from './publish-job.ts';
import { getPost, publishPostNow } from './posts.ts';
import { resolveUnconfirmedTarget, retryTarget } from './target-controls.ts';

describe('operator controls on targets', () => {
  let t: TestDatabase;
  let agency: AgencyFixture;
  let other: AgencyFixture;
  let actor: Actor;
  const now = new Date('2030-05-01T12:00:00Z');

  beforeAll(async () => {
    t = await createTestDatabase();
    agency = await createAgency(t.db);
    other = await createAgency(t.db);
    actor = actorOf(agency);
  });
  afterAll(() => t.drop());

  async function targetIn(status: 'scheduled' | 'failed' | 'unconfirmed') {
    const scheduled = await scheduleOneTarget(t.db, agency, { caption: `A ${status} target`, now });
    await t.db.postTarget.update({
      where: { id: scheduled.targetId },
      data: { status, attemptCount: 4 },
    });
    return scheduled;
  }

  it.each(['failed', 'unconfirmed'] as const)(
    'retries a %s target now, with a fresh budget and a job due now',
    async (status) => {
      const { targetId } = await targetIn(status);
      const post = await retryTarget(t.db, actor, { targetId }, now);
      expect(post.targets[0]).toMatchObject({ status: 'scheduled', attemptCount: 0 });
      expect(post.targets[0]!.nextAttemptAt).toEqual(now);
      expect((await findJob(t.db, publishJobKey(targetId)))?.run_at).toEqual(now);
    },
  );

  it('refuses to retry a target that has not failed', async () => {
    const { targetId } = await targetIn('scheduled');
    await expect(retryTarget(t.db, actor, { targetId }, now)).rejects.toThrow(ConflictError);
  });

  it('settles an unconfirmed target as published, with its link, or as failed', async () => {
    const published = await targetIn('unconfirmed');
    const url = 'https://www.facebook.com/123_456';
    const post = await resolveUnconfirmedTarget(
      t.db,
      actor,
      { targetId: published.targetId, resolution: 'published', url },
      now,
    );
    expect(post.targets[0]).toMatchObject({ status: 'published', externalUrl: url });
    expect(post.targets[0]!.publishedAt).toEqual(now);

    const failed = await targetIn('unconfirmed');
    const after = await resolveUnconfirmedTarget(
      t.db,
      actor,
      { targetId: failed.targetId, resolution: 'failed' },
      now,
    );
    expect(after.targets[0]).toMatchObject({
      status: 'failed',
      lastError: 'A person checked: it was not published.',
    });
    // Only a target that needs a check can be settled this way.
    await expect(
      resolveUnconfirmedTarget(t.db, actor, { targetId: failed.targetId, resolution: 'failed' }),
    ).rejects.toThrow('Only a target that needs a check can be marked published or failed.');
  });

  it('says what to check on an unconfirmed target: the account, the platform, the attempt’s time', async () => {
    const { postId, targetId } = await targetIn('unconfirmed');
    await t.db.postTarget.update({
      where: { id: targetId },
      data: { lastError: 'Facebook did not answer in time.' },
    });
    await t.db.publishAttempt.createMany({
      data: [1, 2].map((attemptNumber) => ({
        organizationId: agency.organizationId,
        targetId,
        attemptNumber,
        outcome: 'ambiguous' as const,
        // The second (last) attempt started at 14:02 in Oslo (the agency client's timezone).
        startedAt: new Date(`2030-05-01T1${attemptNumber}:02:00Z`),
      })),
    });
    const [target] = (await getPost(t.db, actor, postId)).targets;
    expect(target!.whatToCheck).toBe(
      `Open ${agency.accounts[0]!.handle} on Facebook and look for the post around 2030-05-01 14:02 (Europe/Oslo): if it is there, mark it published with its link; if not, retry it.`,
    );
    // Settled, there is nothing left to check.
    await retryTarget(t.db, actor, { targetId }, now);
    expect((await getPost(t.db, actor, postId)).targets[0]!.whatToCheck).toBeNull();
  });

  it("treats another organization's target as not found", async () => {
    const { targetId } = await targetIn('failed');
    await expect(retryTarget(t.db, actorOf(other), { targetId }, now)).rejects.toThrow(
      NotFoundError,
    );
    expect(await t.db.postTarget.findUniqueOrThrow({ where: { id: targetId } })).toMatchObject({
      status: 'failed',
    });
  });

  it('publishes a scheduled post now', async () => {
    const { postId, targetId } = await targetIn('scheduled');
    const post = await publishPostNow(t.db, actor, { postId }, now);
    expect(post.targets[0]!.scheduledFor).toEqual(now);
    expect((await findJob(t.db, publishJobKey(targetId)))?.run_at).toEqual(now);
  });
});
