import { describe, expect, it } from 'vitest';
import {
  InvalidTransitionError,
  isSettled,
  nextTargetStatus,
  TARGET_STATUSES,
  transitionTarget,
  type TargetEvent,
} from './target-status.ts';

describe('target status machine', () => {
  it('walks the happy path', () => {
    let s = transitionTarget('scheduled', 'start');
    expect(s).toBe('publishing');
    s = transitionTarget(s, 'succeed');
    expect(s).toBe('published');
    expect(isSettled(s)).toBe(true);
  });

  it('never publishes a target twice: nothing starts except a scheduled target', () => {
    for (const status of TARGET_STATUSES) {
      expect(nextTargetStatus(status, 'start') !== null).toBe(status === 'scheduled');
    }
  });

  it('puts a retryable failure back on the schedule, and parks an ambiguous one for a human', () => {
    expect(transitionTarget('publishing', 'retry')).toBe('scheduled');
    expect(transitionTarget('publishing', 'ambiguous')).toBe('unconfirmed');
    expect(transitionTarget('publishing', 'fail')).toBe('failed');
  });

  it('cancels and reschedules only what has not started', () => {
    expect(transitionTarget('scheduled', 'cancel')).toBe('cancelled');
    expect(transitionTarget('failed', 'reschedule')).toBe('scheduled');
    expect(() => transitionTarget('publishing', 'cancel')).toThrow(InvalidTransitionError);
    expect(() => transitionTarget('published', 'reschedule')).toThrow(
      'A published target cannot reschedule.',
    );
  });

  it('has no way out of published or cancelled', () => {
    const events: TargetEvent[] = [
      'start',
      'succeed',
      'retry',
      'fail',
      'ambiguous',
      'reschedule',
      'cancel',
    ];
    for (const event of events) {
      expect(nextTargetStatus('published', event)).toBeNull();
      expect(nextTargetStatus('cancelled', event)).toBeNull();
    }
  });
});
