import {
  createAgency,
  createTestDatabase,
  findJob,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf } from '../testing.ts';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from './errors.ts';
import { cancelTarget, deletePost, duplicatePost, updatePostCaption } from './post-edits.ts';
import { cancelPost, saveDraftPost, schedulePost } from './posts.ts';
import { publishJobKey } from './publish-job.ts';

describe('editing a post from the calendar', () => {
  let t: TestDatabase;
  let agency: AgencyFixture;
  let other: AgencyFixture;
  const now = new Date('2026-12-01T12:00:00Z');
  const later = new Date('2026-12-10T15:00:00Z');

  beforeAll(async () => {
    t = await createTestDatabase();
    agency = await createAgency(t.db, { pages: 2 });
    other = await createAgency(t.db);
  });
  afterAll(() => t.drop());

  const schedule = (caption: string, accounts = agency.accounts) =>
    schedulePost(
      t.db,
      actorOf(agency),
      {
        clientId: agency.clientId,
        caption,
        accountIds: accounts.map((a) => a.id),
        scheduledFor: later,
      },
      now,
    );

  describe('updatePostCaption', () => {
    it('changes the caption while nothing has started, and records it', async () => {
      const post = await schedule('Old words');
      const edited = await updatePostCaption(t.db, actorOf(agency), {
        postId: post.id,
        caption: '  New words  ',
      });
      expect(edited.caption).toBe('New words');
      const activity = await t.db.activityEvent.findMany({ where: { subjectId: post.id } });
      expect(activity.map((a) => a.action)).toContain('post.caption_edited');
    });

    it("re-checks the platform's caption rules and keeps the old caption when they fail", async () => {
      const post = await schedule('Short');
      await expect(
        updatePostCaption(t.db, actorOf(agency), { postId: post.id, caption: 'x'.repeat(70_000) }),
      ).rejects.toThrow(InvalidInputError);
      await expect(
        updatePostCaption(t.db, actorOf(agency), { postId: post.id, caption: '   ' }),
      ).rejects.toThrow('Write a caption.');
      expect((await t.db.post.findUniqueOrThrow({ where: { id: post.id } })).caption).toBe('Short');
    });

    it('refuses once an account has started publishing, a viewer, and another organization', async () => {
      const post = await schedule('Going out');
      await t.db.postTarget.update({
        where: { id: post.targets[1]!.id },
        data: { status: 'publishing' },
      });
      await expect(
        updatePostCaption(t.db, actorOf(agency), { postId: post.id, caption: 'Too late' }),
      ).rejects.toThrow(/has already started publishing this post/);
      await expect(
        updatePostCaption(
          t.db,
          { ...actorOf(agency), role: 'viewer' },
          { postId: post.id, caption: 'x' },
        ),
      ).rejects.toThrow(ForbiddenError);
      await expect(
        updatePostCaption(t.db, actorOf(other), { postId: post.id, caption: 'x' }),
      ).rejects.toThrow(NotFoundError);
      expect((await t.db.post.findUniqueOrThrow({ where: { id: post.id } })).caption).toBe(
        'Going out',
      );
    });
  });

  describe('cancelTarget', () => {
    it("cancels one account's target and its job; the other goes ahead", async () => {
      const post = await schedule('Half of it');
      const [first, second] = post.targets;
      const after = await cancelTarget(t.db, actorOf(agency), { targetId: first!.id });
      expect(after.targets.map((x) => [x.id, x.status])).toEqual([
        [first!.id, 'cancelled'],
        [second!.id, 'scheduled'],
      ]);
      expect(await findJob(t.db, publishJobKey(first!.id))).toBeNull();
      expect(await findJob(t.db, publishJobKey(second!.id))).not.toBeNull();
      await expect(cancelTarget(t.db, actorOf(agency), { targetId: first!.id })).rejects.toThrow(
        ConflictError,
      );
      await expect(cancelTarget(t.db, actorOf(other), { targetId: second!.id })).rejects.toThrow(
        NotFoundError,
      );
    });
  });

  describe('deletePost', () => {
    it('deletes a draft or a cancelled post, and refuses a scheduled one', async () => {
      const draft = await saveDraftPost(
        t.db,
        actorOf(agency),
        {
          clientId: agency.clientId,
          caption: 'Draft',
          accountIds: [agency.accounts[0]!.id],
          scheduledFor: later,
        },
        now,
      );
      await deletePost(t.db, actorOf(agency), { postId: draft.id });
      expect(await t.db.post.findUnique({ where: { id: draft.id } })).toBeNull();

      const scheduled = await schedule('Still on');
      await expect(deletePost(t.db, actorOf(agency), { postId: scheduled.id })).rejects.toThrow(
        /Only drafts and cancelled posts can be deleted/,
      );
      await expect(deletePost(t.db, actorOf(other), { postId: scheduled.id })).rejects.toThrow(
        NotFoundError,
      );
      await cancelPost(t.db, actorOf(agency), { postId: scheduled.id });
      await deletePost(t.db, actorOf(agency), { postId: scheduled.id });
      expect(await t.db.postTarget.count({ where: { postId: scheduled.id } })).toBe(0);
    });
  });

  describe('duplicatePost', () => {
    it('copies caption, accounts and time as a draft with nothing queued', async () => {
      const post = await schedule('Copy me');
      const copy = await duplicatePost(t.db, actorOf(agency), { postId: post.id }, now);
      expect(copy.id).not.toBe(post.id);
      expect(copy.caption).toBe('Copy me');
      expect(copy.targets.map((x) => [x.socialAccount.id, x.status, x.scheduledFor])).toEqual(
        post.targets.map((x) => [x.socialAccount.id, 'draft', later]),
      );
      for (const target of copy.targets) {
        expect(await findJob(t.db, publishJobKey(target.id))).toBeNull();
      }
      // Once its time has passed, the copy is proposed for an hour on.
      const afterwards = new Date(later.getTime() + 86_400_000);
      const late = await duplicatePost(t.db, actorOf(agency), { postId: post.id }, afterwards);
      expect(late.targets[0]!.scheduledFor).toEqual(new Date(afterwards.getTime() + 3_600_000));
      await expect(duplicatePost(t.db, actorOf(other), { postId: post.id }, now)).rejects.toThrow(
        NotFoundError,
      );
    });
  });
});
