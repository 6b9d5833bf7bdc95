// The queue-health summary (seed 002): what waits, what runs, what failed, how publishing went
// in the last hour and hour by hour, and the latest problems. An agency sees only its own
// targets and attempts; platform staff see every organization's.
import { attemptBucketsSince, attemptStatsSince, type Db } from '@herald/db';
import {
  fillHistory,
  HISTORY_BUCKET_MS,
  historyStart,
  judgeQueueHealth,
  OVERDUE_AFTER_MS,
  PERFORMANCE_WINDOW_MS,
  type QueueCounts,
} from '../domain/queue-health.ts';
import { requirePermission, targetScope, type Actor } from './actor.ts';
import { requirePlatformStaff, type StaffCaller } from './admin-queue.ts';

const LAST_ISSUES = 5;

export async function getQueueHealth(db: Db, actor: Actor, now = new Date()) {
  requirePermission(actor, 'posts:read');
  // A member limited to some clients counts only their clients' targets.
  return measureQueue(db, actor.organizationId, targetScope(actor), now);
}

/** The same summary over every organization, for the platform staff's queue page. */
export async function adminQueueHealth(db: Db, caller: StaffCaller, now = new Date()) {
  await requirePlatformStaff(db, caller);
  return measureQueue(db, null, {}, now);
}

/** `organizationId` null measures the whole platform; `targets` narrows the targets counted. */
async function measureQueue(
  db: Db,
  organizationId: string | null,
  targets: { organizationId?: string; post?: { clientId: { in: string[] } } },
  now: Date,
) {
  const overdueBefore = new Date(now.getTime() - OVERDUE_AFTER_MS);
  const [byStatus, overdue, performance, buckets, issues] = await Promise.all([
    db.postTarget.groupBy({
      by: ['status'],
      where: {
        ...targets,
        status: { in: ['scheduled', 'publishing', 'failed', 'unconfirmed'] },
      },
      _count: { _all: true },
    }),
    db.postTarget.count({
      where: {
        ...targets,
        status: 'scheduled',
        OR: [
          { nextAttemptAt: { lte: overdueBefore } },
          { nextAttemptAt: null, scheduledFor: { lte: overdueBefore } },
        ],
      },
    }),
    attemptStatsSince(db, organizationId, new Date(now.getTime() - PERFORMANCE_WINDOW_MS)),
    attemptBucketsSince(db, organizationId, historyStart(now), HISTORY_BUCKET_MS),
    db.publishAttempt.findMany({
      where: {
        ...(organizationId ? { organizationId } : {}),
        ...(targets.post ? { target: { post: targets.post } } : {}),
        outcome: { notIn: ['in_progress', 'succeeded'] },
      },
      orderBy: { finishedAt: { sort: 'desc', nulls: 'last' } },
      take: LAST_ISSUES,
      select: {
        finishedAt: true,
        outcome: true,
        errorMessage: true,
        organization: { select: { name: true } },
        target: {
          select: {
            id: true,
            postId: true,
            socialAccount: { select: { handle: true, platform: true } },
          },
        },
      },
    }),
  ]);
  const count = (status: string) =>
    byStatus.find((group) => group.status === status)?._count._all ?? 0;
  const counts: QueueCounts = {
    pending: count('scheduled'),
    overdue,
    processing: count('publishing'),
    failed: count('failed'),
    unconfirmed: count('unconfirmed'),
  };
  return {
    ...judgeQueueHealth(counts, performance),
    counts,
    performance,
    history: fillHistory(buckets, now),
    lastIssues: issues.map((issue) => ({
      at: issue.finishedAt,
      outcome: issue.outcome,
      message: issue.errorMessage,
      organization: issue.organization.name,
      targetId: issue.target.id,
      postId: issue.target.postId,
      account: issue.target.socialAccount,
    })),
  };
}
