// The ages at which Herald photographs a published post's engagement. Each snapshot is taken
// once the age is reached, and only while it is still close to it (the window): a number read
// much later than its age would say something else, so a post published before metrics existed,
// or a snapshot missed while no worker ran, is left without one rather than mislabelled.
export const METRIC_BUCKETS = ['1h', '24h', '7d'] as const;
export type MetricBucket = (typeof METRIC_BUCKETS)[number];

const HOUR_MS = 60 * 60_000;

export const METRIC_BUCKET_TIMES: Record<MetricBucket, { afterMs: number; windowMs: number }> = {
  '1h': { afterMs: HOUR_MS, windowMs: HOUR_MS },
  '24h': { afterMs: 24 * HOUR_MS, windowMs: 6 * HOUR_MS },
  '7d': { afterMs: 7 * 24 * HOUR_MS, windowMs: 24 * HOUR_MS },
};

export const isMetricBucket = (value: string): value is MetricBucket =>
  (METRIC_BUCKETS as readonly string[]).includes(value);

/** When a bucket's snapshot is due for a post published at `publishedAt`, and until when. */
export function metricBucketWindow(
  bucket: MetricBucket,
  publishedAt: Date,
): { from: Date; until: Date } {
  const { afterMs, windowMs } = METRIC_BUCKET_TIMES[bucket];
  const from = publishedAt.getTime() + afterMs;
  return { from: new Date(from), until: new Date(from + windowMs) };
}

/** How many times a snapshot is tried before Herald stops asking the platform for that age. */
export const METRIC_FETCH_ATTEMPTS = 4;
