import { formatWithZoneName } from '../lib/format.ts';
import { useViewerTimeZone } from '../lib/use-viewer-time-zone.ts';
import type { ZonedInput } from '../lib/zoned-input.ts';

interface Props {
  /** Prefix for element ids, unique on the page. */
  idPrefix: string;
  timeZone: string;
  date: string;
  time: string;
  onDateChange(date: string): void;
  onTimeChange(time: string): void;
  value: ZonedInput;
}

/** A date and a seconds-precision time, read in the client's timezone, with a preview in the viewer's. */
export function ZonedDateTimeFields(props: Props) {
  const { idPrefix, timeZone, value } = props;
  const errorId = `${idPrefix}-time-error`;
  const previewId = `${idPrefix}-time-preview`;
  const invalid = value.kind === 'invalid';
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
        Times are in <strong>{timeZone}</strong>
      </p>
      {value.kind === 'invalid' ? (
        <p className="field-error" id={errorId} role="alert">
          {value.message}
        </p>
      ) : (
        <ViewerTimePreview
          id={previewId}
          instant={value.kind === 'ok' ? value.instant : null}
          timeZone={timeZone}
        />
      )}
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
