// Worker pools and the jobs they hold, in Graphile Worker's own tables: what Prisma cannot
// say (its schema is Graphile's), as named functions run inside the caller's transaction.
import type { TransactionClient } from './generated/prisma/internal/prismaNamespace.ts';

/** Pools whose last beat is older than `before`, locked so two sweepers never take the same. */
export async function lockStalePools(tx: TransactionClient, before: Date): Promise<string[]> {
  const rows = await tx.$queryRaw<{ pool_id: string }[]>`
    SELECT pool_id FROM worker_heartbeats
    WHERE last_beat_at < ${before.toISOString()}::timestamptz
    ORDER BY pool_id FOR UPDATE SKIP LOCKED`;
  return rows.map((row) => row.pool_id);
}

export interface LockedJob {
  id: string;
  taskIdentifier: string;
  payload: unknown;
}

/** The jobs these pools hold locked. */
export async function jobsLockedBy(tx: TransactionClient, poolIds: string[]): Promise<LockedJob[]> {
  const rows = await tx.$queryRaw<{ id: string; identifier: string; payload: unknown }[]>`
    SELECT jobs.id::text, tasks.identifier, jobs.payload
    FROM graphile_worker._private_jobs AS jobs
    JOIN graphile_worker._private_tasks AS tasks ON tasks.id = jobs.task_id
    WHERE jobs.locked_by = ANY(${poolIds}::text[])`;
  return rows.map((row) => ({ id: row.id, taskIdentifier: row.identifier, payload: row.payload }));
}

/** Frees the jobs and queues of dead pools at once (Graphile alone waits four hours). */
export async function forceUnlockPools(tx: TransactionClient, poolIds: string[]): Promise<void> {
  await tx.$executeRaw`SELECT graphile_worker.force_unlock_workers(${poolIds}::text[])`;
}

/**
 * The pool's last beat, its row locked until the transaction ends: a decision taken on it
 * (unlocking the pool's jobs) cannot race a beat. Null when the pool has no heartbeat row.
 */
export async function lockHeartbeat(
  tx: TransactionClient,
  poolId: string,
): Promise<{ host: string; pid: number; lastBeatAt: Date } | null> {
  const rows = await tx.$queryRaw<{ host: string; pid: number; last_beat_at: Date }[]>`
    SELECT host, pid, last_beat_at FROM worker_heartbeats WHERE pool_id = ${poolId} FOR UPDATE`;
  const row = rows[0];
  return row ? { host: row.host, pid: row.pid, lastBeatAt: row.last_beat_at } : null;
}

/** When the pool last took a lock on a job, or null when it holds none. */
export async function newestLockOf(tx: TransactionClient, poolId: string): Promise<Date | null> {
  const rows = await tx.$queryRaw<{ newest: Date | null }[]>`
    SELECT max(locked_at) AS newest FROM graphile_worker._private_jobs WHERE locked_by = ${poolId}`;
  return rows[0]?.newest ?? null;
}
