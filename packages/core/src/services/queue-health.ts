// The queue-health summary the dashboard shows an agency (seed 002): what waits, what runs,
// what failed, how publishing went in the last hour, and the latest problems. Only the
// organization's own targets and attempts count.
import { attemptStatsSince, type Db } from '@herald/db';
import {
  judgeQueueHealth,
  OVERDUE_AFTER_MS,
  PERFORMANCE_WINDOW_MS,
  type QueueCounts,
} from '../domain/queue-health.ts';
import { requirePermission, targetScope, type Actor } from './actor.ts';

const LAST_ISSUES = 5;

export async function getQueueHealth(db: Db, actor: Actor, now = new Date()) {
  requirePermission(actor, 'posts:read');
  const organizationId = actor.organizationId;
  // A member limited to some clients counts only their clients' targets.
  const targets = targetScope(actor);
  const overdueBefore = new Date(now.getTime() - OVERDUE_AFTER_MS);
  const [byStatus, overdue, performance, issues] = await Promise.all([
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
    db.publishAttempt.findMany({
      where: {
        organizationId,
        ...(targets.post ? { target: { post: targets.post } } : {}),
        outcome: { notIn: ['in_progress', 'succeeded'] },
      },
      orderBy: { finishedAt: { sort: 'desc', nulls: 'last' } },
      take: LAST_ISSUES,
      select: {
        finishedAt: true,
        outcome: true,
        errorMessage: true,
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
    lastIssues: issues.map((issue) => ({
      at: issue.finishedAt,
      outcome: issue.outcome,
      message: issue.errorMessage,
      targetId: issue.target.id,
      postId: issue.target.postId,
      account: issue.target.socialAccount,
    })),
  };
}
