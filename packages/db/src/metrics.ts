// The schedule_metrics sweep in one statement (docs/decisions/0034): published targets whose
// snapshot age has come (and not yet gone), on platforms that can report engagement, without a
// snapshot or a queued fetch for that age, each get a fetch_metrics job. Nothing is added to the
// publish hot path: the sweep finds published targets through their (status, published_at)
// index instead. The ages, the platforms and the status are the domain's, passed in.
import type { Queryable } from './publishing.ts';

export interface DueMetricFetches {
  now: Date;
  /** The status a published target has (the domain's). */
  publishedStatus: string;
  /** Platforms whose adapters can fetch metrics. */
  platforms: readonly string[];
  /** Each age: due `afterMs` after publishing, for `windowMs` more. */
  buckets: readonly { name: string; afterMs: number; windowMs: number }[];
  /** The task to queue, its attempts, and the most jobs one sweep queues. */
  task: string;
  maxAttempts: number;
  limit: number;
}

/** The job key of one target's fetch for one age: one job per snapshot, ever. */
export const metricsJobKey = (targetId: string, bucket: string) => `metrics:${targetId}:${bucket}`;

/** Queues a fetch for each due snapshot; answers how many it queued. */
export async function enqueueDueMetricFetches(
  sql: Queryable,
  q: DueMetricFetches,
): Promise<number> {
  if (q.platforms.length === 0 || q.buckets.length === 0) return 0;
  const { rows } = await sql.query<{ enqueued: number }>({
    name: 'herald_enqueue_due_metric_fetches',
    text: `WITH bucket AS (
       SELECT * FROM unnest($3::text[], $4::bigint[], $5::bigint[]) AS b(name, after_ms, window_ms)),
     due AS (
       SELECT t.id, bucket.name AS bucket
       FROM bucket
       JOIN post_targets t
         ON t.status = $9::target_status
        AND t.published_at <= $1::timestamptz - make_interval(secs => bucket.after_ms / 1000.0)
        AND t.published_at > $1::timestamptz
                             - make_interval(secs => (bucket.after_ms + bucket.window_ms) / 1000.0)
       JOIN social_accounts a ON a.id = t.social_account_id
       WHERE a.platform::text = ANY($2::text[])
         AND t.external_id IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM metric_snapshots s
                         WHERE s.target_id = t.id AND s.bucket = bucket.name)
         -- A fetch already queued, running, or failed for good (left for the admin pages).
         AND NOT EXISTS (SELECT 1 FROM graphile_worker._private_jobs j
                         WHERE j.key = 'metrics:' || t.id || ':' || bucket.name)
       ORDER BY t.published_at
       LIMIT $6)
     SELECT count(graphile_worker.add_job(
              identifier => $7::text,
              payload => json_build_object('targetId', due.id, 'bucket', due.bucket),
              max_attempts => $8::int,
              job_key => 'metrics:' || due.id || ':' || due.bucket,
              job_key_mode => 'unsafe_dedupe'))::int AS enqueued
     FROM due`,
    values: [
      q.now,
      [...q.platforms],
      q.buckets.map((b) => b.name),
      q.buckets.map((b) => b.afterMs),
      q.buckets.map((b) => b.windowMs),
      q.limit,
      q.task,
      q.maxAttempts,
      q.publishedStatus,
    ],
  });
  return rows[0]?.enqueued ?? 0;
}
