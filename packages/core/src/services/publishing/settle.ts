// Step 3 of a publish: store what happened and decide what comes next, in one transaction.
import type { Tx } from '@herald/db';
import type { Platform } from '../../domain/platforms.ts';
import { decideAfterFailure } from '../../domain/retry-policy.ts';
import { canTarget, type TargetEvent, type TargetStatus } from '../../domain/target-status.ts';
import { whatToCheck } from '../../domain/what-to-check.ts';
import type { PublishError } from '../../providers/errors.ts';
import type { PublishedPost } from '../../providers/types.ts';
import { recordActivity } from '../activity.ts';
import { notify } from '../notifications.ts';
import { NotReadyPublishError } from '../../providers/errors.ts';
import { enqueueFallbackPackage } from '../media/jobs.ts';
import { enqueuePublish } from '../publish-job.ts';
import { moveTarget } from '../target-transitions.ts';
import {
  DEFAULT_RECONCILE_DELAY_MS,
  type PublishingDeps,
  type PublishTargetResult,
} from './index.ts';

/** One try of one target, as settling needs it. */
export interface Attempt {
  targetId: string;
  organizationId: string;
  postId: string;
  platform: Platform;
  accountId: string;
  accountHandle: string;
  scheduledTimezone: string;
  attemptId: string;
  /** The try within the current retry budget; the target's attemptCount while it is ours. */
  attempt: number;
}

const activityOf = (attempt: Attempt, data: Record<string, string | number | boolean | null>) => ({
  organizationId: attempt.organizationId,
  actorUserId: null,
  subjectType: 'post_target' as const,
  subjectId: attempt.targetId,
  data: { ...data, attempt: attempt.attempt },
});

export async function settlePublished(
  tx: Tx,
  attempt: Attempt,
  published: PublishedPost,
  now: Date,
  how: { reconciled: boolean },
): Promise<PublishTargetResult> {
  // The attempt's history keeps what we knew then: a reconciled attempt stays `ambiguous`.
  await tx.publishAttempt.update({
    where: { id: attempt.attemptId },
    data: how.reconciled
      ? { externalId: published.externalId }
      : { outcome: 'succeeded', externalId: published.externalId, finishedAt: now },
  });
  const moved = await settleTarget(tx, attempt, 'succeed', {
    externalId: published.externalId,
    externalUrl: published.url,
    publishedAt: now,
    nextAttemptAt: null,
    lastError: null,
  });
  if ('skipped' in moved) return moved.skipped;
  await recordActivity(tx, {
    ...activityOf(attempt, {
      externalId: published.externalId,
      url: published.url,
      reconciled: how.reconciled,
      ...(published.notice ? { notice: published.notice } : {}),
    }),
    action: 'target.published',
  });
  return {
    outcome: 'published',
    externalId: published.externalId,
    url: published.url,
    ...(how.reconciled ? { reconciled: true as const } : {}),
  };
}

export async function settleFailure(
  tx: Tx,
  deps: PublishingDeps,
  attempt: Attempt,
  error: PublishError,
  now: Date,
): Promise<PublishTargetResult> {
  await tx.publishAttempt.update({
    where: { id: attempt.attemptId },
    data: {
      outcome: error.kind,
      platformCode: error.platformCode,
      errorMessage: error.message,
      finishedAt: now,
    },
  });
  const details = { kind: error.kind, platformCode: error.platformCode, message: error.message };

  if (error instanceof NotReadyPublishError) {
    const deferred = await deferForProcessing(tx, attempt, error, now);
    if (deferred) return deferred;
    // Waited long enough: from here it is an ordinary retry, and spends the budget.
  }

  if (error.kind === 'ambiguous') {
    // Never a blind retry: ask the platform first, once a request still in flight has landed.
    const at = new Date(now.getTime() + (deps.reconcileDelayMs ?? DEFAULT_RECONCILE_DELAY_MS));
    const moved = await settleTarget(tx, attempt, 'ambiguous', {
      nextAttemptAt: at,
      lastError: error.message,
    });
    if ('skipped' in moved) return moved.skipped;
    // The running job's key is cleared and a new job takes it (docs/decisions/0004).
    await enqueuePublish(tx, attempt.targetId, at);
    await recordActivity(tx, { ...activityOf(attempt, details), action: 'target.reconciling' });
    return { outcome: 'reconciling', at };
  }

  if (error.kind === 'auth') {
    const held = await holdForAccount(tx, { ...attempt, status: 'publishing' }, error.message, now);
    if (!held) return { outcome: 'skipped', reason: 'superseded' };
    return { outcome: 'waiting_for_account', error: error.message };
  }

  return retryOrFail(tx, deps, attempt, error, now);
}

