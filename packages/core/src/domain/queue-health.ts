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
