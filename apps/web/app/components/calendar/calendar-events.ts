// The calendar shows one timezone's wall clock: FullCalendar runs in its 'UTC' zone and is
// handed wall-clock readings, so a day, a week and a DST change are the zone's own. These
// convert both ways (pure, so a DST week can be tested without a browser).
import {
  canTarget,
  fromZonedLocal,
  TARGET_STATUS_COLORS,
  TARGET_STATUS_LABELS,
  toZonedLocal,
  PLATFORM_LABELS,
  type Platform,
  type TargetStatus,
} from '@herald/core/domain';

export interface CalendarEntryView {
  postId: string;
  targetId: string;
  client: { id: string; name: string; timezone: string };
  account: { id: string; platform: Platform; handle: string };
  captionExcerpt: string;
  status: TargetStatus;
  scheduledFor: Date;
  publishedAt: Date | null;
  at: Date;
}

export interface WallEvent {
  id: string;
  title: string;
  /** `YYYY-MM-DDTHH:mm:ss` in the calendar's zone, read by FullCalendar as UTC. */
  start: string;
  backgroundColor: string;
  borderColor: string;
  textColor: string;
  editable: boolean;
  extendedProps: { entry: CalendarEntryView };
}

/** FullCalendar's Date for a wall-clock reading (its UTC fields are the wall clock). */
export function wallDate(instant: Date, timeZone: string): Date {
  return new Date(`${toZonedLocal(instant, timeZone)}Z`);
}

/**
 * The instant a FullCalendar date means in `timeZone`. Throws LocalTimeError (with a sentence)
 * for a time the zone skips when its clocks go forward.
 */
export function instantOfWall(wall: Date, timeZone: string): Date {
  return fromZonedLocal(wall.toISOString().slice(0, 19), timeZone);
}

export function toWallEvent(
  entry: CalendarEntryView,
  timeZone: string,
  options: { showClient: boolean; canWrite: boolean },
): WallEvent {
  const color = TARGET_STATUS_COLORS[entry.status];
  const who = options.showClient ? `${entry.client.name} · ` : '';
  return {
    id: entry.targetId,
    title: `${who}${PLATFORM_LABELS[entry.account.platform]} ${entry.account.handle}: ${entry.captionExcerpt}`,
    start: toZonedLocal(entry.at, timeZone),
    backgroundColor: `var(--mantine-color-${color}-light)`,
    borderColor: `var(--mantine-color-${color}-6)`,
    textColor: `var(--mantine-color-${color}-light-color)`,
    // Only what the engine would move: not published, started or cancelled.
    editable: options.canWrite && canTarget(entry.status, 'reschedule'),
    extendedProps: { entry },
  };
}

export const statusLabel = (status: TargetStatus) => TARGET_STATUS_LABELS[status];