/** Tries again under the retry policy, or fails for good and tells people. */
export async function retryOrFail(
  tx: Tx,
  deps: PublishingDeps,
  attempt: Attempt,
  error: Pick<PublishError, 'kind' | 'message' | 'platformCode' | 'retryAt'>,
  now: Date,
): Promise<PublishTargetResult> {
  const decision = decideAfterFailure({
    kind: error.kind,
    attempt: attempt.attempt,
    now,
    ...(error.retryAt ? { retryAt: error.retryAt } : {}),
    ...(deps.retryDelaysMs ? { delaysMs: deps.retryDelaysMs } : {}),
  });
  const details = { kind: error.kind, platformCode: error.platformCode, message: error.message };
  if (decision.action === 'retry') {
    const moved = await settleTarget(tx, attempt, 'retry', {
      nextAttemptAt: decision.at,
      lastError: error.message,
    });
    if ('skipped' in moved) return moved.skipped;
    await enqueuePublish(tx, attempt.targetId, decision.at);
    await recordActivity(tx, { ...activityOf(attempt, details), action: 'target.retry_scheduled' });
    return { outcome: 'retry_scheduled', at: decision.at };
  }
  const moved = await settleTarget(tx, attempt, 'fail', {
    nextAttemptAt: null,
    lastError: error.message,
  });
  if ('skipped' in moved) return moved.skipped;
  await notify(tx, {
    organizationId: attempt.organizationId,
    kind: 'publish_failed',
    title: `Post to ${attempt.accountHandle} failed`,
    body:
      decision.action === 'fail' && decision.reason === 'exhausted'
        ? `Gave up after ${attempt.attempt} attempts. Last error: ${error.message}`
        : error.message,
    data: { targetId: attempt.targetId, postId: attempt.postId },
  });
  // Caption and media in one download, so a person can post it by hand (seed 000 §4).
  await enqueueFallbackPackage(tx, attempt.targetId, now);
  await recordActivity(tx, { ...activityOf(attempt, details), action: 'target.failed' });
  return { outcome: 'failed', error: error.message };
}

/** Nobody could tell whether the post went out: a person looks, with what to look for. */
export async function settleUnresolved(
  tx: Tx,
  attempt: Attempt & { window: { from: Date } },
  reason: string,
): Promise<PublishTargetResult> {
  const moved = await settleTarget(tx, attempt, 'unresolved', {
    nextAttemptAt: null,
    lastError: reason,
  });
  if ('skipped' in moved) return moved.skipped;
  await notify(tx, {
    organizationId: attempt.organizationId,
    kind: 'publish_unconfirmed',
    title: `Check ${attempt.accountHandle}: we could not confirm the post`,
    body: `${reason} ${whatToCheck(attempt)}`,
    data: { targetId: attempt.targetId, postId: attempt.postId },
  });
  await recordActivity(tx, {
    ...activityOf(attempt, { message: reason }),
    action: 'target.unconfirmed',
  });
  return { outcome: 'unconfirmed', error: reason };
}

/**
 * The account needs a person: the target waits (no attempt spent) and the account is marked
 * `needs_action` with one notification, the first time. Its other targets are held as they
 * fall due; reconnecting resumes them all (services/account-holds.ts).
 */
export async function holdForAccount(
  tx: Tx,
  target: {
    targetId: string;
    organizationId: string;
    accountId: string;
    accountHandle: string;
    status: TargetStatus;
    attempt?: number;
  },
  message: string,
  now: Date,
): Promise<boolean> {
  const moved = await moveTarget(
    tx,
    {
      id: target.targetId,
      status: target.status,
      ...(target.attempt === undefined ? {} : { attemptCount: target.attempt }),
    },
    'hold',
    { nextAttemptAt: null, lastError: message },
  );
  if (!moved) return false;
  const { count } = await tx.socialAccount.updateMany({
    where: { id: target.accountId, status: { not: 'needs_action' } },
    data: { status: 'needs_action', statusReason: message },
  });
  if (count === 1) {
    await notify(tx, {
      organizationId: target.organizationId,
      kind: 'account_needs_action',
      title: `Reconnect ${target.accountHandle}`,
      body: `${message} Its posts wait and go out once it is reconnected.`,
      data: { accountId: target.accountId, targetId: target.targetId },
    });
  }
  await recordActivity(tx, {
    organizationId: target.organizationId,
    actorUserId: null,
    action: 'target.waiting_for_account',
    subjectType: 'post_target',
    subjectId: target.targetId,
    data: { message, accountId: target.accountId, at: now.toISOString() },
  });
  return true;
}

