// The common case in three statements (docs/decisions/0019): a due, scheduled target on a
// usable account is claimed in one statement, its progress saved in one, its success settled
// in one. Whatever does not fit (not due, reconciling, an account that needs a person, a
// settle that finds the row changed) goes the ordinary way, through begin() and settle.ts.
import {
  claimDueTarget,
  decryptSecret,
  saveTargetProgress,
  settleTargetPublished,
  type Db,
  type Queryable,
} from '@herald/db';
import type { Platform } from '../../domain/platforms.ts';
import { USABLE_ACCOUNT_STATUSES } from '../../domain/social-accounts.ts';
import { statusesAllowing, transitionTarget } from '../../domain/target-status.ts';
import type { ProviderProgress, PublishedPost } from '../../providers/types.ts';
import type { Claim } from './begin.ts';
import type { PublishingDeps } from './index.ts';

/** A job may start a little before its run_at; a target due later than this was moved. */
export const EARLY_TOLERANCE_MS = 5_000;

const CLAIM_RULES = {
  from: 'scheduled',
  to: transitionTarget('scheduled', 'start'),
  usableAccountStatuses: USABLE_ACCOUNT_STATUSES,
  earlyToleranceMs: EARLY_TOLERANCE_MS,
} as const;

/** Prisma as a Queryable, for callers (tests, the web app) without a pg pool of their own. */
export function prismaQueryable(db: Db): Queryable {
  return {
    query: async <Row>({ text, values }: { text: string; values: unknown[] }) => ({
      rows: await db.$queryRawUnsafe<Row[]>(text, ...values),
    }),
  };
}

const sqlOf = (deps: PublishingDeps) => deps.sql ?? prismaQueryable(deps.db);

/** Starts an attempt when the target is due, scheduled and its account usable; else null. */
export async function claimFast(
  deps: PublishingDeps,
  targetId: string,
  now: Date,
): Promise<Claim | null> {
  const row = await claimDueTarget(sqlOf(deps), targetId, now, CLAIM_RULES);
  if (!row) return null;
  return {
    targetId: row.targetId,
    organizationId: row.organizationId,
    postId: row.postId,
    platform: row.platform as Platform,
    accountId: row.accountId,
    accountHandle: row.accountHandle,
    scheduledTimezone: row.scheduledTimezone,
    attemptId: row.attemptId,
    attempt: row.attemptCount,
    latenessMs: row.latenessMs,
    account: {
      externalId: row.accountExternalId,
      accessToken: decryptSecret(row.accessTokenEncrypted, deps.tokenKey),
    },
    content: { caption: row.caption, media: [] },
    hasMedia: row.hasMedia,
    settings: row.settings,
    progress: (row.providerState ?? null) as ProviderProgress | null,
  };
}

export function saveProgressFast(
  deps: PublishingDeps,
  claim: Claim,
  progress: ProviderProgress,
): Promise<boolean> {
  return saveTargetProgress(sqlOf(deps), {
    targetId: claim.targetId,
    status: 'publishing',
    attemptCount: claim.attempt,
    progress,
  });
}

/** True when the target moved to published; false sends the caller to the ordinary settle. */
export function settlePublishedFast(
  deps: PublishingDeps,
  claim: Claim,
  published: PublishedPost,
  now: Date,
): Promise<boolean> {
  return settleTargetPublished(sqlOf(deps), {
    targetId: claim.targetId,
    attemptId: claim.attemptId,
    attemptCount: claim.attempt,
    from: statusesAllowing('succeed'),
    to: 'published',
    externalId: published.externalId,
    url: published.url,
    now,
    activity: {
      externalId: published.externalId,
      url: published.url,
      reconciled: false,
      attempt: claim.attempt,
      ...(published.notice ? { notice: published.notice } : {}),
    },
  });
}
