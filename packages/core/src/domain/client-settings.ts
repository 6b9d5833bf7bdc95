// A client's settings as a person types them: its name and the IANA timezone its posts are
// planned in. Checked here with Intl only, so the web form and the server agree.
import { describeZoneOffset } from './zoned-time.ts';

export const CLIENT_NAME_MAX = 120;

/** The sentence saying what is wrong with a client name, or null when it is fine. */
export function clientNameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed.length === 0) return 'Give the client a name.';
  if (trimmed.length > CLIENT_NAME_MAX)
    return `The name is ${trimmed.length} characters; keep it to ${CLIENT_NAME_MAX}.`;
  return null;
}

// Offsets such as "+01:00" are not places: they never change with daylight saving time, which
// is exactly what a client's zone must follow.
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+\-/]*$/;

/** Every IANA zone this runtime knows, UTC first (Intl lists it under Etc/ only, if at all). */
export function knownTimeZones(): string[] {
  const zones = Intl.supportedValuesOf('timeZone');
  return zones.includes('UTC') ? zones : ['UTC', ...zones];
}

/**
 * The zone to store for what a person chose: the name itself when Intl lists it, else Intl's
 * canonical spelling ("europe/oslo" → "Europe/Oslo"); null when it is not an IANA zone.
 */
export function normalizeTimeZone(input: string): string | null {
  const name = input.trim();
  if (!ZONE_NAME.test(name)) return null;
  let canonical: string;
  try {
    canonical = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
  return knownTimeZones().includes(name) ? name : canonical;
}

export function timeZoneProblem(input: string): string | null {
  if (input.trim().length === 0) return 'Pick the client’s timezone.';
  return normalizeTimeZone(input) === null
    ? `“${input.trim()}” is not a timezone Herald knows. Pick one from the list, such as Europe/Oslo.`
    : null;
}

export interface TimeZoneChoice {
  /** The IANA name stored. */
  value: string;
  /** What the list shows: "Europe/Oslo (CET (UTC+1))". */
  label: string;
}

/** The zones to choose from, each with its offset at `now`, in the list's (alphabetical) order. */
export function timeZoneChoices(now: Date): TimeZoneChoice[] {
  return knownTimeZones().map((zone) => ({
    value: zone,
    label: `${zone.replaceAll('_', ' ')} (${describeZoneOffset(now, zone)})`,
  }));
}
