// Pure rules of the admin queue pages (docs/decisions/0023): whether a worker pool is alive,
// judged from its last heartbeat, and what counts as a reason for an admin action.

/** `unknown`: the pool left no heartbeat (it stopped cleanly, or never beat). */
export type PoolLiveness = 'alive' | 'stale' | 'unknown';

export interface PoolHealth {
  liveness: PoolLiveness;
  /** Seconds since the last beat; null without one. */
  beatAgeSeconds: number | null;
}

/** A pool is alive while its last beat is younger than `deadAfterMs`. */
export function judgePool(lastBeatAt: Date | null, now: Date, deadAfterMs: number): PoolHealth {
  if (!lastBeatAt) return { liveness: 'unknown', beatAgeSeconds: null };
  const ageMs = now.getTime() - lastBeatAt.getTime();
  return {
    liveness: ageMs < deadAfterMs ? 'alive' : 'stale',
    beatAgeSeconds: Math.max(0, Math.floor(ageMs / 1000)),
  };
}

/** The shortest reason the audit log accepts, once trimmed. */
export const MIN_ADMIN_REASON_LENGTH = 5;
export const MAX_ADMIN_REASON_LENGTH = 500;

/** The trimmed reason, or the sentence saying what is wrong with it. */
export function checkAdminReason(
  reason: string,
): { ok: true; reason: string } | { ok: false; message: string } {
  const trimmed = reason.trim();
  if (trimmed.length < MIN_ADMIN_REASON_LENGTH) {
    return {
      ok: false,
      message: `Say why in a few words (at least ${MIN_ADMIN_REASON_LENGTH} characters): the audit log keeps the reason.`,
    };
  }
  if (trimmed.length > MAX_ADMIN_REASON_LENGTH) {
    return {
      ok: false,
      message: `Keep the reason under ${MAX_ADMIN_REASON_LENGTH} characters.`,
    };
  }
  return { ok: true, reason: trimmed };
}
