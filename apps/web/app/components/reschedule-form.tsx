import { useId, type FormEvent } from 'react';
import { summarizeError } from '../lib/trpc-errors.ts';
import { ApiError } from './api-error.tsx';
import { trpc } from '../lib/trpc.ts';
import { useZonedDateTime } from '../lib/use-zoned-date-time.ts';
import { zonedInputValues } from '../lib/zoned-input.ts';
import { ZonedDateTimeFields } from './zoned-date-time-fields.tsx';

interface Props {
  postId: string;
  clientId: string;
  timeZone: string;
  /** Where the inputs start: the post's current time, or soon if that has passed. */
  initial: Date;
  onDone: () => void;
}

export function RescheduleForm({ postId, clientId, timeZone, initial, onDone }: Props) {
  const id = useId();
  const utils = trpc.useUtils();
  const start = zonedInputValues(initial, timeZone);
  const { when, fields } = useZonedDateTime(start, timeZone, edited);
  const reschedule = trpc.posts.reschedule.useMutation({
    onSuccess: async () => {
      await utils.posts.list.invalidate({ clientId });
      onDone();
    },
  });
  // The server's answer is about the time it was sent; once the inputs change it is stale,
  // and a problem the inputs show themselves is the only one worth reading.
  const error = reschedule.error ? summarizeError(reschedule.error) : null;

  function edited() {
    if (reschedule.error) reschedule.reset();
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (when.kind !== 'ok') return;
    reschedule.mutate({ postId, scheduledFor: when.instant });
  }

  return (
    <form className="reschedule stack" aria-label="Reschedule" onSubmit={submit} noValidate>
      <ZonedDateTimeFields idPrefix={`${id}-when`} timeZone={timeZone} {...fields} />
      {reschedule.error?.data?.code === 'UNAUTHORIZED' ? (
        <ApiError error={reschedule.error} />
      ) : error && when.kind !== 'invalid' ? (
        <p className="alert" role="alert">
          {error.fieldErrors.scheduledFor?.[0] ?? error.message}
        </p>
      ) : null}
      <div className="row">
        <button
          type="submit"
          className="button primary small"
          disabled={reschedule.isPending || when.kind !== 'ok'}
        >
          {reschedule.isPending ? 'Saving…' : 'Save new time'}
        </button>
        <button type="button" className="button subtle small" onClick={onDone}>
          Keep current time
        </button>
      </div>
    </form>
  );
}
