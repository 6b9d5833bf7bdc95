// Scheduling use cases. Each writes its rows and the matching queue change in ONE
// transaction, so a post is never scheduled without a job, nor a job left for a cancelled post.
import { lockPostTargets, removeJob, type Db, type Prisma, type Tx } from '@herald/db';
import { captionProblems } from '../domain/platform-rules.ts';
import { scheduleTimeProblem } from '../domain/schedule-window.ts';
import { isAccountUsable } from '../domain/social-accounts.ts';
import { canTarget, nextTargetStatus, type TargetEvent } from '../domain/target-status.ts';
import type { TargetSettings } from '../domain/target-settings.ts';
import {
  loadSelectableAssets,
  selectTargetMedia,
  setPostMedia,
  targetMediaProblems,
  thumbnailProblem,
} from './media/post-media.ts';
import { checkedSettings } from './target-settings.ts';
import { clientRowScope, clientScope, requirePermission, type Actor } from './actor.ts';
import { recordActivity } from './activity.ts';
import { ConflictError, InvalidInputError, NotFoundError } from './errors.ts';
import { enqueuePublish, publishJobKey } from './publish-job.ts';
import { whatToCheck } from '../domain/what-to-check.ts';
import { moveTarget } from './target-transitions.ts';
import { assertApprovedIfRequired, reopenReviewAfterEdit } from './review.ts';

/** A concurrent change (a worker starting a target) won the race: nothing was written. */
const CHANGED_MEANWHILE = 'This post changed while you were editing it. Reload it and try again.';

export interface SchedulePostInput {
  clientId: string;
  caption: string;
  accountIds: string[];
  scheduledFor: Date;
  /** Library assets of the client, in the order they appear (a carousel's order). */
  mediaIds?: string[];
  /**
   * Per-platform settings (domain/target-settings.ts) by account id: the post type, a YouTube
   * title, a LinkedIn article link. Each is checked for its account's platform; an account
   * left out gets the platform's defaults.
   */
  settings?: Record<string, unknown>;
  /**
   * Per-account captions (a platform's own variant) by account id, each checked against its
   * account's platform rules; an account left out publishes the post's caption.
   */
  captions?: Record<string, string>;
}

export const postView = {
  id: true,
  clientId: true,
  caption: true,
  createdAt: true,
  media: {
    orderBy: { position: 'asc' },
    select: { asset: { select: { id: true, name: true, kind: true, status: true } } },
  },
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
      fallbackPackageKey: true,
      settings: true,
      socialAccount: { select: { id: true, platform: true, handle: true, status: true } },
      // The last attempt says when to look on the platform for a post nobody could confirm.
      attempts: { orderBy: { attemptNumber: 'desc' }, take: 1, select: { startedAt: true } },
    },
  },
} as const;

type PostRow = Prisma.PostGetPayload<{ select: typeof postView }>;

/** A post as people see it: an unconfirmed target carries the sentence saying what to check. */
export function toPostView({ targets, media, ...post }: PostRow) {
  return {
    ...post,
    media: media.map((m) => m.asset),
    targets: targets.map(({ attempts, fallbackPackageKey, ...target }) => {
      const lastAttempt = attempts[0];
      return {
        ...target,
        hasFallbackPackage: fallbackPackageKey !== null,
        whatToCheck:
          target.status === 'unconfirmed' && lastAttempt
            ? whatToCheck({
                platform: target.socialAccount.platform,
                accountHandle: target.socialAccount.handle,
                scheduledTimezone: target.scheduledTimezone,
                window: { from: lastAttempt.startedAt },
              })
            : null,
      };
    }),
  };
}

export function schedulePost(db: Db, actor: Actor, input: SchedulePostInput, now = new Date()) {
  return createPost(db, actor, input, 'scheduled', now);
}

/** Writes the post with its targets as drafts: nothing is queued; the time is only proposed. */
export function saveDraftPost(db: Db, actor: Actor, input: SchedulePostInput, now = new Date()) {
  return createPost(db, actor, input, 'draft', now);
}

