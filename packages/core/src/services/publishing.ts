// Publishing one target, exactly once. Three steps, so no transaction is held open while we
// wait on a platform:
//   1. claim:   lock the row; only a due, `scheduled` target moves to `publishing` (+ attempt row)
//   2. publish: call the platform adapter
//   3. settle:  store the outcome; retry, fail, or park for a human, per the retry policy
// A duplicate or stale job finds the target claimed or settled and does nothing.
import { decryptSecret, lockTarget, type Db, type Tx } from '@herald/db';
import { decideAfterFailure } from '../domain/retry-policy.ts';
import {
  publishPrerequisiteProblem,
  type PublishPrerequisites,
} from '../domain/publish-prerequisites.ts';
import { canTarget, type TargetEvent, type TargetStatus } from '../domain/target-status.ts';
import type { Platform } from '../domain/platforms.ts';
import {
  AmbiguousPublishError,
  AuthPublishError,
  PermanentPublishError,
  PublishError,
} from '../providers/errors.ts';
import type { PlatformAdapter, PublishedPost } from '../providers/types.ts';
import { recordActivity } from './activity.ts';
import { notify } from './notifications.ts';
import { enqueuePublish } from './publish-job.ts';
import { moveTarget } from './target-transitions.ts';

/** A job may start a little before its run_at; a target due later than this was moved. */
const EARLY_TOLERANCE_MS = 5_000;

export interface PublishingDeps {
  db: Db;
  adapterFor: (platform: Platform) => PlatformAdapter;
  tokenKey: Buffer;
  now?: () => Date;
  /** Told when an attempt starts, and how late after its due time (the worker's metrics). */
  onAttemptStarted?: (attempt: { platform: Platform; latenessMs: number }) => void;
}

export type PublishTargetResult =
  | { outcome: 'published'; externalId: string; url: string }
  | { outcome: 'retry_scheduled'; at: Date }
  | { outcome: 'failed' | 'unconfirmed'; error: string }
  | { outcome: 'skipped'; reason: SkipReason };

/** Why a job did nothing: no such target, not due yet, a newer attempt owns it, or its status. */
type SkipReason = 'missing' | 'not_due' | 'superseded' | `status_${TargetStatus}`;

interface Claim {
  targetId: string;
  organizationId: string;
  attemptId: string;
  attempt: number;
  /** How late after its due time this attempt started. */
  latenessMs: number;
  postId: string;
  platform: Platform;
  accountId: string;
  accountHandle: string;
  accountExternalId: string;
  accessToken: string;
  caption: string;
  /** What must hold before the platform is called (checked outside the claim's transaction). */
  prerequisites: Omit<PublishPrerequisites, 'now'>;
}

