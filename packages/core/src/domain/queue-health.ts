// How healthy an organization's publishing queue is, from counts the service gathers: pure
// rules, so the dashboard, alerts and tests agree on what "unhealthy" means.

/** A scheduled target this long past its time has waited too long for a worker. */
export const OVERDUE_AFTER_MS = 60_000;

/** Attempts in this window make the performance figures. */
export const PERFORMANCE_WINDOW_MS = 60 * 60_000;

/** Below this share of successful attempts (with enough of them) the queue is degraded. */
const HEALTHY_SUCCESS_RATE = 0.9;
const MIN_ATTEMPTS_FOR_RATE = 5;

export interface QueueCounts {
  /** Scheduled, not yet started. */
  pending: number;
  /** Pending and more than OVERDUE_AFTER_MS past their time. */
  overdue: number;
  /** On a platform right now. */
  processing: number;
  failed: number;
  /** Published or not: a person must check. */
  unconfirmed: number;
}

export interface QueuePerformance {
  /** Attempts that finished in the window. */
  finished: number;
  succeeded: number;
  /** Mean attempt duration in seconds, null without attempts. */
  averageSeconds: number | null;
}

export type QueueHealthStatus = 'healthy' | 'degraded' | 'unhealthy';

export interface QueueHealthVerdict {
  status: QueueHealthStatus;
  /** Share of finished attempts that succeeded, 0–1; null without attempts. */
  successRate: number | null;
  /** Finished attempts per minute over the window. */
  jobsPerMinute: number;
  /** Sentences saying why the status is not healthy. */
  reasons: string[];
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function judgeQueueHealth(
  counts: QueueCounts,
  performance: QueuePerformance,
): QueueHealthVerdict {
  const successRate =
    performance.finished > 0 ? performance.succeeded / performance.finished : null;
  const jobsPerMinute = performance.finished / (PERFORMANCE_WINDOW_MS / 60_000);
  const unhealthy: string[] = [];
  const degraded: string[] = [];
  if (counts.overdue > 0) {
    unhealthy.push(
      `${plural(counts.overdue, 'post is', 'posts are')} more than a minute overdue: the workers are not keeping up, or not running.`,
    );
  }
  if (counts.unconfirmed > 0) {
    degraded.push(
      `${plural(counts.unconfirmed, 'post needs', 'posts need')} a check: Herald could not confirm whether it was published.`,
    );
  }
  if (
    successRate !== null &&
    performance.finished >= MIN_ATTEMPTS_FOR_RATE &&
    successRate < HEALTHY_SUCCESS_RATE
  ) {
    degraded.push(
      `Only ${Math.round(successRate * 100)}% of publish attempts in the last hour succeeded.`,
    );
  }
  const status: QueueHealthStatus =
    unhealthy.length > 0 ? 'unhealthy' : degraded.length > 0 ? 'degraded' : 'healthy';
  return { status, successRate, jobsPerMinute, reasons: [...unhealthy, ...degraded] };
}

/** The history chart: this many buckets of this size, the last one holding `now`. */
export const HISTORY_BUCKET_MS = 60 * 60_000;
export const HISTORY_BUCKETS = 12;

export interface HistoryBucket {
  /** The bucket's start. */
  start: Date;
  succeeded: number;
  /** Finished attempts that did not succeed (retryable, permanent, ambiguous…). */
  failed: number;
  averageSeconds: number | null;
}

/** Where the history starts: the start of the bucket `count - 1` buckets before `now`'s. */
export function historyStart(now: Date, bucketMs = HISTORY_BUCKET_MS, count = HISTORY_BUCKETS) {
  const current = Math.floor(now.getTime() / bucketMs) * bucketMs;
  return new Date(current - (count - 1) * bucketMs);
}

/**
 * Every bucket from historyStart to now's, in order, quiet ones as zeros: a chart that skips
 * empty hours would draw a busy morning next to a busy evening.
 */
export function fillHistory(
  rows: readonly {
    startMs: number;
    finished: number;
    succeeded: number;
    averageSeconds: number | null;
  }[],
  now: Date,
  bucketMs = HISTORY_BUCKET_MS,
  count = HISTORY_BUCKETS,
): HistoryBucket[] {
  const first = historyStart(now, bucketMs, count).getTime();
  const byStart = new Map(rows.map((row) => [row.startMs, row]));
  return Array.from({ length: count }, (_, i) => {
    const start = first + i * bucketMs;
    const row = byStart.get(start);
    return {
      start: new Date(start),
      succeeded: row?.succeeded ?? 0,
      failed: row ? row.finished - row.succeeded : 0,
      averageSeconds: row?.averageSeconds ?? null,
    };
  });
}
