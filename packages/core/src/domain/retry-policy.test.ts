import { describe, expect, it } from 'vitest';
import { decideAfterFailure, MAX_PUBLISH_ATTEMPTS } from './retry-policy.ts';

const now = new Date('2026-05-01T12:00:00Z');
const minutesLater = (m: number) => new Date(now.getTime() + m * 60_000);

describe('decideAfterFailure', () => {
  it('backs off 5, 15 then 30 minutes, then gives up', () => {
    expect(decideAfterFailure({ kind: 'retryable', attempt: 1, now })).toEqual({
      action: 'retry',
      at: minutesLater(5),
    });
    expect(decideAfterFailure({ kind: 'retryable', attempt: 2, now })).toEqual({
      action: 'retry',
      at: minutesLater(15),
    });
    expect(decideAfterFailure({ kind: 'retryable', attempt: 3, now })).toEqual({
      action: 'retry',
      at: minutesLater(30),
    });
    expect(decideAfterFailure({ kind: 'retryable', attempt: MAX_PUBLISH_ATTEMPTS, now })).toEqual({
      action: 'fail',
      reason: 'exhausted',
    });
  });

  it('takes other waits when an operator sets them, and as many attempts as waits + 1', () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const delaysMs = [100, 200];
    expect(decideAfterFailure({ kind: 'retryable', attempt: 1, now, delaysMs })).toEqual({
      action: 'retry',
      at: new Date(now.getTime() + 100),
    });
    expect(decideAfterFailure({ kind: 'retryable', attempt: 2, now, delaysMs })).toEqual({
      action: 'retry',
      at: new Date(now.getTime() + 200),
    });
    expect(decideAfterFailure({ kind: 'retryable', attempt: 3, now, delaysMs })).toEqual({
      action: 'fail',
      reason: 'exhausted',
    });
  });

  it("waits for the platform's reset time when it is later than the backoff", () => {
    expect(
      decideAfterFailure({ kind: 'rate_limited', attempt: 1, now, retryAt: minutesLater(60) }),
    ).toEqual({
      action: 'retry',
      at: minutesLater(60),
    });
    expect(
      decideAfterFailure({ kind: 'rate_limited', attempt: 1, now, retryAt: minutesLater(1) }),
    ).toEqual({
      action: 'retry',
      at: minutesLater(5),
    });
  });

  it('stops for a human on auth and permanent errors, and never retries an ambiguous one', () => {
    expect(decideAfterFailure({ kind: 'auth', attempt: 1, now })).toEqual({
      action: 'fail',
      reason: 'auth',
    });
    expect(decideAfterFailure({ kind: 'permanent', attempt: 1, now })).toEqual({
      action: 'fail',
      reason: 'permanent',
    });
    expect(decideAfterFailure({ kind: 'ambiguous', attempt: 1, now })).toEqual({ action: 'hold' });
  });
});
