// What to do after a failed publish attempt. Attempts are counted in our own tables (the
// queue's attempt counter restarts with every job we enqueue).
import type { PublishErrorKind } from './publish-error-kind.ts';

/** Delays after attempt 1, 2 and 3; attempt 4 is the last. */
export const RETRY_DELAYS_MS = [5 * 60_000, 15 * 60_000, 30 * 60_000] as const;
export const MAX_PUBLISH_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

export type FailureDecision =
  | { action: 'retry'; at: Date }
  | { action: 'fail'; reason: 'auth' | 'permanent' | 'exhausted' }
  | { action: 'hold' };

export function decideAfterFailure(input: {
  kind: PublishErrorKind;
  /** The attempt that just failed, counting from 1. */
  attempt: number;
  now: Date;
  /** When the platform says we may try again (rate limits). */
  retryAt?: Date;
  /** The waits after each failed attempt; the attempt after the last wait is the last one. */
  delaysMs?: readonly number[];
}): FailureDecision {
  const delays = input.delaysMs ?? RETRY_DELAYS_MS;
  switch (input.kind) {
    case 'auth':
      return { action: 'fail', reason: 'auth' };
    case 'permanent':
      return { action: 'fail', reason: 'permanent' };
    case 'ambiguous':
      // The platform may have published it: never retry blind.
      return { action: 'hold' };
    case 'retryable':
    case 'rate_limited': {
      if (input.attempt >= delays.length + 1) return { action: 'fail', reason: 'exhausted' };
      const delay = delays[Math.max(0, input.attempt - 1)] ?? delays.at(-1) ?? 0;
      const backoff = new Date(input.now.getTime() + delay);
      const at = input.retryAt && input.retryAt > backoff ? input.retryAt : backoff;
      return { action: 'retry', at };
    }
  }
}
