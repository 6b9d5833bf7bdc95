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

/** The wall-clock reading of `instant` in `timeZone`, as `YYYY-MM-DDTHH:mm:ss`. */
export function toZonedLocal(instant: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
}

function offsetMs(instant: Date, timeZone: string): number {
  const local = toZonedLocal(instant, timeZone);
  const asUtc = Date.parse(`${local}Z`);
  const wholeSeconds = Math.floor(instant.getTime() / 1000) * 1000;
  return asUtc - wholeSeconds;
}

/**
 * The instant at which clocks in `timeZone` read `local` (`YYYY-MM-DDTHH:mm[:ss]`).
 * A time skipped by a DST change is an error; a time that happens twice means the first one.
 */
export function fromZonedLocal(local: string, timeZone: string): Date {
  const match = LOCAL_PATTERN.exec(local);
  if (!match) throw new LocalTimeError(`"${local}" is not a date and time like 2026-05-01T09:30`);
  if (!isValidTimeZone(timeZone)) throw new LocalTimeError(`Unknown timezone "${timeZone}"`);
  const [, y, mo, d, h, mi, s = '00'] = match;
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const normalized = `${y}-${mo}-${d}T${h}:${mi}:${s}`;
  if (new Date(wall).toISOString().slice(0, 19) !== normalized) {
    throw new LocalTimeError(`"${local}" is not a real date and time`);
  }
  // Try the offsets in force just before and after; the earlier valid instant wins.
  const candidates = [
    wall - offsetMs(new Date(wall - 86_400_000), timeZone),
    wall - offsetMs(new Date(wall + 86_400_000), timeZone),
  ]
    .map((t) => new Date(t))
    .filter((instant) => toZonedLocal(instant, timeZone) === normalized)
    .sort((a, b) => a.getTime() - b.getTime());
  const first = candidates[0];
  if (!first) {
    throw new LocalTimeError(
      `${normalized.slice(0, 16).replace('T', ' ')} does not exist in ${timeZone} (the clocks skip it)`,
    );
  }
  return first;
}