async function createPost(
  db: Db,
  actor: Actor,
  input: SchedulePostInput,
  status: 'scheduled' | 'draft',
  now: Date,
) {
  requirePermission(actor, 'posts:write');
  const client = await db.client.findFirst({
    where: clientScope(actor, input.clientId),
  });
  if (!client) throw new NotFoundError('Client');
  if (status === 'scheduled') {
    await assertApprovedIfRequired(db, {
      organizationId: actor.organizationId,
      clientId: client.id,
    });
  }

  const accountIds = [...new Set(input.accountIds)];
  const accounts = await db.socialAccount.findMany({
    where: { id: { in: accountIds }, organizationId: actor.organizationId, clientId: client.id },
  });
  if (accounts.length !== accountIds.length) throw new NotFoundError('Social account');
  const given = input.settings ?? {};
  if (Object.keys(given).some((id) => !accountIds.includes(id))) {
    throw new InvalidInputError(
      'Settings were given for an account this post does not go to. Pick that account, or drop its settings.',
    );
  }
  const captions = input.captions ?? {};
  if (Object.keys(captions).some((id) => !accountIds.includes(id))) {
    throw new InvalidInputError(
      'A caption was given for an account this post does not go to. Pick that account, or drop its caption.',
    );
  }
  const settingsOf = new Map<string, TargetSettings>();
  for (const account of accounts) {
    if (!isAccountUsable(account.status)) {
      throw new InvalidInputError(
        `${account.handle} must be reconnected before posts can be scheduled to it.`,
      );
    }
    const own = captions[account.id];
    const problems = captionProblems(account.platform, own ?? input.caption);
    if (problems.length > 0) {
      throw new InvalidInputError(
        `${account.handle}${own === undefined ? '' : ' (its own caption)'}: ${problems.join(' ')}`,
      );
    }
    const settings = checkedSettings(account, given[account.id]);
    const thumbnail = await thumbnailProblem(db, {
      organizationId: actor.organizationId,
      clientId: client.id,
      settings,
      ready: status === 'scheduled',
    });
    if (thumbnail) throw new InvalidInputError(`${account.handle}: ${thumbnail}`);
    settingsOf.set(account.id, settings);
  }
  assertSchedulable(input.scheduledFor, now);
  const mediaIds = input.mediaIds ?? [];
  const assets = await loadSelectableAssets(db, {
    organizationId: actor.organizationId,
    clientId: client.id,
    assetIds: mediaIds,
  });
  // A draft may wait for its media to finish processing; a scheduled post must fit now.
  if (status === 'scheduled') {
    for (const account of accounts) {
      // The settings' post type picks the rule (an Instagram story is 9:16).
      const selection = selectTargetMedia(account.platform, settingsOf.get(account.id), assets);
      if (!selection.ok) {
        throw new InvalidInputError(`${account.handle}: ${selection.problems.join(' ')}`);
      }
    }
  }

  const postId = await db.$transaction(async (tx) => {
    const post = await tx.post.create({
      data: {
        organizationId: actor.organizationId,
        clientId: client.id,
        caption: input.caption,
        createdById: actor.userId,
      },
    });
    await setPostMedia(tx, post, mediaIds);
    for (const account of accounts) {
      const target = await tx.postTarget.create({
        data: {
          organizationId: actor.organizationId,
          postId: post.id,
          socialAccountId: account.id,
          scheduledFor: input.scheduledFor,
          scheduledTimezone: client.timezone,
          status,
          settings: settingsOf.get(account.id)!,
          ...(captions[account.id] !== undefined ? { caption: captions[account.id]! } : {}),
        },
      });
      if (status === 'scheduled') await enqueuePublish(tx, target.id, input.scheduledFor);
    }
    await recordActivity(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: status === 'scheduled' ? 'post.scheduled' : 'post.drafted',
      subjectType: 'post',
      subjectId: post.id,
      data: {
        scheduledFor: input.scheduledFor.toISOString(),
        accounts: accounts.length,
        media: mediaIds.length,
      },
    });
    return post.id;
  });
  return getPost(db, actor, postId);
}

/**
 * Moves every target that has not been published yet (scheduled or failed) to a new time. A
 * draft only gets a new proposed time: it stays a draft, with nothing queued.
 */
export function reschedulePost(
  db: Db,
  actor: Actor,
  input: { postId: string; scheduledFor: Date },
  now = new Date(),
) {
  return retimePost(db, actor, input, now, {
    events: ['reschedule'],
    action: 'post.rescheduled',
    editsTime: true,
    nothingLeft:
      'Nothing left to reschedule: every account has published, started or been cancelled.',
  });
}

/** Puts the post's drafts on the queue at the given time. */
export function scheduleDraftPost(
  db: Db,
  actor: Actor,
  input: { postId: string; scheduledFor: Date },
  now = new Date(),
) {
  return retimePost(db, actor, input, now, {
    events: ['schedule'],
    action: 'post.draft_scheduled',
    // Scheduling at the time the reviewers saw is not a change; another time is.
    editsTime: true,
    nothingLeft: 'This post has no drafts left to schedule.',
  });
}

/** Publishes every target that has not published yet, drafts included, now: the worker starts at once. */
export function publishPostNow(db: Db, actor: Actor, input: { postId: string }, now = new Date()) {
  return retimePost(db, actor, { postId: input.postId, scheduledFor: now }, now, {
    // A draft is scheduled, not merely given a new proposed time.
    events: ['schedule', 'reschedule'],
    action: 'post.published_now',
    // "Go now" is the go-ahead itself, allowed only to an approved post where approval is required.
    editsTime: false,
    nothingLeft: 'Nothing left to publish: every account has published, started or been cancelled.',
  });
}

/**
 * Gives every target that allows one of `events` (the first that applies) the new time, with a
 * fresh retry budget; a target that ends up scheduled gets its job (re)queued at that time.
 */
