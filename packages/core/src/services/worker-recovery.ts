// Crash recovery. Every worker pool beats in worker_heartbeats; a pool that stops beating
// died without releasing its jobs (Graphile would keep them locked for four hours). A sweeper
// in every worker unlocks a dead pool's jobs at once and sends what its publishes left
// half-done to reconcile (the platform is asked; nothing is posted blind). See
// docs/decisions/0012 and 0013.
import {
  forceUnlockPools,
  jobsLockedBy,
  lockStalePools,
  lockTarget,
  type Db,
  type Tx,
} from '@herald/db';
import { recordActivity } from './activity.ts';
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
  /** Targets they left mid-publish, now `reconciling`: their unlocked jobs ask the platform. */
  reconcilingTargets: string[];
}

/**
 * Unlocks the jobs of every pool silent for `deadAfterMs`, and moves each target such a pool
 * was publishing to `reconciling`: the platform may or may not have acted, and a blind retry
 * could publish twice. The unlocked jobs then run again, at once, and reconcile.
 */
export async function recoverDeadWorkers(
  db: Db,
  now: Date,
  deadAfterMs = DEAD_POOL_AFTER_MS,
): Promise<RecoveryResult> {
  return db.$transaction(async (tx) => {
    const pools = await lockStalePools(tx, new Date(now.getTime() - deadAfterMs));
    if (pools.length === 0) return { pools, reconcilingTargets: [] };
    return { pools, reconcilingTargets: await releasePools(tx, pools, now) };
  });
}

/**
 * Sends what these (dead) pools were publishing to reconcile, unlocks their jobs and forgets
 * their beats, in the caller's transaction. Returns the targets sent to reconcile. Never call
 * it for a pool that is alive: its running publishes would be reconciled under it.
 */
export async function releasePools(tx: Tx, pools: string[], now: Date): Promise<string[]> {
  const reconcilingTargets: string[] = [];
  for (const job of await jobsLockedBy(tx, pools)) {
    if (job.taskIdentifier !== PUBLISH_TARGET_TASK) continue;
    const payload = PublishTargetPayload.safeParse(job.payload);
    if (payload.success && (await settleLostPublish(tx, payload.data.targetId, now))) {
      reconcilingTargets.push(payload.data.targetId);
    }
  }
  await forceUnlockPools(tx, pools);
  await tx.workerHeartbeat.deleteMany({ where: { poolId: { in: pools } } });
  return reconcilingTargets;
}

async function settleLostPublish(tx: Tx, targetId: string, now: Date): Promise<boolean> {
  const row = await lockTarget(tx, targetId);
  if (row?.status !== 'publishing') return false;
  // Due now: the dead worker's request had the whole heartbeat threshold to land.
  const moved = await moveTarget(tx, row, 'ambiguous', {
    lastError: LOST_MESSAGE,
    nextAttemptAt: now,
  });
  if (!moved) return false;
  const { organizationId } = await tx.postTarget.findUniqueOrThrow({
    where: { id: targetId },
    select: { organizationId: true },
  });
  await tx.publishAttempt.updateMany({
    where: { targetId, outcome: 'in_progress' },
    data: { outcome: 'ambiguous', errorMessage: LOST_MESSAGE, finishedAt: now },
  });
  await recordActivity(tx, {
    organizationId,
    actorUserId: null,
    action: 'target.reconciling',
    subjectType: 'post_target',
    subjectId: targetId,
    data: { reason: 'worker_lost' },
  });
  return true;
}
