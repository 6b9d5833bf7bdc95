// Instants shown to people. A fixed locale keeps server and browser renderings identical.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string | undefined, withZoneName: boolean): Intl.DateTimeFormat {
  const key = `${timeZone ?? ''}|${withZoneName}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      month: 'short',
      day: 'numeric',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      ...(withZoneName ? { timeZoneName: 'short' } : {}),
    });
    formatters.set(key, f);
  }
  return f;
}

/** e.g. "Tue, May 5, 2026, 09:30:00" as clocks read it in `timeZone`. */
export function formatInZone(instant: Date, timeZone: string): string {
  return formatter(timeZone, false).format(instant);
}

/** Like formatInZone, with the zone's abbreviation ("GMT+2", "EDT") for the viewer's own clock. */
export function formatWithZoneName(instant: Date, timeZone: string): string {
  return formatter(timeZone, true).format(instant);
}
