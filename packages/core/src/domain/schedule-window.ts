// Which instants a post may be scheduled for. Checked at the API's edge and again by the
// services, so no caller can queue a job Postgres or the worker cannot handle.

/** How far in the past a requested time may be (a "publish now" from a slow browser). */
export const PAST_GRACE_MS = 60_000;
/** How far ahead a post may be scheduled: two years (of 366 days, so a leap year never bites). */
export const MAX_SCHEDULE_AHEAD_MS = 2 * 366 * 24 * 60 * 60 * 1000;

/** Why `at` cannot be a publishing time as of `now`, as a sentence; null when it can. */
export function scheduleTimeProblem(at: Date, now: Date): string | null {
  if (Number.isNaN(at.getTime())) return 'That is not a valid date and time.';
  if (at.getTime() < now.getTime() - PAST_GRACE_MS) {
    return 'That time has already passed. Pick a time in the future.';
  }
  if (at.getTime() > now.getTime() + MAX_SCHEDULE_AHEAD_MS) {
    return 'Posts can be scheduled at most two years ahead. Pick an earlier date.';
  }
  return null;
}
