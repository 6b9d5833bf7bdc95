import { describe, expect, it } from 'vitest';
import {
  describeZoneOffset,
  fromZonedLocal,
  isValidTimeZone,
  LocalTimeError,
  nextDay,
  resolveZonedLocal,
  startOfZonedDay,
  toZonedLocal,
  zonedDay,
} from './zoned-time.ts';

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

  it('reads years 0001–0999 as those years, not as 19xx', () => {
    expect(fromZonedLocal('0202-11-23T10:00', 'UTC').toISOString()).toBe(
      '0202-11-23T10:00:00.000Z',
    );
    expect(fromZonedLocal('0050-06-01T00:00', 'UTC').toISOString()).toBe(
      '0050-06-01T00:00:00.000Z',
    );
    // New York kept local mean time then: 4 h 56 min 2 s behind UTC.
    expect(fromZonedLocal('0999-01-01T00:00', 'America/New_York').toISOString()).toBe(
      '0999-01-01T04:56:02.000Z',
    );
    expect(() => fromZonedLocal('0000-01-01T00:00', 'UTC')).toThrow(LocalTimeError);
  });

  it('explains bad input', () => {
    expect(() => fromZonedLocal('tomorrow 9am', 'UTC')).toThrow(LocalTimeError);
    expect(() => fromZonedLocal('2026-02-30T10:00', 'UTC')).toThrow(
      '2026-02-30 10:00 is not a real date.',
    );
    expect(() => fromZonedLocal('2026-02-10T10:00', 'Mars/Olympus')).toThrow(
      'Unknown timezone "Mars/Olympus".',
    );
  });
});

describe('resolveZonedLocal', () => {
  it('finds both instants of a time that happens twice when clocks fall back', () => {
    // 2027-11-07 01:30 happens twice in New York: EDT (05:30Z), then EST (06:30Z).
    const resolved = resolveZonedLocal('2027-11-07T01:30', 'America/New_York');
    expect(resolved).toEqual({
      kind: 'ambiguous',
      earlier: new Date('2027-11-07T05:30:00Z'),
      later: new Date('2027-11-07T06:30:00Z'),
    });
    // Oslo falls back at 03:00 CEST to 02:00 CET.
    expect(resolveZonedLocal('2027-10-31T02:15', 'Europe/Oslo')).toEqual({
      kind: 'ambiguous',
      earlier: new Date('2027-10-31T00:15:00Z'),
      later: new Date('2027-10-31T01:15:00Z'),
    });
  });

  it('says a time the clocks skip does not exist, and by how much they jump', () => {
    expect(resolveZonedLocal('2027-03-14T02:30', 'America/New_York')).toEqual({
      kind: 'skipped',
      message:
        '2027-03-14 02:30 does not exist in America/New_York: the clocks go forward 1 hour then. Pick another time.',
    });
    // Lord Howe Island moves its clocks by half an hour.
    const lordHowe = resolveZonedLocal('2027-10-03T02:15', 'Australia/Lord_Howe');
    expect(lordHowe.kind === 'skipped' && lordHowe.message).toMatch(
      /forward 30 minutes then\. Pick another time\.$/,
    );
  });

  it('gives one instant for ordinary times, either side of a DST change', () => {
    expect(resolveZonedLocal('2027-11-07T00:59:59', 'America/New_York')).toEqual({
      kind: 'exact',
      instant: new Date('2027-11-07T04:59:59Z'),
    });
    expect(resolveZonedLocal('2027-11-07T02:00', 'America/New_York')).toEqual({
      kind: 'exact',
      instant: new Date('2027-11-07T07:00:00Z'),
    });
    expect(resolveZonedLocal('2027-03-14T03:00', 'America/New_York')).toEqual({
      kind: 'exact',
      instant: new Date('2027-03-14T07:00:00Z'),
    });
  });
});

describe('describeZoneOffset', () => {
  it('names the offset the way people tell the two readings apart', () => {
    expect(describeZoneOffset(new Date('2027-11-07T05:30:00Z'), 'America/New_York')).toBe(
      'EDT (UTC\u22124)',
    );
    expect(describeZoneOffset(new Date('2027-11-07T06:30:00Z'), 'America/New_York')).toBe(
      'EST (UTC\u22125)',
    );
    expect(describeZoneOffset(new Date('2027-07-01T00:00:00Z'), 'Asia/Kolkata')).toBe('UTC+5:30');
    expect(describeZoneOffset(new Date('2027-07-01T00:00:00Z'), 'UTC')).toBe('UTC+0');
  });
});

describe('toZonedLocal', () => {
  it('writes years 0100–0999 with four digits, so they read back', () => {
    // A date input passes through 0202-11-23 while someone types 2027.
    for (const year of ['0100', '0202', '0999']) {
      const instant = fromZonedLocal(`${year}-11-23T10:00`, 'America/New_York');
      expect(toZonedLocal(instant, 'America/New_York')).toBe(`${year}-11-23T10:00:00`);
    }
    expect(toZonedLocal(new Date('0202-11-23T12:00:00Z'), 'UTC')).toBe('0202-11-23T12:00:00');
  });

  it('refuses an invalid instant with a LocalTimeError, not a RangeError', () => {
    expect(() => toZonedLocal(new Date(Number.NaN), 'UTC')).toThrow(LocalTimeError);
  });

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

describe('local days', () => {
  it('starts a day at its midnight, on DST days too', () => {
    // Oslo: 2030-03-31 is 23 hours long, 2030-10-27 is 25.
    expect(startOfZonedDay('2030-03-31', 'Europe/Oslo').toISOString()).toBe(
      '2030-03-30T23:00:00.000Z',
    );
    expect(startOfZonedDay('2030-04-01', 'Europe/Oslo').toISOString()).toBe(
      '2030-03-31T22:00:00.000Z',
    );
    expect(
      startOfZonedDay('2030-10-28', 'Europe/Oslo').getTime() -
        startOfZonedDay('2030-10-27', 'Europe/Oslo').getTime(),
    ).toBe(25 * 3_600_000);
  });

  it('starts a day whose midnight is skipped when the clocks land', () => {
    // Santiago moved its clocks from 00:00 to 01:00 on 2024-09-08.
    expect(startOfZonedDay('2024-09-08', 'America/Santiago').toISOString()).toBe(
      '2024-09-08T04:00:00.000Z',
    );
  });

  it('walks across month and year ends, leap days included', () => {
    expect(nextDay('2030-01-31')).toBe('2030-02-01');
    expect(nextDay('2028-02-28')).toBe('2028-02-29');
    expect(nextDay('2030-02-28')).toBe('2030-03-01');
    expect(nextDay('2030-12-31')).toBe('2031-01-01');
    expect(zonedDay(new Date('2030-01-01T02:00:00Z'), 'America/Los_Angeles')).toBe('2029-12-31');
  });
});
