// The admin pages' use cases (docs/decisions/0023): for platform staff only — a flag on the
// user, never an agency role. Everyone else is told the pages do not exist. Every action
// requires a reason and writes its audit row in the same transaction as the action.
import {
  failedJobs,
  failJobForGood,
  lockedJobs,
  removeJobById,
  replayJobNow,
  type Db,
  type Prisma,
  type QueueJobRow,
  type Tx,
} from '@herald/db';
import { ConflictError, InvalidInputError, NotFoundError } from './errors.ts';
import { resolveUnconfirmedTarget, type TargetResolution } from './target-controls.ts';
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
  pool: { host: string; pid: number; lastBeatAt: Date; alive: boolean } | null;
}

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
        pool: beat
          ? {
              host: beat.host,
              pid: beat.pid,
              lastBeatAt: beat.lastBeatAt,
              alive: now.getTime() - beat.lastBeatAt.getTime() < DEAD_POOL_AFTER_MS,
            }
          : null,
      };
    }),
    stuckTargets: stuck,
  };
}

export type AdminAction =
  | { action: 'replay_job'; jobId: string }
  | { action: 'fail_job'; jobId: string }
  | { action: 'remove_job'; jobId: string }
  | { action: 'force_unlock_pool'; poolId: string }
  | ({ action: 'resolve_target' } & TargetResolution);

const MIN_REASON = 5;

/** Runs one admin action with its audit row; the reason is required. */
export async function runAdminAction(
  db: Db,
  caller: StaffCaller,
  input: AdminAction & { reason: string },
  now = new Date(),
): Promise<{ ok: true }> {
  await requirePlatformStaff(db, caller);
  const reason = input.reason.trim();
  if (reason.length < MIN_REASON) {
    throw new InvalidInputError('Say why (a few words at least): the audit log keeps it.');
  }
  if (input.action === 'resolve_target') {
    // The agency's own control, acting for staff in the target's organization.
    const target = await db.postTarget.findUnique({
      where: { id: input.targetId },
      select: { organizationId: true },
    });
    if (!target) throw new NotFoundError('Post target');
    const { action: _action, reason: _reason, ...resolution } = input;
    await resolveUnconfirmedTarget(
      db,
      { userId: caller.userId, organizationId: target.organizationId, role: 'owner' },
      resolution,
      now,
    );
    await audit(db, caller, 'resolve_target', 'post_target', input.targetId, reason, {
      organizationId: target.organizationId,
      data: { resolution: input.resolution },
    });
    return { ok: true };
  }
  await db.$transaction(async (tx) => {
    switch (input.action) {
      case 'replay_job':
        await jobAction(tx, input.jobId, () => replayJobNow(tx, input.jobId));
        break;
      case 'fail_job':
        await jobAction(tx, input.jobId, () => failJobForGood(tx, input.jobId, reason));
        break;
      case 'remove_job':
        await jobAction(tx, input.jobId, () => removeJobById(tx, input.jobId));
        break;
      case 'force_unlock_pool': {
        const beat = await tx.workerHeartbeat.findUnique({ where: { poolId: input.poolId } });
        if (beat && now.getTime() - beat.lastBeatAt.getTime() < DEAD_POOL_AFTER_MS) {
          throw new ConflictError(
            `Pool ${input.poolId} on ${beat.host} beat ${Math.round((now.getTime() - beat.lastBeatAt.getTime()) / 1000)} s ago: it is alive, and unlocking its jobs would run them twice.`,
          );
        }
        const reconciling = await releasePools(tx, [input.poolId], now);
        await audit(tx, caller, input.action, 'worker_pool', input.poolId, reason, {
          data: { reconcilingTargets: reconciling },
        });
        return;
      }
    }
    await audit(tx, caller, input.action, 'job', input.jobId, reason);
  });
  return { ok: true };
}

async function jobAction(tx: Tx, jobId: string, act: () => Promise<boolean>): Promise<void> {
  if (!/^\d+$/.test(jobId)) throw new InvalidInputError('That is not a job id.');
  if (!(await act())) {
    throw new ConflictError(
      `Job ${jobId} is running (locked by a worker) or no longer exists; nothing was changed.`,
    );
  }
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
