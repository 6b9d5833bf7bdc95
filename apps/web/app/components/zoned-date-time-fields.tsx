import { formatWithZoneName } from '../lib/format.ts';
import { useNow } from '../lib/use-now.ts';
import { useViewerTimeZone } from '../lib/use-viewer-time-zone.ts';
import { publishesNow, type Occurrence, type ZonedInput } from '../lib/zoned-input.ts';

interface Props {
  /** Prefix for element ids, unique on the page. */
  idPrefix: string;
  timeZone: string;
  date: string;
  time: string;
  onDateChange(date: string): void;
  onTimeChange(time: string): void;
  /** Which instant was picked when the time happens twice. */
  occurrence: Occurrence | null;
  onOccurrenceChange(occurrence: Occurrence): void;
  value: ZonedInput;
}

/** A date and a seconds-precision time, read in the client's timezone, with a preview in the viewer's. */
export function ZonedDateTimeFields(props: Props) {
  const { idPrefix, timeZone, value } = props;
  const now = useNow();
  const errorId = `${idPrefix}-time-error`;
  const previewId = `${idPrefix}-time-preview`;
  const invalid = value.kind === 'invalid' || value.kind === 'incomplete';
  const choices = value.kind === 'ambiguous' || value.kind === 'ok' ? value.choices : undefined;
  const instant = value.kind === 'ok' ? value.instant : null;
  return (
    <div className="datetime">
      <div className="datetime-inputs">
        <div className="field">
          <label htmlFor={`${idPrefix}-date`}>Date</label>
          <input
            id={`${idPrefix}-date`}
            type="date"
            value={props.date}
            onChange={(e) => props.onDateChange(e.target.value)}
            aria-invalid={invalid || undefined}
            aria-describedby={invalid ? errorId : previewId}
          />
        </div>
        <div className="field">
          <label htmlFor={`${idPrefix}-time`}>Time</label>
          <input
            id={`${idPrefix}-time`}
            type="time"
            step="1"
            value={props.time}
            onChange={(e) => props.onTimeChange(e.target.value)}
            aria-invalid={invalid || undefined}
            aria-describedby={invalid ? errorId : previewId}
          />
        </div>
      </div>
      <p className="field-help">
        Times are in <strong>{timeZone}</strong>.
      </p>
      {choices ? (
        <fieldset className="field occurrence">
          <legend>
            {props.time.slice(0, 5)} happens twice on {props.date} in {timeZone}, because the clocks
            go back. Which one do you mean?
          </legend>
          {choices.map((choice) => {
            const inputId = `${idPrefix}-occurrence-${choice.occurrence}`;
            return (
              <div key={choice.occurrence} className="radio">
                <input
                  id={inputId}
                  type="radio"
                  name={`${idPrefix}-occurrence`}
                  value={choice.occurrence}
                  checked={props.occurrence === choice.occurrence}
                  onChange={() => props.onOccurrenceChange(choice.occurrence)}
                />
                <label htmlFor={inputId}>{choice.label}</label>
              </div>
            );
          })}
        </fieldset>
      ) : null}
      {value.kind === 'invalid' ? (
        <p className="field-error" id={errorId} role="alert">
          {value.message}
        </p>
      ) : value.kind === 'incomplete' ? (
        // Not an alert: it is what the input looks like halfway through typing a year.
        <p className="field-help" id={errorId}>
          {value.message}
        </p>
      ) : (
        <ViewerTimePreview id={previewId} instant={instant} timeZone={timeZone} />
      )}
      {instant && now !== null && publishesNow(instant, now) ? (
        <p className="notice" role="status" id={`${idPrefix}-publish-now`}>
          Publishing now: that time has just passed, so the post goes out as soon as you confirm.
        </p>
      ) : null}
    </div>
  );
}

function ViewerTimePreview(props: { id: string; instant: Date | null; timeZone: string }) {
  const viewerZone = useViewerTimeZone();
  if (!props.instant || !viewerZone) return <p className="field-help" id={props.id} />;
  if (viewerZone === props.timeZone) {
    return (
      <p className="field-help" id={props.id}>
        That is your local time too.
      </p>
    );
  }
  return (
    <p className="field-help" id={props.id}>
      Your time: {formatWithZoneName(props.instant, viewerZone)}
    </p>
  );
}
