// Enqueue helpers that run INSIDE the caller's transaction, so a job exists exactly when
// the rows it refers to do (graphile_worker.add_job is plain SQL; WorkerUtils.addJob is not).
import type { TransactionClient } from './generated/prisma/internal/prismaNamespace.ts';

export interface AddJobSpec {
  identifier: string;
  payload: Record<string, unknown>;
  runAt: Date;
  /** One job per key: re-adding replaces the pending job's payload and run_at. */
  jobKey: string;
  maxAttempts?: number;
  /** Jobs sharing a queue name run one at a time, across every worker. */
  queueName?: string;
}

export async function addJob(tx: TransactionClient, spec: AddJobSpec): Promise<string> {
  const rows = await tx.$queryRaw<{ id: string | null }[]>`
    SELECT (graphile_worker.add_job(
      identifier => ${spec.identifier}::text,
      payload => ${JSON.stringify(spec.payload)}::json,
      queue_name => ${spec.queueName ?? null}::text,
      run_at => ${spec.runAt.toISOString()}::timestamptz,
      max_attempts => ${spec.maxAttempts ?? 25}::int,
      job_key => ${spec.jobKey}::text,
      job_key_mode => 'replace'
    )).id::text AS id`;
  const id = rows[0]?.id;
  // add_job can return null under heavy contention on one key (graphile/worker#580);
  // throwing rolls the caller's transaction back rather than losing the job silently.
  if (!id) throw new Error(`graphile_worker.add_job returned no job for key ${spec.jobKey}`);
  // Graphile announces jobs due now; a job due later is announced here, at commit, so idle
  // workers set a timer for it instead of finding it on a poll (docs/decisions/0022).
  await tx.$executeRaw`
    SELECT pg_notify(${JOB_DUE_CHANNEL}, ${String(spec.runAt.getTime())})
    WHERE ${spec.runAt.toISOString()}::timestamptz > now()`;
  return id;
}

/** The channel future jobs' due times are announced on (milliseconds since the epoch). */
export const JOB_DUE_CHANNEL = 'herald_job_due';

/** Removes the pending job with this key (a running job is left to finish; see the task's guard). */
export async function removeJob(tx: TransactionClient, jobKey: string): Promise<void> {
  await tx.$queryRaw`SELECT graphile_worker.remove_job(${jobKey}::text)`;
}

/** Graphile Worker's queue by state, for the worker's metrics and the queue-health views. */
export interface JobCounts {
  /** Runnable now, waiting for a free worker. */
  due: number;
  /** Waiting for their run_at. */
  scheduled: number;
  /** Locked by a worker pool (running, or left by a pool that died). */
  locked: number;
  /** Out of attempts: Graphile keeps them until someone acts. */
  failed: number;
}

export async function countJobsByState(
  db: Pick<TransactionClient, '$queryRaw'>,
): Promise<JobCounts> {
  const [row] = await db.$queryRaw<JobCounts[]>`
    SELECT
      count(*) FILTER (WHERE locked_at IS NULL AND attempts < max_attempts AND run_at <= now())::int AS due,
      count(*) FILTER (WHERE locked_at IS NULL AND attempts < max_attempts AND run_at > now())::int AS scheduled,
      count(*) FILTER (WHERE locked_at IS NOT NULL)::int AS locked,
      count(*) FILTER (WHERE locked_at IS NULL AND attempts >= max_attempts)::int AS failed
    FROM graphile_worker._private_jobs`;
  return row ?? { due: 0, scheduled: 0, locked: 0, failed: 0 };
}
