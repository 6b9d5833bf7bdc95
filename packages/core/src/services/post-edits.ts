// Edits from the calendar's event panel: a post's caption, a copy as a draft, one account's
// target cancelled, a post nobody will publish deleted. Each runs under the post's target row
// locks, so a worker cannot start a target while it changes.
import { removeJob, type Db } from '@herald/db';
import { captionProblems } from '../domain/platform-rules.ts';
import { scheduleTimeProblem } from '../domain/schedule-window.ts';
import { canTarget, type TargetStatus } from '../domain/target-status.ts';
import { recordActivity } from './activity.ts';
import { clientRowScope, requirePermission, targetScope, type Actor } from './actor.ts';
import { ConflictError, InvalidInputError, NotFoundError } from './errors.ts';
import { getPost, lockTargets, saveDraftPost } from './posts.ts';
import { publishJobKey } from './publish-job.ts';
import { reopenReviewAfterEdit } from './review.ts';
import { moveTarget } from './target-transitions.ts';

/** A target in one of these has gone (or may have gone) to the platform: its text is fixed. */
const STARTED: readonly TargetStatus[] = ['publishing', 'published', 'reconciling', 'unconfirmed'];
/** A post whose targets are all in these was never published and never will be. */
const DELETABLE: readonly TargetStatus[] = ['draft', 'cancelled'];

/**
 * Replaces the post's caption while no account has started publishing it, re-checked against
 * the rules of every platform that uses it (a target with its own caption keeps its own;
 * cancelled ones are not checked).
 */
export async function updatePostCaption(
  db: Db,
  actor: Actor,
  input: { postId: string; caption: string },
  now = new Date(),
) {
  requirePermission(actor, 'posts:write');
  const caption = input.caption.trim();
  if (!caption) throw new InvalidInputError('Write a caption.');
  await db.$transaction(async (tx) => {
    const targets = await lockTargets(tx, actor, input.postId);
    const started = targets.find((t) => STARTED.includes(t.status));
    if (started) {
      throw new ConflictError(
        `${started.handle} has already started publishing this post, so its caption can no longer be changed.`,
      );
    }
    const own = await tx.postTarget.findMany({
      where: { postId: input.postId, caption: { not: null } },
      select: { id: true },
    });
    const ownCaption = new Set(own.map((t) => t.id));
    for (const target of targets) {
      if (target.status === 'cancelled' || ownCaption.has(target.id)) continue;
      const problems = captionProblems(target.platform, caption);
      if (problems.length > 0) {
        throw new InvalidInputError(`${target.handle}: ${problems.join(' ')}`);
      }
    }
    await tx.post.update({ where: { id: input.postId }, data: { caption } });
    await recordActivity(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: 'post.caption_edited',
      subjectType: 'post',
      subjectId: input.postId,
      data: { length: caption.length },
    });
    // An approved post goes back to review (services/review.ts).
    await reopenReviewAfterEdit(
      tx,
      {
        organizationId: actor.organizationId,
        postId: input.postId,
        actorUserId: actor.userId,
        change: 'caption',
      },
      now,
    );
  });
  return getPost(db, actor, input.postId);
}

/**
 * A copy of the post as a draft: the caption, media, accounts and their settings. It keeps the
 * original time when that is still ahead, else it is proposed for an hour from now.
 */
export async function duplicatePost(
  db: Db,
  actor: Actor,
  input: { postId: string },
  now = new Date(),
) {
  requirePermission(actor, 'posts:write');
  const post = await db.post.findFirst({
    where: { id: input.postId, ...clientRowScope(actor) },
    select: {
      clientId: true,
      caption: true,
      media: { orderBy: { position: 'asc' }, select: { assetId: true } },
      targets: {
        orderBy: { createdAt: 'asc' },
        select: { socialAccountId: true, scheduledFor: true, settings: true },
      },
    },
  });
  if (!post) throw new NotFoundError('Post');
  const first = post.targets[0]?.scheduledFor;
  const scheduledFor =
    first && !scheduleTimeProblem(first, now) ? first : new Date(now.getTime() + 3_600_000);
  return saveDraftPost(
    db,
    actor,
    {
      clientId: post.clientId,
      caption: post.caption,
      accountIds: post.targets.map((t) => t.socialAccountId),
      scheduledFor,
      mediaIds: post.media.map((m) => m.assetId),
      settings: Object.fromEntries(post.targets.map((t) => [t.socialAccountId, t.settings])),
    },
    now,
  );
}

/** Cancels one account's target of a post (the others go ahead); its queued job goes too. */
export async function cancelTarget(db: Db, actor: Actor, input: { targetId: string }) {
  requirePermission(actor, 'posts:write');
  const owner = await db.postTarget.findFirst({
    where: { id: input.targetId, ...targetScope(actor) },
    select: { postId: true },
  });
  if (!owner) throw new NotFoundError('Target');
  await db.$transaction(async (tx) => {
    const targets = await lockTargets(tx, actor, owner.postId);
    const target = targets.find((t) => t.id === input.targetId);
    if (!target) throw new NotFoundError('Target');
    if (!canTarget(target.status, 'cancel')) {
      throw new ConflictError(
        `${target.handle} cannot be cancelled: it has already published, started or been cancelled.`,
      );
    }
    const moved = await moveTarget(tx, target, 'cancel', { nextAttemptAt: null });
    if (!moved) {
      throw new ConflictError(
        'This post changed while you were editing it. Reload it and try again.',
      );
    }
    await removeJob(tx, publishJobKey(target.id));
    await recordActivity(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: 'post.target_cancelled',
      subjectType: 'post',
      subjectId: owner.postId,
      data: { targetId: target.id, account: target.handle },
    });
  });
  return getPost(db, actor, owner.postId);
}

/** Deletes a post that is only drafts or cancelled targets: nothing of it was or will be published. */
export async function deletePost(db: Db, actor: Actor, input: { postId: string }) {
  requirePermission(actor, 'posts:write');
  await db.$transaction(async (tx) => {
    const targets = await lockTargets(tx, actor, input.postId);
    const live = targets.find((t) => !DELETABLE.includes(t.status));
    if (live) {
      throw new ConflictError(
        `Only drafts and cancelled posts can be deleted: ${live.handle}'s is ${live.status.replace(/_/g, ' ')}. Cancel it first.`,
      );
    }
    for (const target of targets) await removeJob(tx, publishJobKey(target.id));
    await tx.post.delete({ where: { id: input.postId } });
    await recordActivity(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: 'post.deleted',
      subjectType: 'post',
      subjectId: input.postId,
      data: { targets: targets.length },
    });
  });
  return { postId: input.postId };
}
