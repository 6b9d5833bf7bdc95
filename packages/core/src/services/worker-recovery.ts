// Crash recovery. Every worker pool beats in worker_heartbeats; a pool that stops beating
// died without releasing its jobs (Graphile would keep them locked for four hours). A sweeper
// in every worker unlocks a dead pool's jobs at once and settles what its publishes left
// half-done. See docs/decisions/0012.
import {
  forceUnlockPools,
  jobsLockedBy,
  lockStalePools,
  lockTarget,
  type Db,
  type Tx,
} from '@herald/db';
import { recordActivity } from './activity.ts';
import { notify } from './notifications.ts';
import { PUBLISH_TARGET_TASK, PublishTargetPayload } from './publish-job.ts';
import { moveTarget } from './target-transitions.ts';

export interface WorkerPoolIdentity {
  poolId: string;
  host: string;
  pid: number;
  startedAt: Date;
}

/** A pool is alive while it beats; it beats far more often than this. */
export const DEAD_POOL_AFTER_MS = 30_000;

const LOST_MESSAGE =
  'The worker publishing this stopped before the platform answered, so Herald cannot tell whether it was published.';

export async function beatHeartbeat(db: Db, pool: WorkerPoolIdentity, now: Date): Promise<void> {
  await db.workerHeartbeat.upsert({
    where: { poolId: pool.poolId },
    create: { ...pool, lastBeatAt: now },
    update: { lastBeatAt: now },
  });
}

/** A pool that stops cleanly leaves no beat behind to be mistaken for a dead one. */
export async function removeHeartbeat(db: Db, poolId: string): Promise<void> {
  await db.workerHeartbeat.deleteMany({ where: { poolId } });
}

export interface RecoveryResult {
  /** Dead pools whose jobs were unlocked. */
  pools: string[];
  /** Targets they left mid-publish, now `unconfirmed` for a person (or, later, reconcile). */
  unconfirmedTargets: string[];
}

/**
 * Unlocks the jobs of every pool silent for `deadAfterMs`, and settles each target such a
 * pool was publishing as unconfirmed: the platform may or may not have acted, and a blind
 * retry could publish twice. The jobs then run again and find their targets settled.
 */
export async function recoverDeadWorkers(
  db: Db,
  now: Date,
  deadAfterMs = DEAD_POOL_AFTER_MS,
): Promise<RecoveryResult> {
  return db.$transaction(async (tx) => {
    const pools = await lockStalePools(tx, new Date(now.getTime() - deadAfterMs));
    if (pools.length === 0) return { pools, unconfirmedTargets: [] };
    const unconfirmedTargets: string[] = [];
    for (const job of await jobsLockedBy(tx, pools)) {
      if (job.taskIdentifier !== PUBLISH_TARGET_TASK) continue;
      const payload = PublishTargetPayload.safeParse(job.payload);
      if (payload.success && (await settleLostPublish(tx, payload.data.targetId, now))) {
        unconfirmedTargets.push(payload.data.targetId);
      }
    }
    await forceUnlockPools(tx, pools);
    await tx.workerHeartbeat.deleteMany({ where: { poolId: { in: pools } } });
    return { pools, unconfirmedTargets };
  });
}

async function settleLostPublish(tx: Tx, targetId: string, now: Date): Promise<boolean> {
  const row = await lockTarget(tx, targetId);
  if (row?.status !== 'publishing') return false;
  const target = await tx.postTarget.findUniqueOrThrow({
    where: { id: targetId },
    include: { socialAccount: { select: { handle: true } } },
  });
  const moved = await moveTarget(tx, row, 'ambiguous', { lastError: LOST_MESSAGE });
  if (!moved) return false;
  await tx.publishAttempt.updateMany({
    where: { targetId, outcome: 'in_progress' },
    data: { outcome: 'ambiguous', errorMessage: LOST_MESSAGE, finishedAt: now },
  });
  await notify(tx, {
    organizationId: target.organizationId,
    kind: 'publish_unconfirmed',
    title: `Check ${target.socialAccount.handle}: we could not confirm the post`,
    body: `${LOST_MESSAGE} Look at the account before publishing it again.`,
    data: { targetId, postId: target.postId },
  });
  await recordActivity(tx, {
    organizationId: target.organizationId,
    actorUserId: null,
    action: 'target.unconfirmed',
    subjectType: 'post_target',
    subjectId: targetId,
    data: { reason: 'worker_lost' },
  });
  return true;
}
