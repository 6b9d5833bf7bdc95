// The review state machine on real Postgres: submit, approve, request changes, the rule that
// a change after approval sends a post back to review, and clients that require approval.
import {
  createAgency,
  createTestDatabase,
  findJob,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVAL_REQUIRED_MESSAGE } from '../domain/review-status.ts';
import { actorOf } from '../testing.ts';
import type { Actor } from './actor.ts';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from './errors.ts';
import { setVariantMedia } from './media/post-media.ts';
import { updatePostCaption } from './post-edits.ts';
import {
  publishPostNow,
  reschedulePost,
  saveDraftPost,
  scheduleDraftPost,
  schedulePost,
} from './posts.ts';
import { publishJobKey } from './publish-job.ts';
import {
  addComment,
  approvePost,
  listComments,
  postActivity,
  requestChanges,
  reviewOf,
  reviewQueue,
  submitForReview,
} from './review.ts';
import { setTargetSettings } from './target-settings.ts';

describe('reviewing posts', () => {
  let t: TestDatabase;
  let agency: AgencyFixture;
  let other: AgencyFixture;
  let owner: Actor;
  let editor: Actor;
  const now = new Date('2030-05-01T12:00:00Z');
  const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);

  beforeAll(async () => {
    t = await createTestDatabase();
    agency = await createAgency(t.db, { pages: 2 });
    other = await createAgency(t.db);
    owner = actorOf(agency);
    const user = await t.db.user.create({
      data: {
        email: `editor-${agency.userId}@agency.test`,
        name: 'Eddie Editor',
        passwordHash: 'x',
      },
    });
    await t.db.member.create({
      data: { organizationId: agency.organizationId, userId: user.id, role: 'editor' },
    });
    editor = { userId: user.id, organizationId: agency.organizationId, role: 'editor' };
  });
  afterAll(() => t.drop());

  function draft(caption: string, actor = editor, clientId = agency.clientId) {
    return saveDraftPost(
      t.db,
      actor,
      {
        clientId,
        caption,
        accountIds: agency.accounts.map((a) => a.id),
        scheduledFor: at(60),
      },
      now,
    );
  }
  const status = async (postId: string) => (await reviewOf(t.db, owner, postId)).status;
  const notificationsOf = (userId: string, postId: string) =>
    t.db.notification
      .findMany({ where: { userId, data: { path: ['postId'], equals: postId } } })
      .then((rows) => rows.map((n) => n.kind).sort());
  const reviewTrail = async (postId: string) =>
    (await postActivity(t.db, owner, postId))
      .filter((e) => e.action.startsWith('post.review.'))
      .reverse()
      .map((e) => `${e.action}: ${String(e.data.from)} → ${String(e.data.to)} by ${e.actorName}`);

  it('goes draft → in review → approved, tells the approvers and then the author', async () => {
    const post = await draft('For review');
    expect(await status(post.id)).toBe('none');
    await submitForReview(t.db, editor, { postId: post.id }, now);
    expect(await status(post.id)).toBe('in_review');
    expect(await notificationsOf(agency.userId, post.id)).toEqual(['review_requested']);
    expect((await reviewQueue(t.db, owner)).map((p) => p.id)).toContain(post.id);

    await expect(approvePost(t.db, editor, { postId: post.id })).rejects.toThrow(ForbiddenError);
    const review = await approvePost(t.db, owner, { postId: post.id }, at(1));
    expect(review).toMatchObject({ status: 'approved', approvedAt: at(1) });
    expect(review.approvedBy).toMatch(/^Member /);
    expect(await notificationsOf(editor.userId, post.id)).toEqual(['post_approved']);
    expect((await reviewQueue(t.db, owner)).map((p) => p.id)).not.toContain(post.id);
    expect(await reviewTrail(post.id)).toEqual([
      'post.review.submit: none → in_review by Eddie Editor',
      `post.review.approve: in_review → approved by ${review.approvedBy}`,
    ]);
    await expect(approvePost(t.db, owner, { postId: post.id })).rejects.toThrow(
      'This post is already approved.',
    );
  });

  it('sends a post back with a comment, and takes it again once resubmitted', async () => {
    const post = await draft('Needs work');
    await expect(approvePost(t.db, owner, { postId: post.id })).rejects.toThrow(
      'Only a post that is waiting for review can be approved. Submit it for review first.',
    );
    await submitForReview(t.db, editor, { postId: post.id }, now);
    await expect(requestChanges(t.db, owner, { postId: post.id, comment: '   ' })).rejects.toThrow(
      InvalidInputError,
    );
    expect(await status(post.id)).toBe('in_review');
    await requestChanges(t.db, owner, { postId: post.id, comment: 'Shorter, please.' }, now);
    expect(await status(post.id)).toBe('changes_requested');
    expect(await notificationsOf(editor.userId, post.id)).toEqual(['post_changes_requested']);
    await addComment(t.db, editor, { postId: post.id, body: 'Done, shortened it.' });
    expect(
      (await listComments(t.db, owner, post.id)).map((c) => `${c.authorName}: ${c.body}`),
    ).toEqual([
      expect.stringMatching(/^Member .*: Shorter, please\.$/),
      'Eddie Editor: Done, shortened it.',
    ]);
    await submitForReview(t.db, editor, { postId: post.id }, now);
    expect(await status(post.id)).toBe('in_review');
  });

  it('sends an approved post back to review on any change: time, settings, media, caption', async () => {
    const post = await draft('Approved, then changed');
    await submitForReview(t.db, editor, { postId: post.id }, now);
    const reapprove = () => approvePost(t.db, owner, { postId: post.id }, now);
    await reapprove();

    await reschedulePost(t.db, editor, { postId: post.id, scheduledFor: at(90) }, now);
    expect(await status(post.id)).toBe('in_review');
    await reapprove();
    await setTargetSettings(t.db, editor, { targetId: post.targets[0]!.id, settings: {} });
    expect(await status(post.id)).toBe('in_review');
    await reapprove();
    await setVariantMedia(t.db, editor, { targetId: post.targets[1]!.id, mediaIds: [] });
    expect(await status(post.id)).toBe('in_review');
    await reapprove();
    await updatePostCaption(t.db, editor, { postId: post.id, caption: 'A new caption' }, now);
    expect(await status(post.id)).toBe('in_review');

    const trail = await reviewTrail(post.id);
    expect(trail.filter((line) => line.startsWith('post.review.edit'))).toEqual(
      Array(4).fill('post.review.edit: approved → in_review by Eddie Editor'),
    );
    // The approvers hear about every change after their approval.
    const toOwner = await notificationsOf(agency.userId, post.id);
    expect(toOwner.filter((k) => k === 'review_requested')).toHaveLength(5);
  });

  it('leaves a post that is not approved where it is when it changes', async () => {
    const post = await draft('Still in review');
    await submitForReview(t.db, editor, { postId: post.id }, now);
    await updatePostCaption(t.db, editor, { postId: post.id, caption: 'Edited in review' }, now);
    expect(await status(post.id)).toBe('in_review');
    await requestChanges(t.db, owner, { postId: post.id, comment: 'No.' }, now);
    await updatePostCaption(t.db, editor, { postId: post.id, caption: 'Edited again' }, now);
    expect(await status(post.id)).toBe('changes_requested');
  });

  it('refuses to schedule or publish a post of a client that requires approval until it is approved', async () => {
    // Scheduled before the client asked for approvals: publishing it now is refused too.
    const earlier = await schedulePost(
      t.db,
      editor,
      {
        clientId: agency.clientId,
        caption: 'Queued before approvals',
        accountIds: [agency.accounts[0]!.id],
        scheduledFor: at(60),
      },
      now,
    );
    await t.db.client.update({
      where: { id: agency.clientId },
      data: { requiresApproval: true },
    });
    try {
      await expect(publishPostNow(t.db, editor, { postId: earlier.id }, now)).rejects.toThrow(
        APPROVAL_REQUIRED_MESSAGE,
      );
      const input = {
        clientId: agency.clientId,
        caption: 'Straight to the queue?',
        accountIds: [agency.accounts[0]!.id],
        scheduledFor: at(60),
      };
      await expect(schedulePost(t.db, editor, input, now)).rejects.toThrow(
        APPROVAL_REQUIRED_MESSAGE,
      );
      const post = await draft('Needs the client first');
      const jobOf = (i: number) => findJob(t.db, publishJobKey(post.targets[i]!.id));
      for (const call of [
        () => scheduleDraftPost(t.db, editor, { postId: post.id, scheduledFor: at(60) }, now),
        () => publishPostNow(t.db, editor, { postId: post.id }, now),
      ]) {
        await expect(call()).rejects.toThrow(ConflictError);
        await expect(call()).rejects.toThrow(APPROVAL_REQUIRED_MESSAGE);
      }
      await submitForReview(t.db, editor, { postId: post.id }, now);
      await expect(
        scheduleDraftPost(t.db, editor, { postId: post.id, scheduledFor: at(60) }, now),
      ).rejects.toThrow(APPROVAL_REQUIRED_MESSAGE);
      expect(await jobOf(0)).toBeNull();

      await approvePost(t.db, owner, { postId: post.id }, now);
      // At the time the reviewer saw, scheduling is not a change: it stays approved.
      const scheduled = await scheduleDraftPost(
        t.db,
        editor,
        { postId: post.id, scheduledFor: at(60) },
        now,
      );
      expect(scheduled.targets.map((x) => x.status)).toEqual(['scheduled', 'scheduled']);
      expect(await status(post.id)).toBe('approved');
      expect(await jobOf(0)).not.toBeNull();

      // A new time needs a new approval: off the queue, back to review.
      const moved = await reschedulePost(
        t.db,
        editor,
        { postId: post.id, scheduledFor: at(120) },
        now,
      );
      expect(moved.targets.map((x) => [x.status, x.scheduledFor])).toEqual([
        ['draft', at(120)],
        ['draft', at(120)],
      ]);
      expect(await status(post.id)).toBe('in_review');
      expect(await jobOf(0)).toBeNull();
      expect(await jobOf(1)).toBeNull();
    } finally {
      await t.db.client.update({
        where: { id: agency.clientId },
        data: { requiresApproval: false },
      });
    }
  });

  it('keeps every review inside its organization', async () => {
    const post = await draft('Ours alone');
    await submitForReview(t.db, editor, { postId: post.id }, now);
    const stranger = actorOf(other);
    for (const call of [
      () => approvePost(t.db, stranger, { postId: post.id }),
      () => requestChanges(t.db, stranger, { postId: post.id, comment: 'Mine now' }),
      () => submitForReview(t.db, stranger, { postId: post.id }),
      () => addComment(t.db, stranger, { postId: post.id, body: 'Hello' }),
      () => listComments(t.db, stranger, post.id),
      () => postActivity(t.db, stranger, post.id),
    ]) {
      await expect(call()).rejects.toThrow(NotFoundError);
    }
    expect((await reviewQueue(t.db, stranger)).map((p) => p.id)).not.toContain(post.id);
    expect(await status(post.id)).toBe('in_review');
  });
});
