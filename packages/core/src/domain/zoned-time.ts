// Wall-clock times in a client's timezone <-> UTC instants, with Intl only (no tz library).
// People schedule "Tuesday 09:00 in Oslo"; we store the UTC instant and the zone beside it.

const LOCAL_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

export class LocalTimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalTimeError';
  }
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * The wall-clock reading of `instant` in `timeZone`, as `YYYY-MM-DDTHH:mm:ss`, for years
 * 0001–9999. Intl writes year 202 as "202", so the year is padded to four digits here.
 */
export function toZonedLocal(instant: Date, timeZone: string): string {
  if (Number.isNaN(instant.getTime())) throw new LocalTimeError('That is not a valid time.');
  const parts = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  const year = Number(parts.year);
  if (parts.era !== 'AD' || year > 9999) {
    throw new LocalTimeError('Herald handles years 0001 to 9999 only.');
  }
  const yyyy = String(year).padStart(4, '0');
  return `${yyyy}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
}

/** Date.UTC for any four-digit year: Date.UTC itself reads years 0–99 as 1900–1999. */
function utcMillis(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  const date = new Date(Date.UTC(2000, mo, d, h, mi, s));
  date.setUTCFullYear(y, mo, d);
  return date.getTime();
}

function localAsUtcMillis(local: string): number {
  const [, y, mo, d, h, mi, s = '00'] = LOCAL_PATTERN.exec(local)!;
  return utcMillis(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
}

/** How far clocks in `timeZone` are ahead of UTC at `instant`, in milliseconds. */
function offsetMs(instant: Date, timeZone: string): number {
  const wholeSeconds = Math.floor(instant.getTime() / 1000) * 1000;
  return localAsUtcMillis(toZonedLocal(instant, timeZone)) - wholeSeconds;
}

/** What a wall-clock time in a zone means: one instant, two (clocks fall back), or none. */
export type ZonedLocalResolution =
  | { kind: 'exact'; instant: Date }
  /** Clocks went back over this time, so it happens twice: `earlier` first, then `later`. */
  | { kind: 'ambiguous'; earlier: Date; later: Date }
  /** Clocks jumped over this time, so it never happens; `message` says so. */
  | { kind: 'skipped'; message: string };

/**
 * Read `local` (`YYYY-MM-DDTHH:mm[:ss]`) as clocks in `timeZone` show it. Throws LocalTimeError
 * when `local` is not a real date and time (or outside years 0001–9999) or the zone is unknown.
 */
export function resolveZonedLocal(local: string, timeZone: string): ZonedLocalResolution {
  const match = LOCAL_PATTERN.exec(local);
  if (!match) {
    throw new LocalTimeError(`"${local}" is not a date and time like 2026-05-01T09:30.`);
  }
  if (!isValidTimeZone(timeZone)) throw new LocalTimeError(`Unknown timezone "${timeZone}".`);
  const [, y, mo, d, h, mi, s = '00'] = match;
  const normalized = `${y}-${mo}-${d}T${h}:${mi}:${s}`;
  const wall = localAsUtcMillis(normalized);
  if (Number(y) < 1 || new Date(wall).toISOString().slice(0, 19) !== normalized) {
    throw new LocalTimeError(`${normalized.slice(0, 16).replace('T', ' ')} is not a real date.`);
  }
  // The offsets in force a day before and a day after; each gives a candidate instant, which
  // is real only if clocks read `local` at it.
  const before = offsetMs(new Date(wall - 86_400_000), timeZone);
  const after = offsetMs(new Date(wall + 86_400_000), timeZone);
  const candidates = [...new Set([wall - before, wall - after])]
    .sort((a, b) => a - b)
    .map((t) => new Date(t))
    .filter((instant) => toZonedLocal(instant, timeZone) === normalized);
  const [first, second] = candidates;
  if (first && second) return { kind: 'ambiguous', earlier: first, later: second };
  if (first) return { kind: 'exact', instant: first };
  const gapMinutes = Math.round(Math.abs(after - before) / 60_000);
  return {
    kind: 'skipped',
    message:
      `${normalized.slice(0, 16).replace('T', ' ')} does not exist in ${timeZone}: ` +
      `the clocks go forward ${describeDuration(gapMinutes)} then. Pick another time.`,
  };
}

/**
 * The instant at which clocks in `timeZone` read `local` (`YYYY-MM-DDTHH:mm[:ss]`), for callers
 * that cannot ask a person: a time skipped by a DST change is an error, and a time that happens
 * twice means the first one. Forms use resolveZonedLocal and ask which one.
 */
export function fromZonedLocal(local: string, timeZone: string): Date {
  const resolved = resolveZonedLocal(local, timeZone);
  if (resolved.kind === 'skipped') throw new LocalTimeError(resolved.message);
  return resolved.kind === 'ambiguous' ? resolved.earlier : resolved.instant;
}

/**
 * The zone's offset at `instant`, for telling apart the two readings of an ambiguous time:
 * "EDT (UTC−4)", or "UTC+5:30" where the zone has no abbreviation in English.
 */
export function describeZoneOffset(instant: Date, timeZone: string): string {
  const minutes = Math.round(offsetMs(instant, timeZone) / 60_000);
  const sign = minutes < 0 ? '\u2212' : '+';
  const hours = Math.floor(Math.abs(minutes) / 60);
  const rest = Math.abs(minutes) % 60;
  const utc = `UTC${sign}${hours}${rest ? `:${String(rest).padStart(2, '0')}` : ''}`;
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'short' })
    .formatToParts(instant)
    .find((p) => p.type === 'timeZoneName')?.value;
  return name && !/^(GMT|UTC)/.test(name) ? `${name} (${utc})` : utc;
}

function describeDuration(minutes: number): string {
  if (minutes % 60 === 0) return minutes === 60 ? '1 hour' : `${minutes / 60} hours`;
  return `${minutes} minutes`;
}

/**
 * The first instant of local day `day` (`YYYY-MM-DD`) in `timeZone`: its midnight, or, where
 * clocks jump over midnight (a few zones change at 00:00), the moment they land after it.
 */
export function startOfZonedDay(day: string, timeZone: string): Date {
  const local = `${day}T00:00:00`;
  const resolved = resolveZonedLocal(local, timeZone);
  if (resolved.kind === 'exact') return resolved.instant;
  if (resolved.kind === 'ambiguous') return resolved.earlier;
  // Skipped: read midnight with the offset in force before the jump; that instant is the jump.
  const wall = localAsUtcMillis(local);
  return new Date(wall - offsetMs(new Date(wall - 86_400_000), timeZone));
}

/** The local day after `day` (`YYYY-MM-DD`), across month and year ends. */
export function nextDay(day: string): string {
  const date = new Date(localAsUtcMillis(`${day}T00:00:00`) + 86_400_000);
  return toZonedLocal(date, 'UTC').slice(0, 10);
}

/** The local day (`YYYY-MM-DD`) `instant` falls on in `timeZone`. */
export function zonedDay(instant: Date, timeZone: string): string {
  return toZonedLocal(instant, timeZone).slice(0, 10);
}