/**
 * Moves the target on from its real status. Something else may have changed it since the
 * claim (a human, a recovery sweep that let a newer attempt start): then nothing is written
 * and the job reports a skip.
 */
async function settleTarget(
  tx: Tx,
  attempt: Attempt,
  event: TargetEvent,
  data: Parameters<typeof moveTarget>[3],
): Promise<{ moved: TargetStatus } | { skipped: PublishTargetResult }> {
  const current = await tx.postTarget.findUnique({
    where: { id: attempt.targetId },
    select: { status: true, attemptCount: true },
  });
  if (!current) return { skipped: { outcome: 'skipped', reason: 'missing' } };
  // A newer attempt owns the target: this one's outcome must not move it (a retry queued
  // here could publish the post a second time).
  const superseded = current.attemptCount !== attempt.attempt;
  const moved =
    !superseded && canTarget(current.status, event)
      ? await moveTarget(
          tx,
          { id: attempt.targetId, status: current.status, attemptCount: attempt.attempt },
          event,
          data,
        )
      : null;
  if (moved) return { moved };
  await recordActivity(tx, {
    ...activityOf(attempt, { event, status: current.status }),
    action: 'target.settle_skipped',
  });
  const reason = superseded ? 'superseded' : (`status_${current.status}` as const);
  return { skipped: { outcome: 'skipped', reason } };
}

/**
 * The account's quota is full: the attempt ends before any platform call (recorded as
 * `rate_limited`, which does not count against the quota), the target goes back on the
 * schedule for the moment the window allows, and its retry budget is given back.
 */
/** How long a target may wait on the platform's processing before retries count again. */
export const MAX_PROCESSING_WAIT_MS = 30 * 60_000;
/** The soonest the engine asks again, whatever the platform says (each ask is an attempt row). */
const MIN_PROCESSING_POLL_MS = 5_000;

/**
 * The platform is still processing (a video, a container): the target goes back on the queue
 * at the time the platform gave, with its attempt given back, as long as it has been waiting
 * less than MAX_PROCESSING_WAIT_MS since it first heard "not ready". Null once it has waited
 * that long (the caller then treats it as an ordinary retry).
 */
async function deferForProcessing(
  tx: Tx,
  attempt: Attempt,
  error: NotReadyPublishError,
  now: Date,
): Promise<PublishTargetResult | null> {
  const first = await tx.publishAttempt.findFirst({
    where: { targetId: attempt.targetId, platformCode: 'processing' },
    orderBy: { startedAt: 'asc' },
    select: { startedAt: true },
  });
  if (first && now.getTime() - first.startedAt.getTime() > MAX_PROCESSING_WAIT_MS) return null;
  const at = new Date(
    Math.max(error.retryAt?.getTime() ?? 0, now.getTime() + MIN_PROCESSING_POLL_MS),
  );
  await tx.publishAttempt.update({
    where: { id: attempt.attemptId },
    data: { platformCode: 'processing' },
  });
  const moved = await settleTarget(tx, attempt, 'defer', {
    attemptCount: attempt.attempt - 1,
    nextAttemptAt: at,
    lastError: error.message,
  });
  if ('skipped' in moved) return moved.skipped;
  await enqueuePublish(tx, attempt.targetId, at);
  return { outcome: 'deferred', at };
}

export async function deferForQuota(
  tx: Tx,
  attempt: Attempt,
  deferral: { at: Date; message: string },
  now: Date,
): Promise<PublishTargetResult> {
  await tx.publishAttempt.update({
    where: { id: attempt.attemptId },
    data: {
      outcome: 'rate_limited',
      platformCode: 'quota',
      errorMessage: deferral.message,
      finishedAt: now,
    },
  });
  const moved = await settleTarget(tx, attempt, 'defer', {
    attemptCount: attempt.attempt - 1,
    nextAttemptAt: deferral.at,
    lastError: deferral.message,
  });
  if ('skipped' in moved) return moved.skipped;
  await enqueuePublish(tx, attempt.targetId, deferral.at);
  await notify(tx, {
    organizationId: attempt.organizationId,
    kind: 'publish_deferred',
    title: `Post to ${attempt.accountHandle} waits for the platform's limit`,
    body: deferral.message,
    data: { targetId: attempt.targetId, postId: attempt.postId },
  });
  await recordActivity(tx, {
    ...activityOf(attempt, { message: deferral.message, at: deferral.at.toISOString() }),
    action: 'target.deferred',
  });
  return { outcome: 'deferred', at: deferral.at };
}
