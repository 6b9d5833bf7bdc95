// How many posts each platform lets one account publish, as data, and the window maths:
// when the next post may go out, and how many more fit on a given day. Caps come from
// seed 003's table and ../shared/reference/platform-apis.md; where a platform reports its own
// usage (Instagram's content_publishing_limit), that figure wins over our count.
import { PLATFORM_LABELS, type Platform } from './platforms.ts';
import { nextDay, startOfZonedDay, toZonedLocal, zonedDay } from './zoned-time.ts';

export type QuotaWindow =
  /** At most `cap` posts in any `durationMs` (e.g. X: 300 per 3 hours). */
  | { kind: 'rolling'; cap: number; durationMs: number; label: string }
  /** At most `cap` posts per local calendar day in `timeZone` (e.g. LinkedIn: UTC days). */
  | { kind: 'daily'; cap: number; timeZone: string; label: string };

const HOUR = 3_600_000;

export const PLATFORM_QUOTAS: Record<Platform, readonly QuotaWindow[]> = {
  // Pages have no post cap Meta documents; their rate limits come back as errors (code 32/80001).
  facebook: [],
  // 25 per 24 h is the documented floor; the account's own quota_total, when read, replaces it.
  instagram: [{ kind: 'rolling', cap: 25, durationMs: 24 * HOUR, label: '25 posts per 24 hours' }],
  x: [{ kind: 'rolling', cap: 300, durationMs: 3 * HOUR, label: '300 posts per 3 hours' }],
  // "Daily limits reset at midnight UTC."
  linkedin: [{ kind: 'daily', cap: 100, timeZone: 'UTC', label: '100 posts per day (UTC)' }],
  tiktok: [{ kind: 'rolling', cap: 30, durationMs: 24 * HOUR, label: '30 videos per 24 hours' }],
  // YouTube's quotas reset at midnight Pacific Time.
  youtube: [
    {
      kind: 'daily',
      cap: 100,
      timeZone: 'America/Los_Angeles',
      label: '100 uploads per day (Pacific Time)',
    },
  ],
  google_business: [],
};

/** Usage a platform reported for one of its windows, counted by the platform itself. */
export interface ReportedUsage {
  /** Posts the platform counts in its window ending now. */
  used: number;
  cap: number;
  durationMs: number;
}

/**
 * The windows that apply: the platform's, with a reported rolling window replacing the one
 * of the same length (the platform's own count and cap are the truth).
 */
export function quotaWindows(platform: Platform, reported?: ReportedUsage): QuotaWindow[] {
  const windows = [...PLATFORM_QUOTAS[platform]];
  if (!reported) return windows;
  const label = `${reported.cap} posts per ${describeHours(reported.durationMs)}`;
  return [
    ...windows.filter((w) => !(w.kind === 'rolling' && w.durationMs === reported.durationMs)),
    { kind: 'rolling', cap: reported.cap, durationMs: reported.durationMs, label },
  ];
}

export type QuotaDecision =
  { allowed: true } | { allowed: false; at: Date; window: QuotaWindow; message: string };

/**
 * Whether one more post may go out at `now`, given the instants of the posts that count
 * (published or possibly published; any order). When not, `at` is the earliest instant every
 * window allows one more. `reported` overrides our count for its window at `now`.
 */
export function quotaDecision(input: {
  platform: Platform;
  accountHandle: string;
  counted: readonly Date[];
  now: Date;
  reported?: ReportedUsage;
}): QuotaDecision {
  const windows = quotaWindows(input.platform, input.reported);
  const times = input.counted.map((d) => d.getTime()).sort((a, b) => a - b);
  const at = nextSlot(windows, times, input.now.getTime(), input.reported);
  if (at.time === input.now.getTime()) return { allowed: true };
  const window = at.blockedBy!;
  const when = `${toZonedLocal(new Date(at.time), 'UTC').slice(0, 16).replace('T', ' ')} UTC`;
  return {
    allowed: false,
    at: new Date(at.time),
    window,
    message: `${PLATFORM_LABELS[input.platform]} allows ${window.label} on ${input.accountHandle}; the next one can go out at ${when}, and Herald will post it then.`,
  };
}

/**
 * The earliest instant ≥ `from` at which every window has room for one more post. Windows
 * interact (waiting for one may run into another's limit), so it steps until all agree.
 */
