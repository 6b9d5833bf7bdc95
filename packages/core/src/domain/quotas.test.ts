import { describe, expect, it } from 'vitest';
import { quotaDecision, quotaForecastForDay, quotaWindows } from './quotas.ts';

const HOUR = 3_600_000;
const at = (iso: string) => new Date(iso);
/** `n` instants, `gapMs` apart, from `first`. */
const series = (first: string, n: number, gapMs: number) =>
  Array.from({ length: n }, (_, i) => new Date(at(first).getTime() + i * gapMs));

describe('quotaDecision: rolling windows', () => {
  const full = series('2030-05-01T10:00:00Z', 25, 60_000); // Instagram's 25 in 24 h

  it('refuses one more until the oldest counted post leaves the window, to the millisecond', () => {
    const now = at('2030-05-02T09:59:59.999Z');
    const decision = quotaDecision({
      platform: 'instagram',
      accountHandle: '@cafe',
      counted: full,
      now,
    });
    expect(decision).toMatchObject({ allowed: false, at: at('2030-05-02T10:00:00Z') });
    expect(decision.allowed === false && decision.message).toBe(
      'Instagram allows 25 posts per 24 hours on @cafe; the next one can go out at 2030-05-02 10:00 UTC, and Herald will post it then.',
    );
    const exactly = at('2030-05-02T10:00:00Z');
    expect(
      quotaDecision({ platform: 'instagram', accountHandle: '@cafe', counted: full, now: exactly }),
    ).toEqual({ allowed: true });
  });

  it('allows anything on a platform without a known cap', () => {
    const many = series('2030-05-01T10:00:00Z', 500, 1_000);
    expect(
      quotaDecision({
        platform: 'facebook',
        accountHandle: 'Page',
        counted: many,
        now: at('2030-05-01T10:10:00Z'),
      }),
    ).toEqual({ allowed: true });
  });

  it("trusts the platform's reported usage and cap over our own count", () => {
    const reported = { used: 50, cap: 50, durationMs: 24 * HOUR };
    const counted = series('2030-05-01T08:00:00Z', 3, HOUR);
    const now = at('2030-05-01T20:00:00Z');
    expect(quotaWindows('instagram', reported)).toEqual([
      { kind: 'rolling', cap: 50, durationMs: 24 * HOUR, label: '50 posts per 24 hours' },
    ]);
    // It counts 50; we know 3. Ours are the oldest we can name, so the slot opens as they leave.
    expect(
      quotaDecision({ platform: 'instagram', accountHandle: '@cafe', counted, now, reported }),
    ).toMatchObject({
      allowed: false,
      at: at('2030-05-02T08:00:00Z'),
    });
    // Without our own record of any, the whole window has to pass.
    expect(
      quotaDecision({ platform: 'instagram', accountHandle: '@cafe', counted: [], now, reported }),
    ).toMatchObject({
      allowed: false,
      at: at('2030-05-02T20:00:00Z'),
    });
    expect(
      quotaDecision({
        platform: 'instagram',
        accountHandle: '@cafe',
        counted,
        now,
        reported: { ...reported, used: 49 },
      }),
    ).toEqual({ allowed: true });
  });

  it('waits for every window when there are several', () => {
    // A reported 1-hour window of 5 beside Instagram's 24-hour one of 25.
    const reported = { used: 0, cap: 5, durationMs: HOUR };
    const counted = [
      ...series('2030-05-01T00:00:00Z', 20, 60_000),
      ...series('2030-05-01T23:30:00Z', 5, 60_000),
    ];
    const now = at('2030-05-01T23:40:00Z');
    // The day frees at 00:00 (the first post leaves), the hour only at 00:30.
    expect(
      quotaDecision({ platform: 'instagram', accountHandle: '@cafe', counted, now, reported }),
    ).toMatchObject({
      allowed: false,
      at: at('2030-05-02T00:30:00Z'),
    });
  });
});

describe('quotaDecision: calendar days', () => {
  it('reopens LinkedIn at the next UTC midnight, across month ends and leap days', () => {
    for (const [day, next] of [
      ['2030-01-31', '2030-02-01'],
      ['2028-02-28', '2028-02-29'],
      ['2030-02-28', '2030-03-01'],
      ['2030-12-31', '2031-01-01'],
    ] as const) {
      const counted = series(`${day}T00:05:00Z`, 100, 60_000);
      const decision = quotaDecision({
        platform: 'linkedin',
        accountHandle: 'Acme',
        counted,
        now: at(`${day}T23:00:00Z`),
      });
      expect(decision).toMatchObject({ allowed: false, at: at(`${next}T00:00:00Z`) });
    }
  });

  it('reopens YouTube at Pacific midnight on DST days (23- and 25-hour days)', () => {
    const spring = series('2030-03-10T09:00:00Z', 100, 60_000); // 2030-03-10 is 23 h long in LA
    expect(
      quotaDecision({
        platform: 'youtube',
        accountHandle: 'Chan',
        counted: spring,
        now: at('2030-03-11T06:30:00Z'),
      }),
    ).toMatchObject({
      allowed: false,
      at: at('2030-03-11T07:00:00Z'),
    });
    const fall = series('2030-11-03T08:00:00Z', 100, 60_000); // 25 h long
    expect(
      quotaDecision({
        platform: 'youtube',
        accountHandle: 'Chan',
        counted: fall,
        now: at('2030-11-04T07:30:00Z'),
      }),
    ).toMatchObject({
      allowed: false,
      at: at('2030-11-04T08:00:00Z'),
    });
  });
});

describe('quotaForecastForDay', () => {
  const now = at('2030-05-01T00:00:00Z');

  it('counts what is left of a daily cap after published and scheduled posts', () => {
    expect(
      quotaForecastForDay({
        platform: 'linkedin',
        day: '2030-05-03',
        timeZone: 'UTC',
        counted: [],
        scheduled: series('2030-05-03T09:00:00Z', 90, 60_000),
        now,
      }),
    ).toBe(10);
  });

  it('follows a rolling window that straddles the day: room opens as yesterday evening leaves', () => {
    // 20 Instagram posts at 22:00 the evening before: 5 fit at once, 20 more after 22:00.
    expect(
      quotaForecastForDay({
        platform: 'instagram',
        day: '2030-05-03',
        timeZone: 'UTC',
        counted: series('2030-05-02T22:00:00Z', 20, 0),
        scheduled: [],
        now,
      }),
    ).toBe(25);
  });

  it('never lets an extra post push a scheduled one over the limit', () => {
    // 24 scheduled at 23:00: only one more fits anywhere that day (and not at 00:00 tomorrow).
    expect(
      quotaForecastForDay({
        platform: 'instagram',
        day: '2030-05-03',
        timeZone: 'UTC',
        counted: [],
        scheduled: series('2030-05-03T23:00:00Z', 24, 0),
        now,
      }),
    ).toBe(1);
  });

  it("uses the viewer's local day, DST included, against a daily cap kept in another zone", () => {
    // A 23-hour Oslo day against LinkedIn's UTC days: it spans two UTC days, 100 each.
    expect(
      quotaForecastForDay({
        platform: 'linkedin',
        day: '2030-03-31',
        timeZone: 'Europe/Oslo',
        counted: [],
        scheduled: [],
        now: at('2030-01-01T00:00:00Z'),
      }),
    ).toBe(200);
  });

  it('is null where Herald knows no cap', () => {
    expect(
      quotaForecastForDay({
        platform: 'facebook',
        day: '2030-05-03',
        timeZone: 'UTC',
        counted: [],
        scheduled: [],
        now,
      }),
    ).toBeNull();
  });
});