export async function publishTarget(
  deps: PublishingDeps,
  targetId: string,
  signal?: AbortSignal,
): Promise<PublishTargetResult> {
  const now = deps.now ?? (() => new Date());
  const claimed = await deps.db.$transaction((tx) => claim(tx, deps, targetId, now()));
  if ('skipped' in claimed) return { outcome: 'skipped', reason: claimed.skipped };
  deps.onAttemptStarted?.({ platform: claimed.platform, latenessMs: claimed.latenessMs });

  // Known-dead credentials or content the platform would refuse: do not spend a platform call
  // (or risk a lockout) to learn it again.
  const problem = publishPrerequisiteProblem({ ...claimed.prerequisites, now: now() });
  if (problem) {
    const failure =
      problem.kind === 'auth'
        ? new AuthPublishError(problem.message, { platformCode: 'prerequisite' })
        : new PermanentPublishError(problem.message, { platformCode: 'prerequisite' });
    return deps.db.$transaction((tx) => settleFailure(tx, claimed, failure, now()));
  }

  let published: PublishedPost;
  try {
    published = await deps.adapterFor(claimed.platform).publish({
      accountExternalId: claimed.accountExternalId,
      accessToken: claimed.accessToken,
      caption: claimed.caption,
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    // Anything that is not a classified PublishError is a defect; we cannot know whether the
    // platform acted, so it is treated as ambiguous rather than retried.
    const failure =
      error instanceof PublishError
        ? error
        : new AmbiguousPublishError(`Unexpected error while publishing: ${String(error)}`, {
            cause: error,
          });
    return deps.db.$transaction((tx) => settleFailure(tx, claimed, failure, now()));
  }
  return deps.db.$transaction((tx) => settleSuccess(tx, claimed, published, now()));
}

async function claim(
  tx: Tx,
  deps: PublishingDeps,
  targetId: string,
  now: Date,
): Promise<Claim | { skipped: 'missing' | 'not_due' | `status_${TargetStatus}` }> {
  const row = await lockTarget(tx, targetId);
  if (!row) return { skipped: 'missing' };
  if (row.status !== 'scheduled') return { skipped: `status_${row.status}` };
  const dueAt = row.nextAttemptAt ?? row.scheduledFor;
  if (dueAt.getTime() > now.getTime() + EARLY_TOLERANCE_MS) return { skipped: 'not_due' };
  const latenessMs = Math.max(0, now.getTime() - dueAt.getTime());

  const target = await tx.postTarget.findUniqueOrThrow({
    where: { id: targetId },
    include: { post: true, socialAccount: true },
  });
  // `attempt` counts within the current retry budget (a reschedule starts a new one); the
  // history in publish_attempts numbers every try of the target.
  const attempt = target.attemptCount + 1;
  const previous = await tx.publishAttempt.aggregate({
    where: { targetId },
    _max: { attemptNumber: true },
  });
  const started = await moveTarget(tx, { id: targetId, status: row.status }, 'start', {
    attemptCount: attempt,
    nextAttemptAt: null,
  });
  if (!started) return { skipped: `status_${target.status}` };
  const attemptRow = await tx.publishAttempt.create({
    data: {
      organizationId: target.organizationId,
      targetId,
      attemptNumber: (previous._max.attemptNumber ?? 0) + 1,
      startedAt: now,
      latenessMs,
    },
  });
  const account = target.socialAccount;
  const caption = target.caption ?? target.post.caption;
  return {
    targetId,
    organizationId: target.organizationId,
    attemptId: attemptRow.id,
    attempt,
    latenessMs,
    postId: target.postId,
    platform: account.platform,
    accountId: account.id,
    accountHandle: account.handle,
    accountExternalId: account.externalId,
    accessToken: decryptSecret(account.accessTokenEncrypted, deps.tokenKey),
    caption,
    prerequisites: {
      platform: account.platform,
      accountHandle: account.handle,
      accountStatus: account.status,
      tokenExpiresAt: account.tokenExpiresAt,
      caption,
    },
  };
}

async function settleSuccess(
  tx: Tx,
  claim: Claim,
  published: PublishedPost,
  now: Date,
): Promise<PublishTargetResult> {
  // The attempt's history is kept either way: the platform did publish.
  await tx.publishAttempt.update({
    where: { id: claim.attemptId },
    data: { outcome: 'succeeded', externalId: published.externalId, finishedAt: now },
  });
  const moved = await settleTarget(tx, claim, 'succeed', {
    externalId: published.externalId,
    externalUrl: published.url,
    publishedAt: now,
    lastError: null,
  });
  if ('skipped' in moved) return moved.skipped;
  await recordActivity(tx, {
    organizationId: claim.organizationId,
    actorUserId: null,
    action: 'target.published',
    subjectType: 'post_target',
    subjectId: claim.targetId,
    data: { externalId: published.externalId, url: published.url, attempt: claim.attempt },
  });
  return { outcome: 'published', externalId: published.externalId, url: published.url };
}

async function settleFailure(
  tx: Tx,
  claim: Claim,
  error: PublishError,
  now: Date,
): Promise<PublishTargetResult> {
  await tx.publishAttempt.update({
    where: { id: claim.attemptId },
    data: {
      outcome: error.kind,
      platformCode: error.platformCode,
      errorMessage: error.message,
      finishedAt: now,
    },
  });
  const decision = decideAfterFailure({
    kind: error.kind,
    attempt: claim.attempt,
    now,
    ...(error.retryAt ? { retryAt: error.retryAt } : {}),
  });
  const activity = {
    organizationId: claim.organizationId,
    actorUserId: null,
    subjectType: 'post_target' as const,
    subjectId: claim.targetId,
    data: {
      kind: error.kind,
      platformCode: error.platformCode,
      message: error.message,
      attempt: claim.attempt,
    },
  };

  if (decision.action === 'retry') {
    const moved = await settleTarget(tx, claim, 'retry', {
      nextAttemptAt: decision.at,
      lastError: error.message,
    });
    if ('skipped' in moved) return moved.skipped;
    // The running job's key is cleared and a new job takes it; a crash after this commit
    // leaves the new job in place (docs/decisions/0004).
    await enqueuePublish(tx, claim.targetId, decision.at);
    await recordActivity(tx, { ...activity, action: 'target.retry_scheduled' });
    return { outcome: 'retry_scheduled', at: decision.at };
  }

  if (decision.action === 'hold') {
    const moved = await settleTarget(tx, claim, 'ambiguous', { lastError: error.message });
    if ('skipped' in moved) return moved.skipped;
    await notify(tx, {
      organizationId: claim.organizationId,
      kind: 'publish_unconfirmed',
      title: `Check ${claim.accountHandle}: we could not confirm the post`,
      body: `${error.message} It may or may not have been published; Herald will not retry on its own.`,
      data: { targetId: claim.targetId, postId: claim.postId },
    });
    await recordActivity(tx, { ...activity, action: 'target.unconfirmed' });
    return { outcome: 'unconfirmed', error: error.message };
  }

  const moved = await settleTarget(tx, claim, 'fail', { lastError: error.message });
  if ('skipped' in moved) return moved.skipped;
  if (decision.reason === 'auth') {
    await tx.socialAccount.update({
      where: { id: claim.accountId },
      data: { status: 'needs_action', statusReason: error.message },
    });
    await notify(tx, {
      organizationId: claim.organizationId,
      kind: 'account_needs_action',
      title: `Reconnect ${claim.accountHandle}`,
      body: `The platform refused Herald's access: ${error.message}`,
      data: { accountId: claim.accountId, targetId: claim.targetId },
    });
  } else {
    await notify(tx, {
      organizationId: claim.organizationId,
      kind: 'publish_failed',
      title: `Post to ${claim.accountHandle} failed`,
      body:
        decision.reason === 'exhausted'
          ? `Gave up after ${claim.attempt} attempts. Last error: ${error.message}`
          : error.message,
      data: { targetId: claim.targetId, postId: claim.postId },
    });
  }
  await recordActivity(tx, { ...activity, action: 'target.failed' });
  return { outcome: 'failed', error: error.message };
}

/**
 * Moves the claimed target on from its real status. Something else may have changed it since
 * the claim (a human, a recovery sweep that let a newer attempt start): then nothing is
 * written and the job reports a skip.
 */
async function settleTarget(
  tx: Tx,
  claim: Claim,
  event: TargetEvent,
  data: Parameters<typeof moveTarget>[3],
): Promise<{ moved: TargetStatus } | { skipped: PublishTargetResult }> {
  const current = await tx.postTarget.findUnique({
    where: { id: claim.targetId },
    select: { status: true, attemptCount: true },
  });
  if (!current) return { skipped: { outcome: 'skipped', reason: 'missing' } };
  // A newer attempt owns the target: this one's outcome must not move it (a retry queued
  // here could publish the post a second time).
  const superseded = current.attemptCount !== claim.attempt;
  const moved =
    !superseded && canTarget(current.status, event)
      ? await moveTarget(
          tx,
          { id: claim.targetId, status: current.status, attemptCount: claim.attempt },
          event,
          data,
        )
      : null;
  if (moved) return { moved };
  await recordActivity(tx, {
    organizationId: claim.organizationId,
    actorUserId: null,
    action: 'target.settle_skipped',
    subjectType: 'post_target',
    subjectId: claim.targetId,
    data: { event, status: current.status, attempt: claim.attempt },
  });
  const reason = superseded ? 'superseded' : (`status_${current.status}` as const);
  return { skipped: { outcome: 'skipped', reason } };
}
