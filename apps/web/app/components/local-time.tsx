import { formatWithZoneName } from '../lib/format.ts';
import { useViewerTimeZone } from '../lib/use-viewer-time-zone.ts';

/** An instant as the viewer's own clock reads it (UTC until the browser says its zone). */
export function LocalTime({ value }: { value: Date | string }) {
  const timeZone = useViewerTimeZone();
  const instant = typeof value === 'string' ? new Date(value) : value;
  return (
    <time dateTime={instant.toISOString()}>{formatWithZoneName(instant, timeZone ?? 'UTC')}</time>
  );
}
