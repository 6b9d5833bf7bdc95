import { describe, expect, it } from 'vitest';
import { publishesNow, readZonedInput, suggestedStart, zonedInputValues } from './zoned-input.ts';

describe('readZonedInput', () => {
  it("reads the inputs as wall-clock time in the client's timezone", () => {
    const result = readZonedInput('2026-07-01', '09:30:15', 'America/New_York');
    expect(result).toEqual({ kind: 'ok', instant: new Date('2026-07-01T13:30:15Z') });
    expect(readZonedInput('2026-01-15', '09:30', 'Europe/Oslo')).toEqual({
      kind: 'ok',
      instant: new Date('2026-01-15T08:30:00Z'),
    });
  });

  it('explains a time the clocks skip instead of guessing', () => {
    const result = readZonedInput('2026-03-08', '02:30', 'America/New_York');
    expect(result.kind).toBe('invalid');
    expect(result.kind === 'invalid' && result.message).toMatch(
      /does not exist in America\/New_York/,
    );
  });

  it('takes a year still being typed as unfinished, without throwing', () => {
    // Typing 2027 into a date input passes through 0002, 0020 and 0202.
    for (const date of ['0002-11-23', '0020-11-23', '0202-11-23', '0999-11-23']) {
      expect(readZonedInput(date, '09:00', 'America/New_York')).toEqual({
        kind: 'incomplete',
        message: 'Finish typing the year, for example 2027.',
      });
    }
    expect(readZonedInput('2027-11-23', '09:00', 'America/New_York').kind).toBe('ok');
  });

  it('asks which one when the time happens twice, and reads the one picked', () => {
    const earlier = {
      occurrence: 'earlier',
      instant: new Date('2027-11-07T05:30:00Z'),
      label: '01:30 EDT (UTC\u22124)',
    };
    const later = {
      occurrence: 'later',
      instant: new Date('2027-11-07T06:30:00Z'),
      label: '01:30 EST (UTC\u22125)',
    };
    expect(readZonedInput('2027-11-07', '01:30', 'America/New_York')).toEqual({
      kind: 'ambiguous',
      choices: [earlier, later],
    });
    expect(readZonedInput('2027-11-07', '01:30', 'America/New_York', 'later')).toEqual({
      kind: 'ok',
      instant: later.instant,
      choices: [earlier, later],
    });
  });

  it('waits until both inputs have a value', () => {
    expect(readZonedInput('', '09:00', 'Europe/Oslo')).toEqual({ kind: 'empty' });
    expect(readZonedInput('2026-07-01', '', 'Europe/Oslo')).toEqual({ kind: 'empty' });
  });

  it('round-trips with zonedInputValues', () => {
    const instant = new Date('2026-10-25T00:59:59Z');
    const { date, time } = zonedInputValues(instant, 'Europe/Oslo');
    expect({ date, time }).toEqual({ date: '2026-10-25', time: '02:59:59' });
    // 02:59:59 happens twice in Oslo that night; this instant is the first of them.
    expect(readZonedInput(date, time, 'Europe/Oslo', 'earlier')).toMatchObject({
      kind: 'ok',
      instant,
    });
  });
});

describe('publishesNow', () => {
  const now = Date.parse('2027-01-10T12:00:00Z');
  it("is true for a time that just passed, within the server's minute of grace", () => {
    expect(publishesNow(new Date(now - 20_000), now)).toBe(true);
    expect(publishesNow(new Date(now), now)).toBe(true);
    expect(publishesNow(new Date(now + 1_000), now)).toBe(false);
    expect(publishesNow(new Date(now - 61_000), now)).toBe(false);
  });
});

describe('suggestedStart', () => {
  it("suggests whole minutes, five or so ahead, in the client's zone", () => {
    expect(suggestedStart(Date.parse('2027-01-10T12:00:30Z'), 'America/New_York')).toEqual({
      date: '2027-01-10',
      time: '07:06:00',
    });
  });
});
