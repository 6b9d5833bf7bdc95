import {
  createAgency,
  createTestDatabase,
  findJob,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from './actor.ts';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from './errors.ts';
import { cancelPost, getPost, listPosts, reschedulePost, schedulePost } from './posts.ts';
import { publishJobKey } from './publish-job.ts';

const inAnHour = () => new Date(Date.now() + 3_600_000);
const actorOf = (a: AgencyFixture): Actor => ({
  userId: a.userId,
  organizationId: a.organizationId,
  role: a.role,
});

describe('scheduling posts', () => {
  let t: TestDatabase;
  let agency: AgencyFixture;
  let other: AgencyFixture;
  beforeAll(async () => {
    t = await createTestDatabase();
    agency = await createAgency(t.db, { pages: 2, timezone: 'America/New_York' });
    other = await createAgency(t.db);
  });
  afterAll(() => t.drop());

  it('writes the post, one target per account, and one keyed job per target at the chosen instant', async () => {
    const when = inAnHour();
    const post = await schedulePost(t.db, actorOf(agency), {
      clientId: agency.clientId,
      caption: 'Autumn blend is back',
      accountIds: agency.accounts.map((a) => a.id),
      scheduledFor: when,
    });
    expect(post.targets).toHaveLength(2);
    for (const target of post.targets) {
      expect(target.status).toBe('scheduled');
      expect(target.scheduledFor.toISOString()).toBe(when.toISOString());
      expect(target.scheduledTimezone).toBe('America/New_York');
      const job = await findJob(t.db, publishJobKey(target.id));
      expect(job).toMatchObject({
        task_identifier: 'publish_target',
        payload: { targetId: target.id },
      });
      expect(job!.run_at.toISOString()).toBe(when.toISOString());
    }
    const activity = await t.db.activityEvent.findMany({ where: { subjectId: post.id } });
    expect(activity.map((a) => a.action)).toEqual(['post.scheduled']);
  });

  it("treats another organization's client or account as not found, and writes nothing", async () => {
    const before = await t.db.post.count();
    await expect(
      schedulePost(t.db, actorOf(agency), {
        clientId: other.clientId,
        caption: 'x',
        accountIds: [other.accounts[0]!.id],
        scheduledFor: inAnHour(),
      }),
    ).rejects.toThrow(NotFoundError);
    await expect(
      schedulePost(t.db, actorOf(agency), {
        clientId: agency.clientId,
        caption: 'x',
        accountIds: [agency.accounts[0]!.id, other.accounts[0]!.id],
        scheduledFor: inAnHour(),
      }),
    ).rejects.toThrow(NotFoundError);
    expect(await t.db.post.count()).toBe(before);
  });

  it('refuses a time in the past, a too-long caption, and a viewer', async () => {
    const base = { clientId: agency.clientId, accountIds: [agency.accounts[0]!.id] };
    await expect(
      schedulePost(t.db, actorOf(agency), {
        ...base,
        caption: 'late',
        scheduledFor: new Date(Date.now() - 5 * 60_000),
      }),
    ).rejects.toThrow(/already passed/);
    await expect(
      schedulePost(t.db, actorOf(agency), {
        ...base,
        caption: 'x'.repeat(63_207),
        scheduledFor: inAnHour(),
      }),
    ).rejects.toThrow(InvalidInputError);
    await expect(
      schedulePost(
        t.db,
        { ...actorOf(agency), role: 'viewer' },
        { ...base, caption: 'hi', scheduledFor: inAnHour() },
      ),
    ).rejects.toThrow(ForbiddenError);
  });

  it('reschedules by moving the same keyed job, and cancels by removing it', async () => {
    const post = await schedulePost(t.db, actorOf(agency), {
      clientId: agency.clientId,
      caption: 'Moving target',
      accountIds: [agency.accounts[0]!.id],
      scheduledFor: inAnHour(),
    });
    const key = publishJobKey(post.targets[0]!.id);
    const firstJob = await findJob(t.db, key);
    const later = new Date(Date.now() + 2 * 3_600_000);
    const moved = await reschedulePost(t.db, actorOf(agency), {
      postId: post.id,
      scheduledFor: later,
    });
    expect(moved.targets[0]!.scheduledFor.toISOString()).toBe(later.toISOString());
    const movedJob = await findJob(t.db, key);
    expect(movedJob!.id).toBe(firstJob!.id);
    expect(movedJob!.run_at.toISOString()).toBe(later.toISOString());

    const cancelled = await cancelPost(t.db, actorOf(agency), { postId: post.id });
    expect(cancelled.targets[0]!.status).toBe('cancelled');
    expect(await findJob(t.db, key)).toBeNull();
    await expect(cancelPost(t.db, actorOf(agency), { postId: post.id })).rejects.toThrow(
      ConflictError,
    );
    await expect(
      reschedulePost(t.db, actorOf(agency), { postId: post.id, scheduledFor: later }),
    ).rejects.toThrow(ConflictError);
  });

  it("never reads, moves or cancels another organization's post", async () => {
    const post = await schedulePost(t.db, actorOf(other), {
      clientId: other.clientId,
      caption: 'Theirs',
      accountIds: [other.accounts[0]!.id],
      scheduledFor: inAnHour(),
    });
    await expect(getPost(t.db, actorOf(agency), post.id)).rejects.toThrow(NotFoundError);
    await expect(cancelPost(t.db, actorOf(agency), { postId: post.id })).rejects.toThrow(
      NotFoundError,
    );
    await expect(
      reschedulePost(t.db, actorOf(agency), { postId: post.id, scheduledFor: inAnHour() }),
    ).rejects.toThrow(NotFoundError);
    await expect(listPosts(t.db, actorOf(agency), { clientId: other.clientId })).rejects.toThrow(
      NotFoundError,
    );
    expect((await getPost(t.db, actorOf(other), post.id)).targets[0]!.status).toBe('scheduled');
  });
});
