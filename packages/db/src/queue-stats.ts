// Publishing figures Prisma cannot aggregate (durations are a difference of two columns).
import type { TransactionClient } from './generated/prisma/internal/prismaNamespace.ts';

export interface AttemptStats {
  /** Attempts of the organization that finished at or after `since`. */
  finished: number;
  succeeded: number;
  /** Mean of finished_at − started_at in seconds; null without attempts. */
  averageSeconds: number | null;
}

/** `organizationId` null counts every organization's attempts (platform staff's view). */
export async function attemptStatsSince(
  db: Pick<TransactionClient, '$queryRaw'>,
  organizationId: string | null,
  since: Date,
): Promise<AttemptStats> {
  const [row] = await db.$queryRaw<
    { finished: number; succeeded: number; average_seconds: number | null }[]
  >`
    SELECT count(*)::int AS finished,
           count(*) FILTER (WHERE outcome = 'succeeded')::int AS succeeded,
           avg(extract(epoch FROM finished_at - started_at))::float8 AS average_seconds
    FROM publish_attempts
    WHERE (${organizationId}::uuid IS NULL OR organization_id = ${organizationId}::uuid)
      AND finished_at >= ${since.toISOString()}::timestamptz`;
  return {
    finished: row?.finished ?? 0,
    succeeded: row?.succeeded ?? 0,
    averageSeconds: row?.average_seconds ?? null,
  };
}

export interface AttemptBucketRow {
  /** The bucket's start, as milliseconds since the epoch (a multiple of the bucket size). */
  startMs: number;
  finished: number;
  succeeded: number;
  averageSeconds: number | null;
}

/**
 * Finished attempts per time bucket since `since` (buckets aligned to the epoch), only the
 * buckets that had attempts. `organizationId` null counts every organization.
 */
export async function attemptBucketsSince(
  db: Pick<TransactionClient, '$queryRaw'>,
  organizationId: string | null,
  since: Date,
  bucketMs: number,
): Promise<AttemptBucketRow[]> {
  const bucketSeconds = bucketMs / 1000;
  const rows = await db.$queryRaw<
    { bucket: number; finished: number; succeeded: number; average_seconds: number | null }[]
  >`
    SELECT (floor(extract(epoch FROM finished_at) / ${bucketSeconds}::float8) * ${bucketSeconds}::float8)::float8 AS bucket,
           count(*)::int AS finished,
           count(*) FILTER (WHERE outcome = 'succeeded')::int AS succeeded,
           avg(extract(epoch FROM finished_at - started_at))::float8 AS average_seconds
    FROM publish_attempts
    WHERE (${organizationId}::uuid IS NULL OR organization_id = ${organizationId}::uuid)
      AND finished_at >= ${since.toISOString()}::timestamptz
    GROUP BY 1
    ORDER BY 1`;
  return rows.map((row) => ({
    startMs: row.bucket * 1000,
    finished: row.finished,
    succeeded: row.succeeded,
    averageSeconds: row.average_seconds,
  }));
}
