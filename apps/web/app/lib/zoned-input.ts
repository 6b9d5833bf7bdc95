// Date and time inputs read as a wall-clock time in a client's timezone. Browser-safe: only
// the pure domain rules are imported.
import { fromZonedLocal, LocalTimeError, toZonedLocal } from '@herald/core/domain';

export type ZonedInput =
  { kind: 'empty' } | { kind: 'invalid'; message: string } | { kind: 'ok'; instant: Date };

/** `date` is `YYYY-MM-DD`, `time` is `HH:mm` or `HH:mm:ss`, both as the inputs give them. */
export function readZonedInput(date: string, time: string, timeZone: string): ZonedInput {
  if (!date || !time) return { kind: 'empty' };
  try {
    return { kind: 'ok', instant: fromZonedLocal(`${date}T${time}`, timeZone) };
  } catch (error) {
    // A skipped DST hour or an impossible date: say so before anything is sent.
    if (error instanceof LocalTimeError) return { kind: 'invalid', message: error.message };
    throw error;
  }
}

/** The values for a date input and a seconds-precision time input showing `instant` in `timeZone`. */
export function zonedInputValues(instant: Date, timeZone: string): { date: string; time: string } {
  const local = toZonedLocal(instant, timeZone);
  return { date: local.slice(0, 10), time: local.slice(11, 19) };
}
