// FullCalendar itself, loaded in the browser only (it measures the DOM and injects its own
// <style>, which picks up the page's CSP nonce from the nonce'd scripts).
import type { DatesSetArg, EventClickArg, EventDropArg } from '@fullcalendar/core';
import dayGridPlugin from '@fullcalendar/daygrid';
import interactionPlugin from '@fullcalendar/interaction';
import listPlugin from '@fullcalendar/list';
import FullCalendar from '@fullcalendar/react';
import timeGridPlugin from '@fullcalendar/timegrid';
import type { CalendarEntryView, WallEvent } from './calendar-events.ts';

// FullCalendar's icon font is a data: URL, which the CSP (font-src 'self') refuses; the
// calendar uses words instead of icons, so its @font-face goes before anything asks for it.
for (const style of document.querySelectorAll<HTMLStyleElement>('style[data-fullcalendar]')) {
  const sheet = style.sheet;
  if (!sheet) continue;
  for (let i = sheet.cssRules.length - 1; i >= 0; i--) {
    if (sheet.cssRules[i] instanceof CSSFontFaceRule) sheet.deleteRule(i);
  }
}

export interface CalendarViewProps {
  events: WallEvent[];
  /** Now, as the calendar zone's wall clock (`YYYY-MM-DDTHH:mm:ss`). */
  now: string;
  /** The first day to show, as a wall-clock date. */
  initialDate?: string;
  onRange: (range: { start: Date; end: Date }) => void;
  onDrop: (drop: { entry: CalendarEntryView; start: Date; revert: () => void }) => void;
  onOpen: (entry: CalendarEntryView) => void;
}

export default function CalendarView({
  events,
  now,
  initialDate,
  onRange,
  onDrop,
  onOpen,
}: CalendarViewProps) {
  return (
    <FullCalendar
      plugins={[dayGridPlugin, timeGridPlugin, listPlugin, interactionPlugin]}
      // Wall-clock readings of the calendar's own zone (calendar-events.ts).
      timeZone="UTC"
      now={now}
      {...(initialDate ? { initialDate } : {})}
      initialView="dayGridMonth"
      headerToolbar={{
        left: 'prev,next today',
        center: 'title',
        right: 'dayGridMonth,timeGridWeek,listMonth',
      }}
      // Words, not FullCalendar's icon font: its data: font is outside the CSP (font-src
      // 'self'), and words read better to a screen reader.
      buttonIcons={false}
      buttonText={{
        prev: '‹ Previous',
        next: 'Next ›',
        month: 'Month',
        week: 'Week',
        list: 'List',
        today: 'Today',
      }}
      // "+n more" opens that week instead of a popover (whose close button is an icon).
      moreLinkClick="week"
      height="auto"
      dayMaxEvents={4}
      eventTimeFormat={{ hour: '2-digit', minute: '2-digit', hour12: false }}
      slotLabelFormat={{ hour: '2-digit', minute: '2-digit', hour12: false }}
      events={events}
      eventDurationEditable={false}
      datesSet={(arg: DatesSetArg) => onRange({ start: arg.start, end: arg.end })}
      eventDrop={(info: EventDropArg) => {
        const entry = info.event.extendedProps.entry as CalendarEntryView;
        if (!info.event.start) return info.revert();
        onDrop({ entry, start: info.event.start, revert: info.revert });
      }}
      eventClick={(info: EventClickArg) => {
        info.jsEvent.preventDefault();
        onOpen(info.event.extendedProps.entry as CalendarEntryView);
      }}
      eventDidMount={(info) => {
        // Keyboard: every event is a button that opens its panel.
        info.el.setAttribute('tabindex', '0');
        info.el.setAttribute('role', 'button');
        info.el.setAttribute('data-target-id', info.event.id);
        info.el.addEventListener('keydown', (event) => {
          if (event.key !== 'Enter' && event.key !== ' ') return;
          event.preventDefault();
          onOpen(info.event.extendedProps.entry as CalendarEntryView);
        });
      }}
    />
  );
}
