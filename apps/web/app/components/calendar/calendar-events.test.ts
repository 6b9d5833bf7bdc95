import { describe, expect, it } from 'vitest';
import { instantOfWall, toWallEvent, wallDate, type CalendarEntryView } from './calendar-events.ts';

const NY = 'America/New_York';

const entry = (
  at: string,
  status: CalendarEntryView['status'] = 'scheduled',
): CalendarEntryView => ({
  postId: 'p',
  targetId: 't',
  client: { id: 'c', name: 'Roastery', timezone: NY },
  account: { id: 'a', platform: 'facebook', handle: 'Roastery Page' },
  captionExcerpt: 'Hello',
  status,
  scheduledFor: new Date(at),
  publishedAt: null,
  at: new Date(at),
});

describe('the calendar in a client timezone', () => {
  // New York's clocks go forward on Sunday 14 March 2027 at 02:00 (UTC-5 → UTC-4).
  it('puts 09:00 on each day of the DST week at 09:00, before and after the change', () => {
    expect(
      toWallEvent(entry('2027-03-13T14:00:00Z'), NY, { showClient: false, canWrite: true }).start,
    ).toBe('2027-03-13T09:00:00');
    expect(
      toWallEvent(entry('2027-03-15T13:00:00Z'), NY, { showClient: false, canWrite: true }).start,
    ).toBe('2027-03-15T09:00:00');
  });

  it('reads a drop at 09:00 on the other side of the change as the right instant', () => {
    // Dragged from Saturday 09:00 (UTC-5) to Monday 09:00 (UTC-4): one day and 23 hours later.
    const from = wallDate(new Date('2027-03-13T14:00:00Z'), NY);
    const dropped = new Date(from.getTime() + 2 * 86_400_000);
    expect(instantOfWall(dropped, NY).toISOString()).toBe('2027-03-15T13:00:00.000Z');
  });

  it('refuses a drop on a time the clocks skip, with a sentence', () => {
    expect(() => instantOfWall(new Date('2027-03-14T02:30:00Z'), NY)).toThrow(
      /does not exist in America\/New_York/,
    );
  });

  it("names the client only across clients, and lets only the engine's movable states be dragged", () => {
    const across = toWallEvent(entry('2027-03-13T14:00:00Z'), NY, {
      showClient: true,
      canWrite: true,
    });
    expect(across.title).toBe('Roastery · Facebook Roastery Page: Hello');
    expect(across.editable).toBe(true);
    expect(
      toWallEvent(entry('2027-03-13T14:00:00Z', 'published'), NY, {
        showClient: false,
        canWrite: true,
      }).editable,
    ).toBe(false);
    expect(
      toWallEvent(entry('2027-03-13T14:00:00Z'), NY, { showClient: false, canWrite: false })
        .editable,
    ).toBe(false);
  });
});
