// Scheduling use cases. Each writes its rows and the matching queue change in ONE
// transaction, so a post is never scheduled without a job, nor a job left for a cancelled post.
import { lockPostTargets, removeJob, type Db, type Tx } from '@herald/db';
import { captionProblems } from '../domain/platform-rules.ts';
import { scheduleTimeProblem } from '../domain/schedule-window.ts';
import { isAccountUsable } from '../domain/social-accounts.ts';
import { canTarget } from '../domain/target-status.ts';
import { requirePermission, type Actor } from './actor.ts';
import { recordActivity } from './activity.ts';
import { ConflictError, InvalidInputError, NotFoundError } from './errors.ts';
import { enqueuePublish, publishJobKey } from './publish-job.ts';
import { moveTarget } from './target-transitions.ts';

/** A concurrent change (a worker starting a target) won the race: nothing was written. */
const CHANGED_MEANWHILE = 'This post changed while you were editing it. Reload it and try again.';

export interface SchedulePostInput {
  clientId: string;
  caption: string;
  accountIds: string[];
  scheduledFor: Date;
}

const postView = {
  id: true,
  clientId: true,
  caption: true,
  createdAt: true,
  targets: {
    orderBy: { createdAt: 'asc' },
    select: {
      id: true,
      status: true,
      caption: true,
      scheduledFor: true,
      scheduledTimezone: true,
      attemptCount: true,
      nextAttemptAt: true,
      externalId: true,
      externalUrl: true,
      lastError: true,
      publishedAt: true,
      socialAccount: { select: { id: true, platform: true, handle: true, status: true } },
    },
  },
} as const;

export async function schedulePost(
  db: Db,
  actor: Actor,
  input: SchedulePostInput,
  now = new Date(),
) {
  requirePermission(actor, 'posts:write');
  const client = await db.client.findFirst({
    where: { id: input.clientId, organizationId: actor.organizationId },
  });
  if (!client) throw new NotFoundError('Client');

  const accountIds = [...new Set(input.accountIds)];
  const accounts = await db.socialAccount.findMany({
    where: { id: { in: accountIds }, organizationId: actor.organizationId, clientId: client.id },
  });
  if (accounts.length !== accountIds.length) throw new NotFoundError('Social account');
  for (const account of accounts) {
    if (!isAccountUsable(account.status)) {
      throw new InvalidInputError(
        `${account.handle} must be reconnected before posts can be scheduled to it.`,
      );
    }
    const problems = captionProblems(account.platform, input.caption);
    if (problems.length > 0)
      throw new InvalidInputError(`${account.handle}: ${problems.join(' ')}`);
  }
  assertSchedulable(input.scheduledFor, now);

  const postId = await db.$transaction(async (tx) => {
    const post = await tx.post.create({
      data: {
        organizationId: actor.organizationId,
        clientId: client.id,
        caption: input.caption,
        createdById: actor.userId,
      },
    });
    for (const account of accounts) {
      const target = await tx.postTarget.create({
        data: {
          organizationId: actor.organizationId,
          postId: post.id,
          socialAccountId: account.id,
          scheduledFor: input.scheduledFor,
          scheduledTimezone: client.timezone,
          status: 'scheduled',
        },
      });
      await enqueuePublish(tx, target.id, input.scheduledFor);
    }
    await recordActivity(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: 'post.scheduled',
      subjectType: 'post',
      subjectId: post.id,
      data: { scheduledFor: input.scheduledFor.toISOString(), accounts: accounts.length },
    });
    return post.id;
  });
  return getPost(db, actor, postId);
}

/** Moves every target that has not been published yet (scheduled or failed) to a new time. */
export async function reschedulePost(
  db: Db,
  actor: Actor,
  input: { postId: string; scheduledFor: Date },
  now = new Date(),
) {
  requirePermission(actor, 'posts:write');
  assertSchedulable(input.scheduledFor, now);
  await db.$transaction(async (tx) => {
    const targets = await lockTargets(tx, actor, input.postId);
    const movable = targets.filter((t) => canTarget(t.status, 'reschedule'));
    if (movable.length === 0) {
      throw new ConflictError(
        'Nothing left to reschedule: every account has published, started or been cancelled.',
      );
    }
    for (const target of movable) {
      // A fresh retry budget: the attempts so far stay in publish_attempts.
      const moved = await moveTarget(tx, target, 'reschedule', {
        scheduledFor: input.scheduledFor,
        nextAttemptAt: null,
        attemptCount: 0,
      });
      if (!moved) throw new ConflictError(CHANGED_MEANWHILE);
      await enqueuePublish(tx, target.id, input.scheduledFor);
    }
    await recordActivity(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: 'post.rescheduled',
      subjectType: 'post',
      subjectId: input.postId,
      data: { scheduledFor: input.scheduledFor.toISOString(), targets: movable.length },
    });
  });
  return getPost(db, actor, input.postId);
}

/** Cancels every target that has not started publishing. */
export async function cancelPost(db: Db, actor: Actor, input: { postId: string }) {
  requirePermission(actor, 'posts:write');
  await db.$transaction(async (tx) => {
    const targets = await lockTargets(tx, actor, input.postId);
    const cancellable = targets.filter((t) => canTarget(t.status, 'cancel'));
    if (cancellable.length === 0) {
      throw new ConflictError(
        'Nothing left to cancel: every account has published, started or been cancelled.',
      );
    }
    for (const target of cancellable) {
      const moved = await moveTarget(tx, target, 'cancel', { nextAttemptAt: null });
      if (!moved) throw new ConflictError(CHANGED_MEANWHILE);
      await removeJob(tx, publishJobKey(target.id));
    }
    await recordActivity(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: 'post.cancelled',
      subjectType: 'post',
      subjectId: input.postId,
      data: { targets: cancellable.length },
    });
  });
  return getPost(db, actor, input.postId);
}

export async function getPost(db: Db, actor: Actor, postId: string) {
  requirePermission(actor, 'posts:read');
  const post = await db.post.findFirst({
    where: { id: postId, organizationId: actor.organizationId },
    select: postView,
  });
  if (!post) throw new NotFoundError('Post');
  return post;
}

export async function listPosts(db: Db, actor: Actor, input: { clientId: string; limit?: number }) {
  requirePermission(actor, 'posts:read');
  const client = await db.client.findFirst({
    where: { id: input.clientId, organizationId: actor.organizationId },
    select: { id: true },
  });
  if (!client) throw new NotFoundError('Client');
  return db.post.findMany({
    where: { organizationId: actor.organizationId, clientId: client.id },
    orderBy: { createdAt: 'desc' },
    take: input.limit ?? 50,
    select: postView,
  });
}

function assertSchedulable(scheduledFor: Date, now: Date): void {
  const problem = scheduleTimeProblem(scheduledFor, now);
  if (problem) throw new InvalidInputError(problem);
}

/** Locks the post's targets so a worker cannot start one while we change it. */
async function lockTargets(tx: Tx, actor: Actor, postId: string) {
  const rows = await lockPostTargets(tx, { postId, organizationId: actor.organizationId });
  if (rows.length === 0) throw new NotFoundError('Post');
  return rows;
}
