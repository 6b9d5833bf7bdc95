// Graphile Worker's jobs as the admin pages see them, and the admin functions Graphile offers
// (each skips a locked job, so a running job is never changed under its worker).
import { Prisma } from './generated/prisma/client.ts';
import type { TransactionClient } from './generated/prisma/internal/prismaNamespace.ts';

export interface QueueJobRow {
  id: string;
  task: string;
  payload: unknown;
  runAt: Date;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  lockedBy: string | null;
  lockedAt: Date | null;
}

type Db = Pick<TransactionClient, '$queryRaw'>;

const JOB_COLUMNS = `j.id::text, t.identifier AS task, j.payload, j.run_at AS "runAt",
  j.attempts, j.max_attempts AS "maxAttempts", j.last_error AS "lastError",
  j.locked_by AS "lockedBy", j.locked_at AS "lockedAt"`;

/**
 * Jobs that failed at least once (still retrying, or out of attempts), newest first. A job
 * replayed with a fresh set of attempts (attempts 0) has not failed since, and is not listed.
 */
export function failedJobs(db: Db, limit = 100): Promise<QueueJobRow[]> {
  return db.$queryRaw<QueueJobRow[]>`
    SELECT ${Prisma.raw(JOB_COLUMNS)} FROM graphile_worker._private_jobs j
    JOIN graphile_worker._private_tasks t ON t.id = j.task_id
    WHERE j.last_error IS NOT NULL AND j.attempts > 0 AND j.locked_at IS NULL
    ORDER BY j.updated_at DESC LIMIT ${limit}`;
}

/** Jobs a pool holds locked, oldest lock first. */
export function lockedJobs(db: Db, limit = 100): Promise<QueueJobRow[]> {
  return db.$queryRaw<QueueJobRow[]>`
    SELECT ${Prisma.raw(JOB_COLUMNS)} FROM graphile_worker._private_jobs j
    JOIN graphile_worker._private_tasks t ON t.id = j.task_id
    WHERE j.locked_at IS NOT NULL
    ORDER BY j.locked_at LIMIT ${limit}`;
}

/** Runs the job now with a fresh set of attempts; false when it is locked or gone. */
export async function replayJobNow(tx: TransactionClient, jobId: string): Promise<boolean> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id::text FROM graphile_worker.reschedule_jobs(
      ARRAY[${jobId}::bigint], run_at := now(), attempts := 0)`;
  return rows.length === 1;
}

/** Out of attempts for good, with this reason as its last error; false when locked or gone. */
export async function failJobForGood(
  tx: TransactionClient,
  jobId: string,
  reason: string,
): Promise<boolean> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id::text FROM graphile_worker.permanently_fail_jobs(ARRAY[${jobId}::bigint], ${reason})`;
  return rows.length === 1;
}

/** Deletes the job (Graphile's complete_jobs); false when locked or gone. */
export async function removeJobById(tx: TransactionClient, jobId: string): Promise<boolean> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id::text FROM graphile_worker.complete_jobs(ARRAY[${jobId}::bigint])`;
  return rows.length === 1;
}

/** Whether the job exists and whether a worker holds it, for an action that changed nothing. */
export async function jobLockState(
  tx: Db,
  jobId: string,
): Promise<{ exists: false } | { exists: true; lockedBy: string | null }> {
  const rows = await tx.$queryRaw<{ locked_by: string | null }[]>`
    SELECT locked_by FROM graphile_worker._private_jobs WHERE id = ${jobId}::bigint`;
  const row = rows[0];
  return row ? { exists: true, lockedBy: row.locked_by } : { exists: false };
}