function nextSlot(
  windows: readonly QuotaWindow[],
  sortedTimes: readonly number[],
  from: number,
  reported?: ReportedUsage,
): { time: number; blockedBy?: QuotaWindow } {
  let time = from;
  let blockedBy: QuotaWindow | undefined;
  for (let step = 0; step < 1_000; step++) {
    let moved = false;
    for (const window of windows) {
      const opens = windowOpensAt(window, sortedTimes, time, time === from ? reported : undefined);
      if (opens > time) {
        time = opens;
        blockedBy ??= window;
        moved = true;
      }
    }
    if (!moved) return blockedBy ? { time, blockedBy } : { time };
  }
  throw new Error('Quota windows did not settle on a time.');
}

/** When `window` next has room at or after `time`. */
function windowOpensAt(
  window: QuotaWindow,
  sortedTimes: readonly number[],
  time: number,
  reported?: ReportedUsage,
): number {
  if (window.kind === 'rolling') {
    const inWindow = sortedTimes.filter((t) => t > time - window.durationMs && t <= time);
    const used =
      reported && reported.durationMs === window.durationMs
        ? Math.max(reported.used, inWindow.length)
        : inWindow.length;
    if (used < window.cap) return time;
    // The slot opens when enough of the oldest counted posts have left the window. Posts the
    // platform counts that we do not know of are taken to leave last.
    const leaving = inWindow[used - window.cap];
    return leaving === undefined ? time + window.durationMs : leaving + window.durationMs;
  }
  const { start, end } = dayAround(time, window.timeZone);
  const used = sortedTimes.filter((t) => t >= start && t <= time).length;
  return used < window.cap ? time : end;
}

const knownDays = new Map<string, { start: number; end: number }[]>();

/** The local day containing `time` in `timeZone`, as [start, end); remembered, since Intl is slow. */
function dayAround(time: number, timeZone: string): { start: number; end: number } {
  const days = knownDays.get(timeZone) ?? [];
  const known = days.find((d) => d.start <= time && time < d.end);
  if (known) return known;
  const day = zonedDay(new Date(time), timeZone);
  const found = {
    start: startOfZonedDay(day, timeZone).getTime(),
    end: startOfZonedDay(nextDay(day), timeZone).getTime(),
  };
  if (days.length > 400) days.length = 0;
  days.push(found);
  knownDays.set(timeZone, days);
  return found;
}

/**
 * How many more posts the account can take on local day `day` in `timeZone`, given the posts
 * that count already and those scheduled (both count against every window), placing each
 * extra post at the earliest moment the windows allow, from `now` or the day's start.
 * Null when the platform has no cap Herald knows of.
 */
export function quotaForecastForDay(input: {
  platform: Platform;
  day: string;
  timeZone: string;
  counted: readonly Date[];
  scheduled: readonly Date[];
  now: Date;
  reported?: ReportedUsage;
}): number | null {
  const windows = quotaWindows(input.platform, input.reported);
  if (windows.length === 0) return null;
  const start = startOfZonedDay(input.day, input.timeZone).getTime();
  const end = startOfZonedDay(nextDay(input.day), input.timeZone).getTime();
  const times = [...input.counted, ...input.scheduled].map((d) => d.getTime());
  let cursor = Math.max(start, input.now.getTime());
  let extra = 0;
  // Placed a minute apart at worst: a forecast needs no finer grain, and the loop stays short.
  for (let step = 0; cursor < end && step < 5_000; step++) {
    times.sort((a, b) => a - b);
    const slot = nextSlot(windows, times, cursor).time;
    if (slot >= end) break;
    times.push(slot);
    if (everyScheduledStillFits(windows, times, input.scheduled)) {
      extra += 1;
      cursor = slot;
    } else {
      // Here it would push a scheduled post over a limit; a later moment may not.
      times.pop();
      cursor = slot + 60_000;
    }
  }
  return extra;
}

function everyScheduledStillFits(
  windows: readonly QuotaWindow[],
  times: number[],
  scheduled: readonly Date[],
): boolean {
  const sorted = [...times].sort((a, b) => a - b);
  return scheduled.every((at) => {
    const t = at.getTime();
    return windows.every((w) => countAt(w, sorted, t) <= w.cap);
  });
}

function countAt(window: QuotaWindow, sorted: readonly number[], time: number): number {
  if (window.kind === 'rolling') {
    return sorted.filter((t) => t > time - window.durationMs && t <= time).length;
  }
  const { start } = dayAround(time, window.timeZone);
  return sorted.filter((t) => t >= start && t <= time).length;
}

function describeHours(ms: number): string {
  const hours = ms / HOUR;
  return Number.isInteger(hours) ? `${hours} hours` : `${Math.round(ms / 60_000)} minutes`;
}
