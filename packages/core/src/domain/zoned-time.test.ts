import { describe, expect, it } from 'vitest';
import { fromZonedLocal, isValidTimeZone, LocalTimeError, toZonedLocal } from './zoned-time.ts';

describe('fromZonedLocal', () => {
  it('reads a wall-clock time in the given zone', () => {
    expect(fromZonedLocal('2026-01-15T09:30', 'America/New_York').toISOString()).toBe(
      '2026-01-15T14:30:00.000Z',
    );
    expect(fromZonedLocal('2026-07-15T09:30', 'America/New_York').toISOString()).toBe(
      '2026-07-15T13:30:00.000Z',
    );
    expect(fromZonedLocal('2026-07-15T09:30:15', 'Europe/Oslo').toISOString()).toBe(
      '2026-07-15T07:30:15.000Z',
    );
    expect(fromZonedLocal('2026-07-15T09:30', 'Asia/Kolkata').toISOString()).toBe(
      '2026-07-15T04:00:00.000Z',
    );
    expect(fromZonedLocal('2026-07-15T09:30', 'UTC').toISOString()).toBe(
      '2026-07-15T09:30:00.000Z',
    );
  });

  it('refuses a time the clocks skip when DST starts', () => {
    // 2026-03-08 02:00 -> 03:00 in New York.
    expect(() => fromZonedLocal('2026-03-08T02:30', 'America/New_York')).toThrow(/does not exist/);
    expect(fromZonedLocal('2026-03-08T03:30', 'America/New_York').toISOString()).toBe(
      '2026-03-08T07:30:00.000Z',
    );
  });

  it('takes the first of the two instants when DST ends', () => {
    // 2026-11-01 01:30 happens twice in New York: EDT (05:30Z) then EST (06:30Z).
    expect(fromZonedLocal('2026-11-01T01:30', 'America/New_York').toISOString()).toBe(
      '2026-11-01T05:30:00.000Z',
    );
  });

  it('explains bad input', () => {
    expect(() => fromZonedLocal('tomorrow 9am', 'UTC')).toThrow(LocalTimeError);
    expect(() => fromZonedLocal('2026-02-30T10:00', 'UTC')).toThrow(/not a real date/);
    expect(() => fromZonedLocal('2026-02-10T10:00', 'Mars/Olympus')).toThrow(/Unknown timezone/);
  });
});

describe('toZonedLocal', () => {
  it('is the inverse of fromZonedLocal', () => {
    const instant = fromZonedLocal('2026-12-24T18:05:09', 'Europe/Oslo');
    expect(toZonedLocal(instant, 'Europe/Oslo')).toBe('2026-12-24T18:05:09');
    expect(toZonedLocal(new Date('2026-06-01T00:00:00Z'), 'America/New_York')).toBe(
      '2026-05-31T20:00:00',
    );
  });

  it('knows real zones', () => {
    expect(isValidTimeZone('Europe/Oslo')).toBe(true);
    expect(isValidTimeZone('Nowhere/Special')).toBe(false);
  });
});
