// The zones a client can be in, with their offsets now, for the timezone pickers. Working out
// 400-odd offsets takes a moment, so the list is kept for the hour it describes.
import { timeZoneChoices, type TimeZoneChoice } from '@herald/core/domain';

let cached: { hour: number; choices: TimeZoneChoice[] } | undefined;

export function currentTimeZoneChoices(now = new Date()): TimeZoneChoice[] {
  const hour = Math.floor(now.getTime() / 3_600_000);
  if (cached?.hour !== hour) cached = { hour, choices: timeZoneChoices(now) };
  return cached.choices;
}
