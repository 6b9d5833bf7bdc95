// Step 1 of a publish, the ordinary way, in one short transaction, for whatever the fast path
// (fast-path.ts) did not claim: lock the target and decide what this job does.
import { decryptSecret, lockTarget, type Tx } from '@herald/db';
import { publishPrerequisiteProblem } from '../../domain/publish-prerequisites.ts';
import { parseTargetSettings } from '../../domain/target-settings.ts';
import type { ProviderProgress, PublishContent } from '../../providers/types.ts';
import type { PublishingDeps, PublishTargetResult } from './index.ts';
import { holdForAccount, type Attempt } from './settle.ts';

import { EARLY_TOLERANCE_MS } from './fast-path.ts';

/** A started attempt: everything the platform call needs, read once. */
export interface Claim extends Attempt {
  /** How late after its due time this attempt started. */
  latenessMs: number;
  account: { externalId: string; accessToken: string };
  content: PublishContent;
  /** Whether the target carries media, to be selected and signed before the call. */
  hasMedia: boolean;
  /** The target's settings as stored, checked for the platform before the call (content.ts). */
  settings: unknown;
  progress: ProviderProgress | null;
}

/** An attempt whose outcome we never heard, to be asked about. */
export interface ReconcileCheck extends Claim {
  window: { from: Date; to: Date };
}

export type Begun =
  { step: 'done'; result: PublishTargetResult } | { step: 'reconcile'; check: ReconcileCheck };

const done = (result: PublishTargetResult): Begun => ({ step: 'done', result });

export async function begin(
  tx: Tx,
  deps: PublishingDeps,
  targetId: string,
  now: Date,
): Promise<Begun> {
  const row = await lockTarget(tx, targetId);
  if (!row) return done({ outcome: 'skipped', reason: 'missing' });
  if (row.status !== 'scheduled' && row.status !== 'reconciling') {
    return done({ outcome: 'skipped', reason: `status_${row.status}` });
  }
  const dueAt = row.nextAttemptAt ?? row.scheduledFor;
  if (dueAt.getTime() > now.getTime() + EARLY_TOLERANCE_MS) {
    return done({ outcome: 'skipped', reason: 'not_due' });
  }

  const target = await tx.postTarget.findUniqueOrThrow({
    where: { id: targetId },
    include: { post: { select: { caption: true } }, socialAccount: true },
  });
  const account = target.socialAccount;
  const caption = target.caption ?? target.post.caption;
  // Reconcile looks the post up as it was asked for (an Instagram story, a LinkedIn article).
  const settings = parseTargetSettings(account.platform, target.settings);
  const base = {
    targetId,
    organizationId: target.organizationId,
    postId: target.postId,
    platform: account.platform,
    accountId: account.id,
    accountHandle: account.handle,
    scheduledTimezone: target.scheduledTimezone,
    account: {
      externalId: account.externalId,
      accessToken: decryptSecret(account.accessTokenEncrypted, deps.tokenKey),
    },
    content: { caption, media: [], ...(settings.ok ? { settings: settings.settings } : {}) },
    hasMedia: false,
    settings: target.settings,
    progress: (target.providerState ?? null) as ProviderProgress | null,
  };

  if (row.status === 'reconciling') {
    const last = await tx.publishAttempt.findFirst({
      where: { targetId },
      orderBy: { attemptNumber: 'desc' },
    });
    if (!last) {
      throw new Error(`Target ${targetId} is reconciling but has no attempt to reconcile.`);
    }
    return {
      step: 'reconcile',
      check: {
        ...base,
        attemptId: last.id,
        attempt: target.attemptCount,
        latenessMs: 0,
        window: { from: last.startedAt, to: last.finishedAt ?? now },
      },
    };
  }

  // Known-dead credentials: do not spend a platform call (or risk a lockout) to learn it again.
  const problem = publishPrerequisiteProblem({
    platform: account.platform,
    accountHandle: account.handle,
    accountStatus: account.status,
    tokenExpiresAt: account.tokenExpiresAt,
    caption,
    now,
  });
  if (problem?.kind === 'auth') {
    // Not an attempt: the target waits for the account without spending its retry budget.
    const held = await holdForAccount(tx, { ...base, status: 'scheduled' }, problem.message, now);
    return done(
      held
        ? { outcome: 'waiting_for_account', error: problem.message }
        : { outcome: 'skipped', reason: 'superseded' },
    );
  }

  // A due, scheduled target on a usable account is the fast path's to claim (fast-path.ts),
  // which just declined it: something changed between the two looks. Fail the job, so the
  // queue runs it again shortly, rather than leave the target without one.
  throw new Error(`Target ${targetId} looked ready to publish but could not be claimed.`);
}
