// Publishing one target, exactly once (docs/decisions/0004 and 0013). Three steps, so no
// transaction is held open while we wait on a platform:
//   1. begin:   lock the row; a due `scheduled` target moves to `publishing` (+ attempt row),
//               a due `reconciling` one is handed to reconcile, anything else is skipped
//   2. call:    the adapter publishes (saving its progress as it goes) or reconciles
//   3. settle:  store the outcome; retry, fail, reconcile, or hold, per the policies
// A duplicate or stale job finds the target claimed or settled and does nothing.
import type { Db, Queryable, TokenKeyring } from '@herald/db';
import type { Platform } from '../../domain/platforms.ts';
import type { PlatformAdapter } from '../../providers/types.ts';
import type { MediaStorage } from '../../storage/index.ts';
import { PermanentPublishError } from '../../providers/errors.ts';
import { begin, type Claim } from './begin.ts';
import { preparePublishContent } from './content.ts';
import { claimFast } from './fast-path.ts';
import { runPublish } from './publish.ts';
import { runReconcile } from './reconcile.ts';
import { quotaCheck } from '../quotas.ts';
import { deferForQuota, settleFailure } from './settle.ts';

export interface PublishingDeps {
  db: Db;
  /** The hot path's plain SQL connection (the worker's pg pool); Prisma's when absent. */
  sql?: Queryable;
  adapterFor: (platform: Platform) => PlatformAdapter;
  /** Opens the accounts' tokens (docs/decisions/0033). */
  tokenKey: TokenKeyring;
  now?: () => Date;
  /** Told when an attempt starts, and how late after its due time (the worker's metrics). */
  onAttemptStarted?: (attempt: { platform: Platform; latenessMs: number }) => void;
  /**
   * How long after an unanswered attempt the platform is asked what became of it: long
   * enough for a request still in flight there to land. Default DEFAULT_RECONCILE_DELAY_MS.
   */
  reconcileDelayMs?: number;
  /** The retry policy's waits (domain/retry-policy.ts RETRY_DELAYS_MS unless given). */
  retryDelaysMs?: readonly number[];
  /** Where media files are, to hand platforms signed URLs; a post with media fails without it. */
  storage?: MediaStorage;
}

/** Platforms finish a request they received well within this; then its post is visible. */
export const DEFAULT_RECONCILE_DELAY_MS = 15_000;

export type PublishTargetResult = (
  | { outcome: 'published'; externalId: string; url: string; reconciled?: true }
  | { outcome: 'retry_scheduled' | 'reconciling' | 'deferred'; at: Date }
  | { outcome: 'failed' | 'unconfirmed' | 'waiting_for_account'; error: string }
  | { outcome: 'skipped'; reason: SkipReason }
) & {
  /** The target's platform, when the job got as far as reading it (for metrics and logs). */
  platform?: Platform;
};

/** Why a job did nothing: no such target, not due yet, a newer attempt owns it, or its status. */
export type SkipReason = 'missing' | 'not_due' | 'superseded' | `status_${string}`;

/** The platform's own count, when its adapter can ask; a failure to ask is no reason to stop. */
async function reportedUsage(deps: PublishingDeps, claim: Claim, signal?: AbortSignal) {
  try {
    const adapter = deps.adapterFor(claim.platform);
    if (!adapter.quotaUsage) return null;
    return await adapter.quotaUsage({ account: claim.account, ...(signal ? { signal } : {}) });
  } catch {
    // No adapter, or the platform did not answer: our own count decides, and the publish
    // itself reports the adapter problem.
    return null;
  }
}

export async function publishTarget(
  deps: PublishingDeps,
  targetId: string,
  signal?: AbortSignal,
): Promise<PublishTargetResult> {
  const now = deps.now ?? (() => new Date());
  const claim = await claimFast(deps, targetId, now());
  if (claim) {
    const quota = await quotaCheck(deps.db, {
      ...claim,
      now: now(),
      exceptAttemptId: claim.attemptId,
      reported: await reportedUsage(deps, claim, signal),
    });
    if (!quota.allowed) {
      const deferred = await deps.db.$transaction((tx) => deferForQuota(tx, claim, quota, now()));
      return { ...deferred, platform: claim.platform };
    }
    deps.onAttemptStarted?.({ platform: claim.platform, latenessMs: claim.latenessMs });
    // Content the platform would refuse: do not spend a platform call to learn it.
    const prepared = await preparePublishContent(deps, claim);
    if (!prepared.ok) {
      const failure = new PermanentPublishError(prepared.problems.join(' '), {
        platformCode: 'prerequisite',
      });
      return deps.db.$transaction((tx) => settleFailure(tx, deps, claim, failure, now()));
    }
    const ready = { ...claim, content: prepared.content };
    return { ...(await runPublish(deps, ready, signal)), platform: claim.platform };
  }
  // Not due, not scheduled, or its account needs a person: look closer, the ordinary way.
  const next = await deps.db.$transaction((tx) => begin(tx, deps, targetId, now()));
  switch (next.step) {
    case 'done':
      return next.result;
    case 'reconcile':
      return { ...(await runReconcile(deps, next.check, signal)), platform: next.check.platform };
  }
}
