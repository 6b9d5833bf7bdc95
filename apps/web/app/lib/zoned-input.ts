// Date and time inputs read as a wall-clock time in a client's timezone. Browser-safe: only
// the pure domain rules are imported.
import {
  describeZoneOffset,
  LocalTimeError,
  PAST_GRACE_MS,
  resolveZonedLocal,
  toZonedLocal,
} from '@herald/core/domain';

/** One of the two instants of a wall-clock time that happens twice. */
export interface ZonedChoice {
  occurrence: Occurrence;
  instant: Date;
  /** e.g. "01:30 EDT (UTC−4)". */
  label: string;
}
export type Occurrence = 'earlier' | 'later';

export type ZonedInput =
  | { kind: 'empty' }
  /** A year still being typed: a date input passes through 0202 on the way to 2027. */
  | { kind: 'incomplete'; message: string }
  | { kind: 'invalid'; message: string }
  /** The time happens twice (clocks fall back) and nobody has said which one yet. */
  | { kind: 'ambiguous'; choices: [ZonedChoice, ZonedChoice] }
  /** `choices` is there when the time happens twice and `instant` is the one chosen. */
  | { kind: 'ok'; instant: Date; choices?: [ZonedChoice, ZonedChoice] };

/** Years before this are taken as a year still being typed, not meant. */
const FIRST_FULL_YEAR = 1000;

/**
 * `date` is `YYYY-MM-DD`, `time` is `HH:mm` or `HH:mm:ss`, both as the inputs give them;
 * `occurrence` says which instant a person picked when the time happens twice.
 */
export function readZonedInput(
  date: string,
  time: string,
  timeZone: string,
  occurrence: Occurrence | null = null,
): ZonedInput {
  if (!date || !time) return { kind: 'empty' };
  const year = Number(/^(\d+)-/.exec(date)?.[1]);
  if (year < FIRST_FULL_YEAR) {
    return { kind: 'incomplete', message: 'Finish typing the year, for example 2027.' };
  }
  try {
    const resolved = resolveZonedLocal(`${date}T${time}`, timeZone);
    // A skipped DST hour or an impossible date: say so before anything is sent.
    if (resolved.kind === 'skipped') return { kind: 'invalid', message: resolved.message };
    if (resolved.kind === 'exact') return { kind: 'ok', instant: resolved.instant };
    const hhmm = time.slice(0, 5);
    const choice = (which: Occurrence, instant: Date): ZonedChoice => ({
      occurrence: which,
      instant,
      label: `${hhmm} ${describeZoneOffset(instant, timeZone)}`,
    });
    const choices: [ZonedChoice, ZonedChoice] = [
      choice('earlier', resolved.earlier),
      choice('later', resolved.later),
    ];
    const chosen = choices.find((c) => c.occurrence === occurrence);
    return chosen
      ? { kind: 'ok', instant: chosen.instant, choices }
      : { kind: 'ambiguous', choices };
  } catch (error) {
    if (error instanceof LocalTimeError) return { kind: 'invalid', message: error.message };
    throw error;
  }
}

/** The values for a date input and a seconds-precision time input showing `instant` in `timeZone`. */
export function zonedInputValues(instant: Date, timeZone: string): { date: string; time: string } {
  const local = toZonedLocal(instant, timeZone);
  return { date: local.slice(0, 10), time: local.slice(11, 19) };
}

/** How far ahead the compose form suggests a time, so a quick "schedule" is not already past. */
const SUGGESTED_LEAD_MS = 5 * 60_000;

/** A suggested start a few minutes after `now`, in whole minutes ("09:45:00" reads better than "09:41:37"). */
export function suggestedStart(now: number, timeZone: string): { date: string; time: string } {
  const suggested = new Date(Math.ceil((now + SUGGESTED_LEAD_MS) / 60_000) * 60_000);
  return zonedInputValues(suggested, timeZone);
}

/**
 * Whether `instant` has passed at `now` but is recent enough that scheduling publishes it at
 * once (the domain's grace, which the server applies too); the form then says "publishing now".
 */
export function publishesNow(instant: Date, now: number): boolean {
  const t = instant.getTime();
  return t <= now && t >= now - PAST_GRACE_MS;
}
