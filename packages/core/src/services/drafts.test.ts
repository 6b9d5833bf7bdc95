import {
  createAgency,
  createTestDatabase,
  findJob,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf } from '../testing.ts';
import type { Actor } from './actor.ts';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from './errors.ts';
import {
  cancelPost,
  getPost,
  publishPostNow,
  reschedulePost,
  saveDraftPost,
  scheduleDraftPost,
  schedulePost,
  unschedulePost,
} from './posts.ts';
import { publishJobKey } from './publish-job.ts';

describe('drafts: saving, scheduling and unscheduling posts', () => {
  let t: TestDatabase;
  let agency: AgencyFixture;
  let other: AgencyFixture;
  let actor: Actor;
  const now = new Date('2030-05-01T12:00:00Z');
  const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);

  beforeAll(async () => {
    t = await createTestDatabase();
    agency = await createAgency(t.db, { pages: 2 });
    other = await createAgency(t.db);
    actor = actorOf(agency);
  });
  afterAll(() => t.drop());

  const jobOf = (targetId: string) => findJob(t.db, publishJobKey(targetId));
  /** The post's activity actions, alphabetically (two may share a millisecond). */
  const actions = async (postId: string) =>
    (await t.db.activityEvent.findMany({ where: { subjectId: postId } }))
      .map((a) => a.action)
      .sort();

  function draft(caption: string, accounts = 1) {
    return saveDraftPost(
      t.db,
      actor,
      {
        clientId: agency.clientId,
        caption,
        accountIds: agency.accounts.slice(0, accounts).map((a) => a.id),
        scheduledFor: at(60),
      },
      now,
    );
  }

  it('saves a draft with its proposed time and queues nothing', async () => {
    const post = await draft('Draft: autumn menu', 2);
    expect(post.targets.map((target) => target.status)).toEqual(['draft', 'draft']);
    for (const target of post.targets) {
      expect(target.scheduledFor).toEqual(at(60));
      expect(await jobOf(target.id)).toBeNull();
    }
    expect(await actions(post.id)).toEqual(['post.drafted']);
  });

  it('schedules a draft: the targets are queued at the chosen time, in the same write', async () => {
    const post = await draft('Draft: to be scheduled', 2);
    const scheduled = await scheduleDraftPost(
      t.db,
      actor,
      { postId: post.id, scheduledFor: at(90) },
      now,
    );
    for (const target of scheduled.targets) {
      expect(target).toMatchObject({ status: 'scheduled', scheduledFor: at(90), attemptCount: 0 });
      expect((await jobOf(target.id))?.run_at).toEqual(at(90));
    }
    expect(await actions(post.id)).toEqual(['post.draft_scheduled', 'post.drafted']);
    await expect(
      scheduleDraftPost(t.db, actor, { postId: post.id, scheduledFor: at(90) }, now),
    ).rejects.toThrow('This post has no drafts left to schedule.');
  });

  it('unschedules a scheduled post: its jobs are removed and its targets keep their time', async () => {
    const post = await schedulePost(
      t.db,
      actor,
      {
        clientId: agency.clientId,
        caption: 'Scheduled, then held back',
        accountIds: agency.accounts.map((a) => a.id),
        scheduledFor: at(30),
      },
      now,
    );
    for (const target of post.targets) expect(await jobOf(target.id)).not.toBeNull();

    const unscheduled = await unschedulePost(t.db, actor, { postId: post.id });
    for (const target of unscheduled.targets) {
      expect(target).toMatchObject({ status: 'draft', scheduledFor: at(30), nextAttemptAt: null });
      expect(await jobOf(target.id)).toBeNull();
    }
    expect(await actions(post.id)).toEqual(['post.scheduled', 'post.unscheduled']);
    await expect(unschedulePost(t.db, actor, { postId: post.id })).rejects.toThrow(
      'Nothing left to unschedule: no account of this post is waiting for its time.',
    );
  });

  it('unschedules only the scheduled targets, leaving a published one as it is', async () => {
    const post = await schedulePost(
      t.db,
      actor,
      {
        clientId: agency.clientId,
        caption: 'Half out already',
        accountIds: agency.accounts.map((a) => a.id),
        scheduledFor: at(30),
      },
      now,
    );
    const [published, waiting] = post.targets;
    await t.db.postTarget.update({ where: { id: published!.id }, data: { status: 'published' } });
    const after = await unschedulePost(t.db, actor, { postId: post.id });
    expect(after.targets.map((target) => [target.id, target.status])).toEqual([
      [published!.id, 'published'],
      [waiting!.id, 'draft'],
    ]);
  });

  it('changes a draft’s proposed time without queueing it, and cancels a draft', async () => {
    const post = await draft('Draft: moved, then dropped');
    const moved = await reschedulePost(
      t.db,
      actor,
      { postId: post.id, scheduledFor: at(120) },
      now,
    );
    expect(moved.targets[0]).toMatchObject({ status: 'draft', scheduledFor: at(120) });
    expect(await jobOf(post.targets[0]!.id)).toBeNull();

    const cancelled = await cancelPost(t.db, actor, { postId: post.id });
    expect(cancelled.targets[0]!.status).toBe('cancelled');
    await expect(
      scheduleDraftPost(t.db, actor, { postId: post.id, scheduledFor: at(90) }, now),
    ).rejects.toThrow(ConflictError);
  });

  it('publishes a draft now: it is scheduled, not merely given a new proposed time', async () => {
    const post = await draft('Draft: straight out');
    const published = await publishPostNow(t.db, actor, { postId: post.id }, now);
    expect(published.targets[0]).toMatchObject({ status: 'scheduled', scheduledFor: now });
    expect((await jobOf(post.targets[0]!.id))?.run_at).toEqual(now);
    expect(await actions(post.id)).toEqual(['post.drafted', 'post.published_now']);
  });

  it('refuses a time outside the schedule window, a viewer, and another organization', async () => {
    const post = await draft('Draft: refusals');
    await expect(
      scheduleDraftPost(t.db, actor, { postId: post.id, scheduledFor: at(-5) }, now),
    ).rejects.toThrow(InvalidInputError);
    await expect(
      scheduleDraftPost(
        t.db,
        actor,
        { postId: post.id, scheduledFor: new Date('2033-01-01T00:00:00Z') },
        now,
      ),
    ).rejects.toThrow('Posts can be scheduled at most two years ahead. Pick an earlier date.');
    await expect(
      scheduleDraftPost(
        t.db,
        { ...actor, role: 'viewer' },
        { postId: post.id, scheduledFor: at(90) },
        now,
      ),
    ).rejects.toThrow(ForbiddenError);
    await expect(
      saveDraftPost(
        t.db,
        { ...actor, role: 'viewer' },
        {
          clientId: agency.clientId,
          caption: 'Viewer draft',
          accountIds: [agency.accounts[0]!.id],
          scheduledFor: at(60),
        },
        now,
      ),
    ).rejects.toThrow(ForbiddenError);
    await expect(
      scheduleDraftPost(t.db, actorOf(other), { postId: post.id, scheduledFor: at(90) }, now),
    ).rejects.toThrow(NotFoundError);
    await expect(unschedulePost(t.db, actorOf(other), { postId: post.id })).rejects.toThrow(
      NotFoundError,
    );
    expect((await getPost(t.db, actor, post.id)).targets[0]!.status).toBe('draft');
    expect(await jobOf(post.targets[0]!.id)).toBeNull();
  });
});
