// The admin pages' use cases (docs/decisions/0023, amended by 0014): for platform staff only,
// a flag on the user, never an agency role. Everyone else is told the pages do not exist.
// Every action requires a reason and writes its audit row in the same transaction.
import {
  failedJobs,
  failJobForGood,
  jobLockState,
  lockedJobs,
  lockHeartbeat,
  newestLockOf,
  removeJobById,
  replayJobNow,
  type Db,
  type Prisma,
  type QueueJobRow,
  type Tx,
} from '@herald/db';
import { checkAdminReason, judgePool, type PoolLiveness } from '../domain/admin-queue.ts';
import { ConflictError, InvalidInputError, NotFoundError } from './errors.ts';
import { settleUnconfirmedTarget, type TargetResolution } from './target-controls.ts';
import { DEAD_POOL_AFTER_MS, releasePools } from './worker-recovery.ts';

/** A signed-in user who claims to be staff; checked against the database on every call. */
export interface StaffCaller {
  userId: string;
}

/** Throws NotFoundError (as for a page that does not exist) unless the user is staff. */
export async function requirePlatformStaff(db: Db, caller: StaffCaller | null): Promise<void> {
  const user = caller
    ? await db.user.findUnique({ where: { id: caller.userId }, select: { isPlatformStaff: true } })
    : null;
  if (!user?.isPlatformStaff) throw new NotFoundError('Page');
}

export async function isPlatformStaff(db: Db, userId: string): Promise<boolean> {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { isPlatformStaff: true },
  });
  return user?.isPlatformStaff ?? false;
}

export interface LockedJobView extends QueueJobRow {
  /** The heartbeat of the pool holding the job: `unknown` when it left none. */
  pool: {
    liveness: PoolLiveness;
    beatAgeSeconds: number | null;
    host: string | null;
    pid: number | null;
    lastBeatAt: Date | null;
  };
}

/**
 * A pool without a heartbeat (the web's cron tick runs jobs without one) may still be running
 * what it locked; staff may unlock it only once its newest lock is this old.
 */
export const UNKNOWN_POOL_UNLOCK_AFTER_MS = 15 * 60_000;

export async function adminQueueOverview(db: Db, caller: StaffCaller, now = new Date()) {
  await requirePlatformStaff(db, caller);
  const [failed, locked, beats, stuck] = await Promise.all([
    failedJobs(db),
    lockedJobs(db),
    db.workerHeartbeat.findMany(),
    db.postTarget.findMany({
      where: { status: { in: ['publishing', 'reconciling', 'unconfirmed'] } },
      orderBy: { updatedAt: 'asc' },
      take: 100,
      select: {
        id: true,
        status: true,
        lastError: true,
        updatedAt: true,
        postId: true,
        post: { select: { caption: true } },
        organization: { select: { id: true, name: true } },
        socialAccount: { select: { handle: true, platform: true } },
      },
    }),
  ]);
  const byPool = new Map(beats.map((beat) => [beat.poolId, beat]));
  return {
    failedJobs: failed.map((job) => ({
      ...job,
      permanentlyFailed: job.attempts >= job.maxAttempts,
    })),
    lockedJobs: locked.map((job): LockedJobView => {
      const beat = job.lockedBy ? byPool.get(job.lockedBy) : undefined;
      return {
        ...job,
        pool: {
          ...judgePool(beat?.lastBeatAt ?? null, now, DEAD_POOL_AFTER_MS),
          host: beat?.host ?? null,
          pid: beat?.pid ?? null,
          lastBeatAt: beat?.lastBeatAt ?? null,
        },
      };
    }),
    stuckTargets: stuck.map(({ post, ...target }) => ({
      ...target,
      caption: post.caption.length > 80 ? `${post.caption.slice(0, 79)}…` : post.caption,
      ageSeconds: Math.max(0, Math.floor((now.getTime() - target.updatedAt.getTime()) / 1000)),
    })),
  };
}

export type AdminAction =
  | { action: 'replay_job'; jobId: string }
  | { action: 'fail_job'; jobId: string }
  | { action: 'remove_job'; jobId: string }
  | { action: 'force_unlock_pool'; poolId: string }
  | ({ action: 'resolve_target' } & TargetResolution);

