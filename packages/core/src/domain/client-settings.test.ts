import { describe, expect, it } from 'vitest';
import {
  clientNameProblem,
  normalizeTimeZone,
  timeZoneChoices,
  timeZoneProblem,
} from './client-settings.ts';

describe('client settings', () => {
  it('wants a name a person can read, not blank and not a paragraph', () => {
    expect(clientNameProblem('  Fjord Outdoor ')).toBeNull();
    expect(clientNameProblem('   ')).toBe('Give the client a name.');
    expect(clientNameProblem('x'.repeat(121))).toMatch(/121 characters; keep it to 120/);
  });

  it('takes IANA zones, spelled any case, and refuses offsets and inventions', () => {
    expect(normalizeTimeZone('Europe/Oslo')).toBe('Europe/Oslo');
    expect(normalizeTimeZone(' europe/oslo ')).toBe('Europe/Oslo');
    expect(normalizeTimeZone('UTC')).toBe('UTC');
    expect(normalizeTimeZone('+01:00')).toBeNull();
    expect(normalizeTimeZone('Mars/Olympus_Mons')).toBeNull();
    expect(timeZoneProblem('Mars/Olympus_Mons')).toBe(
      '“Mars/Olympus_Mons” is not a timezone Herald knows. Pick one from the list, such as Europe/Oslo.',
    );
    expect(timeZoneProblem('')).toBe('Pick the client’s timezone.');
  });

  it('lists every zone with its offset at the given moment, daylight saving included', () => {
    const winter = timeZoneChoices(new Date('2026-01-15T12:00:00Z'));
    const summer = timeZoneChoices(new Date('2026-07-15T12:00:00Z'));
    const oslo = (list: typeof winter) => list.find((c) => c.value === 'Europe/Oslo')?.label;
    expect(oslo(winter)).toMatch(/^Europe\/Oslo \(.*UTC\+1\)?\)$/);
    expect(oslo(summer)).toMatch(/^Europe\/Oslo \(.*UTC\+2\)?\)$/);
    expect(winter[0]).toEqual({ value: 'UTC', label: 'UTC (UTC+0)' });
    expect(winter.find((c) => c.value === 'America/New_York')?.label).toBe(
      'America/New York (EST (UTC−5))',
    );
  });
});
