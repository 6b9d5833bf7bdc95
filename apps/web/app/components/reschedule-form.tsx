import { Alert, Button, Group, Stack } from '@mantine/core';
import { useId, type FormEvent } from 'react';
import { summarizeError } from '../lib/trpc-errors.ts';
import { ApiError } from './api-error.tsx';
import { trpc } from '../lib/trpc.ts';
import { useZonedDateTime } from '../lib/use-zoned-date-time.ts';
import { zonedInputValues } from '../lib/zoned-input.ts';
import { ZonedDateTimeFields } from './zoned-date-time-fields.tsx';

interface Props {
  /** Move a post's time, or put a draft on the schedule. */
  kind: 'reschedule' | 'schedule';
  postId: string;
  clientId: string;
  timeZone: string;
  /** Where the inputs start: the post's current (or proposed) time, or soon if that has passed. */
  initial: Date;
  onDone: () => void;
}

const WORDS = {
  reschedule: { form: 'Reschedule', submit: 'Save new time', keep: 'Keep current time' },
  schedule: { form: 'Schedule', submit: 'Schedule post', keep: 'Keep as draft' },
} as const;

export function RescheduleForm({ kind, postId, clientId, timeZone, initial, onDone }: Props) {
  const id = useId();
  const utils = trpc.useUtils();
  const start = zonedInputValues(initial, timeZone);
  const { when, fields } = useZonedDateTime(start, timeZone, edited);
  const done = {
    onSuccess: async () => {
      await utils.posts.list.invalidate({ clientId });
      onDone();
    },
  };
  const rescheduleMutation = trpc.posts.reschedule.useMutation(done);
  const scheduleDraft = trpc.posts.scheduleDraft.useMutation(done);
  const reschedule = kind === 'schedule' ? scheduleDraft : rescheduleMutation;
  const words = WORDS[kind];
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
    <form aria-label={words.form} onSubmit={submit} noValidate>
      <Stack gap="sm" p="sm" bg="var(--mantine-color-default-hover)" bdrs="md">
        <ZonedDateTimeFields idPrefix={`${id}-when`} timeZone={timeZone} {...fields} />
        {reschedule.error?.data?.code === 'UNAUTHORIZED' ? (
          <ApiError error={reschedule.error} />
        ) : error && when.kind !== 'invalid' ? (
          <Alert color="red" variant="light" role="alert" p="sm">
            {error.fieldErrors.scheduledFor?.[0] ?? error.message}
          </Alert>
        ) : null}
        <Group gap="xs">
          <Button
            type="submit"
            size="xs"
            loading={reschedule.isPending}
            disabled={when.kind !== 'ok'}
          >
            {words.submit}
          </Button>
          <Button type="button" size="xs" variant="default" onClick={onDone}>
            {words.keep}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