/** Runs one admin action and writes its audit row in the same transaction; a reason is required. */
export async function runAdminAction(
  db: Db,
  caller: StaffCaller,
  input: AdminAction & { reason: string },
  now = new Date(),
): Promise<{ ok: true }> {
  await requirePlatformStaff(db, caller);
  const checked = checkAdminReason(input.reason);
  if (!checked.ok) throw new InvalidInputError(checked.message);
  const { reason } = checked;
  await db.$transaction(async (tx) => {
    switch (input.action) {
      case 'replay_job':
        await jobAction(tx, input.jobId, () => replayJobNow(tx, input.jobId));
        return audit(tx, caller, input.action, 'job', input.jobId, reason);
      case 'fail_job':
        await jobAction(tx, input.jobId, () => failJobForGood(tx, input.jobId, reason));
        return audit(tx, caller, input.action, 'job', input.jobId, reason);
      case 'remove_job':
        await jobAction(tx, input.jobId, () => removeJobById(tx, input.jobId));
        return audit(tx, caller, input.action, 'job', input.jobId, reason);
      case 'force_unlock_pool': {
        await refuseLivePool(tx, input.poolId, now);
        const reconciling = await releasePools(tx, [input.poolId], now);
        return audit(tx, caller, input.action, 'worker_pool', input.poolId, reason, {
          data: { reconcilingTargets: reconciling },
        });
      }
      case 'resolve_target': {
        // The agency's own control, acting for staff in the target's organization.
        const target = await tx.postTarget.findUnique({
          where: { id: input.targetId },
          select: { organizationId: true },
        });
        if (!target) throw new NotFoundError('Post target');
        const { action: _action, reason: _reason, ...resolution } = input;
        await settleUnconfirmedTarget(
          tx,
          { userId: caller.userId, organizationId: target.organizationId, role: 'owner' },
          resolution,
          now,
        );
        return audit(tx, caller, input.action, 'post_target', input.targetId, reason, {
          organizationId: target.organizationId,
          data: {
            resolution: input.resolution,
            ...(input.resolution === 'published' ? { url: input.url } : {}),
          },
        });
      }
    }
  });
  return { ok: true };
}

/** Never unlock a pool that may still be running its jobs: they would run twice. */
async function refuseLivePool(tx: Tx, poolId: string, now: Date): Promise<void> {
  const beat = await lockHeartbeat(tx, poolId);
  const health = judgePool(beat?.lastBeatAt ?? null, now, DEAD_POOL_AFTER_MS);
  if (beat && health.liveness === 'alive') {
    throw new ConflictError(
      `Pool ${poolId} on ${beat.host} (pid ${beat.pid}) beat ${health.beatAgeSeconds} s ago: it is alive, and unlocking its jobs would run them twice. Stop that worker first.`,
    );
  }
  if (!beat) {
    const newest = await newestLockOf(tx, poolId);
    if (!newest)
      throw new ConflictError(`Pool ${poolId} holds no job; there is nothing to unlock.`);
    const minutes = Math.ceil(UNKNOWN_POOL_UNLOCK_AFTER_MS / 60_000);
    if (now.getTime() - newest.getTime() < UNKNOWN_POOL_UNLOCK_AFTER_MS) {
      throw new ConflictError(
        `Pool ${poolId} has no heartbeat and took a job less than ${minutes} minutes ago: it may still be running. Try again once its newest lock is ${minutes} minutes old.`,
      );
    }
  }
}

async function jobAction(tx: Tx, jobId: string, act: () => Promise<boolean>): Promise<void> {
  if (!/^\d+$/.test(jobId)) throw new InvalidInputError('That is not a job id.');
  if (await act()) return;
  const state = await jobLockState(tx, jobId);
  if (!state.exists) {
    // A conflict, not NOT_FOUND: to the admin API, NOT_FOUND means "you are not staff".
    throw new ConflictError(
      `Job ${jobId} no longer exists (it finished, or someone removed it); nothing was changed.`,
    );
  }
  throw new ConflictError(
    `Job ${jobId} is running right now (locked by ${state.lockedBy ?? 'a worker'}); nothing was changed. Try again when it finishes.`,
  );
}

async function audit(
  db: Db | Tx,
  caller: StaffCaller,
  action: string,
  subjectType: string,
  subjectId: string,
  reason: string,
  extra: { organizationId?: string; data?: Prisma.InputJsonObject } = {},
): Promise<void> {
  await db.adminAuditEvent.create({
    data: {
      actorUserId: caller.userId,
      action,
      subjectType,
      subjectId,
      reason,
      organizationId: extra.organizationId ?? null,
      data: extra.data ?? {},
    },
  });
}

export function adminAuditTrail(db: Db, caller: StaffCaller) {
  return requirePlatformStaff(db, caller).then(() =>
    db.adminAuditEvent.findMany({
      orderBy: { createdAt: 'desc' },
      take: 50,
      include: { actor: { select: { email: true } } },
    }),
  );
}
