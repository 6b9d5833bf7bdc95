// Publishing figures Prisma cannot aggregate (durations are a difference of two columns).
import type { TransactionClient } from './generated/prisma/internal/prismaNamespace.ts';

export interface AttemptStats {
  /** Attempts of the organization that finished at or after `since`. */
  finished: number;
  succeeded: number;
  /** Mean of finished_at − started_at in seconds; null without attempts. */
  averageSeconds: number | null;
}

export async function attemptStatsSince(
  db: Pick<TransactionClient, '$queryRaw'>,
  organizationId: string,
  since: Date,
): Promise<AttemptStats> {
  const [row] = await db.$queryRaw<
    { finished: number; succeeded: number; average_seconds: number | null }[]
  >`
    SELECT count(*)::int AS finished,
           count(*) FILTER (WHERE outcome = 'succeeded')::int AS succeeded,
           avg(extract(epoch FROM finished_at - started_at))::float8 AS average_seconds
    FROM publish_attempts
    WHERE organization_id = ${organizationId}::uuid
      AND finished_at >= ${since.toISOString()}::timestamptz`;
  return {
    finished: row?.finished ?? 0,
    succeeded: row?.succeeded ?? 0,
    averageSeconds: row?.average_seconds ?? null,
  };
}