async function retimePost(
  db: Db,
  actor: Actor,
  input: { postId: string; scheduledFor: Date },
  now: Date,
  how: { events: TargetEvent[]; action: string; nothingLeft: string; editsTime: boolean },
) {
  requirePermission(actor, 'posts:write');
  assertSchedulable(input.scheduledFor, now);
  await db.$transaction(async (tx) => {
    const targets = await lockTargets(tx, actor, input.postId);
    const moves = targets.flatMap((target) => {
      const event = how.events.find((e) => canTarget(target.status, e));
      return event ? [{ target, event }] : [];
    });
    if (moves.length === 0) throw new ConflictError(how.nothingLeft);
    // Scheduling a draft and publishing now both need the approval a client may require.
    if (how.events.includes('schedule')) {
      await assertApprovedIfRequired(tx, {
        organizationId: actor.organizationId,
        postId: input.postId,
      });
    }
    const timeBefore = await tx.postTarget.findMany({
      where: { id: { in: moves.map((m) => m.target.id) } },
      select: { scheduledFor: true },
    });
    const timeChanged = timeBefore.some(
      (t) => t.scheduledFor.getTime() !== input.scheduledFor.getTime(),
    );
    for (const { target, event } of moves) {
      if (nextTargetStatus(target.status, event) !== 'scheduled') continue;
      // Media (or a thumbnail) that is still processing, or does not fit the platform and the
      // post type chosen, stops it going on the queue.
      const problems = await targetMediaProblems(tx, {
        targetId: target.id,
        organizationId: actor.organizationId,
        platform: target.platform,
        settings: target.settings,
      });
      const thumbnail = await thumbnailProblem(tx, {
        organizationId: actor.organizationId,
        clientId: target.clientId,
        settings: target.settings,
        ready: true,
      });
      if (thumbnail) problems.push(thumbnail);
      if (problems.length > 0) {
        throw new InvalidInputError(`${target.handle}: ${problems.join(' ')}`);
      }
    }
    for (const { target, event } of moves) {
      // A fresh retry budget: the attempts so far stay in publish_attempts.
      const moved = await moveTarget(tx, target, event, {
        scheduledFor: input.scheduledFor,
        nextAttemptAt: null,
        attemptCount: 0,
      });
      if (!moved) throw new ConflictError(CHANGED_MEANWHILE);
      if (moved === 'scheduled') await enqueuePublish(tx, target.id, input.scheduledFor);
    }
    await recordActivity(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: how.action,
      subjectType: 'post',
      subjectId: input.postId,
      data: { scheduledFor: input.scheduledFor.toISOString(), targets: moves.length },
    });
    if (how.editsTime && timeChanged) {
      await reopenReviewAfterEdit(
        tx,
        {
          organizationId: actor.organizationId,
          postId: input.postId,
          actorUserId: actor.userId,
          change: 'time',
        },
        now,
      );
    }
  });
  return getPost(db, actor, input.postId);
}

/** Takes the post's scheduled targets off the queue: they become drafts, keeping their time. */
export async function unschedulePost(db: Db, actor: Actor, input: { postId: string }) {
  requirePermission(actor, 'posts:write');
  await db.$transaction(async (tx) => {
    const targets = await lockTargets(tx, actor, input.postId);
    const scheduled = targets.filter((t) => canTarget(t.status, 'unschedule'));
    if (scheduled.length === 0) {
      throw new ConflictError(
        'Nothing left to unschedule: no account of this post is waiting for its time.',
      );
    }
    for (const target of scheduled) {
      const moved = await moveTarget(tx, target, 'unschedule', { nextAttemptAt: null });
      if (!moved) throw new ConflictError(CHANGED_MEANWHILE);
      await removeJob(tx, publishJobKey(target.id));
    }
    await recordActivity(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: 'post.unscheduled',
      subjectType: 'post',
      subjectId: input.postId,
      data: { targets: scheduled.length },
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
    where: { id: postId, ...clientRowScope(actor) },
    select: postView,
  });
  if (!post) throw new NotFoundError('Post');
  return toPostView(post);
}

export async function listPosts(db: Db, actor: Actor, input: { clientId: string; limit?: number }) {
  requirePermission(actor, 'posts:read');
  const client = await db.client.findFirst({
    where: clientScope(actor, input.clientId),
    select: { id: true },
  });
  if (!client) throw new NotFoundError('Client');
  const posts = await db.post.findMany({
    where: { organizationId: actor.organizationId, clientId: client.id },
    orderBy: { createdAt: 'desc' },
    take: input.limit ?? 50,
    select: postView,
  });
  return posts.map(toPostView);
}

function assertSchedulable(scheduledFor: Date, now: Date): void {
  const problem = scheduleTimeProblem(scheduledFor, now);
  if (problem) throw new InvalidInputError(problem);
}

/** Locks the post's targets so a worker cannot start one while we change it. */
/** Locks a post's targets, once the actor may see the post (its client included). */
export async function lockTargets(tx: Tx, actor: Actor, postId: string) {
  // A member limited to some clients changes only their clients' posts.
  const visible = await tx.post.count({ where: { id: postId, ...clientRowScope(actor) } });
  if (visible === 0) throw new NotFoundError('Post');
  const rows = await lockPostTargets(tx, { postId, organizationId: actor.organizationId });
  if (rows.length === 0) throw new NotFoundError('Post');
  return rows;
}
