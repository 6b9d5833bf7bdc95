import { describe, expect, it } from 'vitest';
import { MAX_SCHEDULE_AHEAD_MS, PAST_GRACE_MS, scheduleTimeProblem } from './schedule-window.ts';

describe('scheduleTimeProblem', () => {
  const now = new Date('2026-11-23T12:00:00Z');
  const at = (offsetMs: number) => new Date(now.getTime() + offsetMs);

  it('accepts a time within the grace before now, and up to two years ahead', () => {
    expect(scheduleTimeProblem(at(-PAST_GRACE_MS), now)).toBeNull();
    expect(scheduleTimeProblem(at(MAX_SCHEDULE_AHEAD_MS), now)).toBeNull();
    expect(scheduleTimeProblem(new Date('2028-11-23T12:00:00Z'), now)).toBeNull();
  });

  it('refuses the past, beyond the horizon, and an invalid date, each with a sentence', () => {
    expect(scheduleTimeProblem(at(-PAST_GRACE_MS - 1), now)).toBe(
      'That time has already passed. Pick a time in the future.',
    );
    expect(scheduleTimeProblem(at(MAX_SCHEDULE_AHEAD_MS + 1), now)).toBe(
      'Posts can be scheduled at most two years ahead. Pick an earlier date.',
    );
    expect(scheduleTimeProblem(new Date('+010000-01-01T00:00:00Z'), now)).toMatch(/two years/);
    expect(scheduleTimeProblem(new Date(Number.NaN), now)).toBe(
      'That is not a valid date and time.',
    );
  });
});
