import { describe, expect, it } from 'vitest';
import {
  InvalidTransitionError,
  isSettled,
  nextTargetStatus,
  TARGET_STATUSES,
  derivePostStatus,
  statusesAllowing,
  TARGET_EVENTS,
  transitionTarget,
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

  it('puts a retryable failure back on the schedule, and sends an ambiguous one to reconcile', () => {
    expect(transitionTarget('publishing', 'retry')).toBe('scheduled');
    expect(transitionTarget('publishing', 'ambiguous')).toBe('reconciling');
    expect(transitionTarget('publishing', 'fail')).toBe('failed');
  });

  it('settles a reconciling target by what the platform says, or parks it for a person', () => {
    expect(transitionTarget('reconciling', 'succeed')).toBe('published');
    expect(transitionTarget('reconciling', 'retry')).toBe('scheduled');
    expect(transitionTarget('reconciling', 'fail')).toBe('failed');
    expect(transitionTarget('reconciling', 'unresolved')).toBe('unconfirmed');
    // Nobody may cancel or re-run what may already be live.
    for (const event of ['start', 'cancel', 'reschedule', 'retry_by_hand', 'hold'] as const) {
      expect(nextTargetStatus('reconciling', event)).toBeNull();
    }
    for (const status of TARGET_STATUSES.filter((s) => s !== 'reconciling')) {
      expect(nextTargetStatus(status, 'unresolved')).toBeNull();
    }
  });

  it('holds a due or running target while its account needs a person, and resumes it', () => {
    expect(transitionTarget('scheduled', 'hold')).toBe('waiting_for_account');
    expect(transitionTarget('publishing', 'hold')).toBe('waiting_for_account');
    expect(transitionTarget('waiting_for_account', 'resume')).toBe('scheduled');
    expect(transitionTarget('waiting_for_account', 'cancel')).toBe('cancelled');
    expect(nextTargetStatus('waiting_for_account', 'start')).toBeNull();
    for (const status of TARGET_STATUSES.filter((s) => s !== 'waiting_for_account')) {
      expect(nextTargetStatus(status, 'resume')).toBeNull();
    }
    expect(() => transitionTarget('failed', 'hold')).toThrow('A failed target cannot hold.');
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
    for (const event of TARGET_EVENTS) {
      expect(nextTargetStatus('published', event)).toBeNull();
      expect(nextTargetStatus('cancelled', event)).toBeNull();
    }
  });

  it('lets a person retry a failed or unconfirmed target, and settle an unconfirmed one', () => {
    expect(transitionTarget('failed', 'retry_by_hand')).toBe('scheduled');
    expect(transitionTarget('unconfirmed', 'retry_by_hand')).toBe('scheduled');
    expect(transitionTarget('unconfirmed', 'confirm_published')).toBe('published');
    expect(transitionTarget('unconfirmed', 'confirm_failed')).toBe('failed');
    for (const status of ['scheduled', 'publishing', 'published', 'cancelled'] as const) {
      expect(nextTargetStatus(status, 'retry_by_hand')).toBeNull();
    }
    for (const status of ['scheduled', 'publishing', 'published', 'failed'] as const) {
      expect(nextTargetStatus(status, 'confirm_published')).toBeNull();
      expect(nextTargetStatus(status, 'confirm_failed')).toBeNull();
    }
    expect(() => transitionTarget('published', 'retry_by_hand')).toThrow(
      'A published target cannot retry_by_hand.',
    );
  });

  it('takes a scheduled target off the queue as a draft, and schedules a draft again', () => {
    expect(transitionTarget('scheduled', 'unschedule')).toBe('draft');
    expect(transitionTarget('draft', 'schedule')).toBe('scheduled');
    // A draft's proposed time can change without queueing it, and a draft can be dropped.
    expect(transitionTarget('draft', 'reschedule')).toBe('draft');
    expect(transitionTarget('draft', 'cancel')).toBe('cancelled');
    expect(isSettled('draft')).toBe(true);
  });

  it('unschedules only a scheduled target, and schedules only a draft', () => {
    for (const status of TARGET_STATUSES) {
      expect(nextTargetStatus(status, 'unschedule') !== null).toBe(status === 'scheduled');
      expect(nextTargetStatus(status, 'schedule') !== null).toBe(status === 'draft');
    }
    // What may already be on the platform never becomes a draft.
    expect(() => transitionTarget('publishing', 'unschedule')).toThrow(
      'A publishing target cannot unschedule.',
    );
    expect(() => transitionTarget('published', 'schedule')).toThrow(InvalidTransitionError);
  });

  it('never starts, retries or settles a draft: nothing runs until it is scheduled', () => {
    const allowed = TARGET_EVENTS.filter((event) => nextTargetStatus('draft', event) !== null);
    expect(allowed.sort()).toEqual(['cancel', 'reschedule', 'schedule']);
  });
});

describe('quota deferral', () => {
  it('puts a target that would exceed a quota back on the schedule, from publishing only', () => {
    expect(transitionTarget('publishing', 'defer')).toBe('scheduled');
    expect(statusesAllowing('defer')).toEqual(['publishing']);
  });
});

describe('statusesAllowing', () => {
  it('lists exactly the statuses an event may leave from', () => {
    expect(statusesAllowing('succeed')).toEqual(['publishing', 'reconciling']);
    expect(statusesAllowing('start')).toEqual(['scheduled']);
    for (const event of TARGET_EVENTS) {
      for (const status of TARGET_STATUSES) {
        expect(statusesAllowing(event).includes(status)).toBe(
          nextTargetStatus(status, event) !== null,
        );
      }
    }
  });
});

describe('derivePostStatus', () => {
  it.each([
    [['scheduled', 'scheduled'], 'scheduled'],
    [['published', 'publishing'], 'publishing'],
    [['published', 'reconciling'], 'publishing'],
    [['waiting_for_account', 'published'], 'waiting_for_account'],
    [['waiting_for_account', 'unconfirmed'], 'needs_check'],
    [['published', 'unconfirmed', 'failed'], 'needs_check'],
    [['published', 'published', 'cancelled'], 'published'],
    [['published', 'scheduled'], 'scheduled'],
    [['published', 'failed'], 'partially_published'],
    [['failed', 'cancelled'], 'failed'],
    [['cancelled'], 'cancelled'],
    [['draft', 'draft'], 'draft'],
    [['draft', 'scheduled'], 'scheduled'],
    [['draft', 'failed'], 'draft'],
    [['draft', 'cancelled'], 'draft'],
    [['draft', 'unconfirmed'], 'needs_check'],
    [[], 'cancelled'],
  ] as const)('%j is %s', (statuses, expected) => {
    expect(derivePostStatus(statuses)).toBe(expected);
  });
});
