// What a person can do to one target beyond scheduling (publish now, unschedule and drafts
// are post-wide, in posts.ts): retry a failed or unconfirmed target with a fresh budget, and
// settle an unconfirmed one after checking the platform. Every change goes through the domain's transitions from the row's real status.
import { lockTarget, type Db, type Tx } from '@herald/db';
import { canTarget, type TargetEvent } from '../domain/target-status.ts';
import { requirePermission, targetScope, type Actor } from './actor.ts';
import { recordActivity } from './activity.ts';
import { enqueueFallbackPackage } from './media/jobs.ts';
import { ConflictError, NotFoundError } from './errors.ts';
import { getPost } from './posts.ts';
import { enqueuePublish } from './publish-job.ts';
import { moveTarget } from './target-transitions.ts';

/** A failed or unconfirmed target goes again now, with a fresh retry budget. */
export async function retryTarget(
  db: Db,
  actor: Actor,
  input: { targetId: string },
  now = new Date(),
) {
  requirePermission(actor, 'posts:write');
  const postId = await db.$transaction(async (tx) => {
    const target = await lockOwnTarget(tx, actor, input.targetId);
    await apply(
      tx,
      target,
      'retry_by_hand',
      'Only a failed target, or one that needs a check, can be retried.',
      {
        attemptCount: 0,
        nextAttemptAt: now,
        lastError: null,
      },
    );
    await enqueuePublish(tx, target.id, now);
    await recordActivity(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: 'target.retried',
      subjectType: 'post_target',
      subjectId: target.id,
      data: { from: target.status },
    });
    return target.postId;
  });
  return getPost(db, actor, postId);
}

export type TargetResolution =
  | { targetId: string; resolution: 'published'; url: string }
  | { targetId: string; resolution: 'failed'; note?: string };

/** A person checked the platform: the unconfirmed target did publish (there), or did not. */
export async function resolveUnconfirmedTarget(
  db: Db,
  actor: Actor,
  input: TargetResolution,
  now = new Date(),
) {
  requirePermission(actor, 'posts:write');
  const postId = await db.$transaction((tx) => settleUnconfirmedTarget(tx, actor, input, now));
  return getPost(db, actor, postId);
}

/**
 * resolveUnconfirmedTarget inside the caller's transaction (the admin pages write their audit
 * row in the same one); returns the target's post id. The caller checks the permission.
 */
export async function settleUnconfirmedTarget(
  tx: Tx,
  actor: Actor,
  input: TargetResolution,
  now: Date,
): Promise<string> {
  const target = await lockOwnTarget(tx, actor, input.targetId);
  const refusal = 'Only a target that needs a check can be marked published or failed.';
  if (input.resolution === 'published') {
    await apply(tx, target, 'confirm_published', refusal, {
      externalUrl: input.url,
      publishedAt: now,
      lastError: null,
    });
  } else {
    await apply(tx, target, 'confirm_failed', refusal, {
      lastError: input.note ?? 'A person checked: it was not published.',
    });
    // Failed for good: the caption and media to post by hand, as after a last failed attempt.
    await enqueueFallbackPackage(tx, target.id, now);
  }
  await recordActivity(tx, {
    organizationId: actor.organizationId,
    actorUserId: actor.userId,
    action: 'target.resolved',
    subjectType: 'post_target',
    subjectId: target.id,
    data: { resolution: input.resolution },
  });
  return target.postId;
}

async function lockOwnTarget(tx: Tx, actor: Actor, targetId: string) {
  // Scope first: another organization's target is "not found", locked or not.
  const owned = await tx.postTarget.findFirst({
    where: { id: targetId, ...targetScope(actor) },
    select: { postId: true },
  });
  const row = owned ? await lockTarget(tx, targetId) : null;
  if (!owned || !row) throw new NotFoundError('Post target');
  return { ...row, postId: owned.postId };
}

async function apply(
  tx: Tx,
  target: { id: string; status: Parameters<typeof canTarget>[0] },
  event: TargetEvent,
  refusal: string,
  data: Parameters<typeof moveTarget>[3],
) {
  if (!canTarget(target.status, event) || !(await moveTarget(tx, target, event, data))) {
    throw new ConflictError(refusal);
  }
}
