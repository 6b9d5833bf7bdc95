// The state behind a ZonedDateTimeFields: the date and time as typed, which instant a person
// picked when the time happens twice, and what they read as. Shared by the compose and
// reschedule forms, so both treat a changed input the same way.
import { useState } from 'react';
import { readZonedInput, type Occurrence, type ZonedInput } from './zoned-input.ts';

export interface ZonedDateTimeState {
  /** What the inputs read as, in `timeZone`. */
  when: ZonedInput;
  /** Props for ZonedDateTimeFields (add idPrefix and timeZone). */
  fields: {
    date: string;
    time: string;
    occurrence: Occurrence | null;
    value: ZonedInput;
    onDateChange: (date: string) => void;
    onTimeChange: (time: string) => void;
    onOccurrenceChange: (occurrence: Occurrence) => void;
  };
  /** Starts over from these input values (after a successful submit). */
  reset: (values: { date: string; time: string }) => void;
}

/** `onEdit` runs on every change a person makes (to clear a stale server error, say). */
export function useZonedDateTime(
  initial: { date: string; time: string },
  timeZone: string,
  onEdit: () => void,
): ZonedDateTimeState {
  const [date, setDate] = useState(initial.date);
  const [time, setTime] = useState(initial.time);
  const [occurrence, setOccurrence] = useState<Occurrence | null>(null);
  const when = readZonedInput(date, time, timeZone, occurrence);
  return {
    when,
    fields: {
      date,
      time,
      occurrence,
      value: when,
      // A new date or time may not happen twice, or may happen twice differently: ask again.
      onDateChange: (value) => {
        setDate(value);
        setOccurrence(null);
        onEdit();
      },
      onTimeChange: (value) => {
        setTime(value);
        setOccurrence(null);
        onEdit();
      },
      onOccurrenceChange: (value) => {
        setOccurrence(value);
        onEdit();
      },
    },
    reset: (values) => {
      setDate(values.date);
      setTime(values.time);
      setOccurrence(null);
    },
  };
}
