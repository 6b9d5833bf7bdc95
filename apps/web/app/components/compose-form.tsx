import {
  isAccountUsable,
  PLATFORM_LABELS,
  PLATFORM_RULES,
  type Platform,
  type SocialAccountStatus,
} from '@herald/core/domain';
import { useId, useState, type FormEvent } from 'react';
import { formatInZone } from '../lib/format.ts';
import { summarizeError } from '../lib/trpc-errors.ts';
import { trpc } from '../lib/trpc.ts';
import { readZonedInput } from '../lib/zoned-input.ts';
import { ZonedDateTimeFields } from './zoned-date-time-fields.tsx';

export interface ComposeAccount {
  id: string;
  platform: Platform;
  handle: string;
  status: SocialAccountStatus;
}

interface Props {
  client: { id: string; name: string; timezone: string; socialAccounts: ComposeAccount[] };
  /** Wall-clock default for the date and time inputs, in the client's timezone. */
  defaultLocal: { date: string; time: string };
}

/** Why an account Herald cannot post with is greyed out (isAccountUsable decides which). */
const UNUSABLE: Partial<Record<SocialAccountStatus, string>> = {
  needs_action: 'Needs reconnecting before Herald can post to it.',
  revoked: 'Access was revoked. Reconnect it to post again.',
};

export function ComposeForm({ client, defaultLocal }: Props) {
  const id = useId();
  const utils = trpc.useUtils();
  const [caption, setCaption] = useState('');
  const [accountIds, setAccountIds] = useState<string[]>([]);
  const [date, setDate] = useState(defaultLocal.date);
  const [time, setTime] = useState(defaultLocal.time);
  const [scheduledNote, setScheduledNote] = useState<string | null>(null);
  const [missingTime, setMissingTime] = useState(false);
  const when = readZonedInput(date, time, client.timezone);

  const schedule = trpc.posts.schedule.useMutation({
    onSuccess: async (post) => {
      setCaption('');
      const first = post.targets[0];
      setScheduledNote(
        first
          ? `Scheduled for ${formatInZone(first.scheduledFor, client.timezone)} (${client.timezone}).`
          : 'Scheduled.',
      );
      await utils.posts.list.invalidate({ clientId: client.id });
    },
  });
  const serverError = schedule.error ? summarizeError(schedule.error) : null;
  const fieldError = (field: string) => serverError?.fieldErrors[field]?.[0];

  const selectedPlatforms = client.socialAccounts
    .filter((a) => accountIds.includes(a.id))
    .map((a) => a.platform);
  const limit = Math.min(
    ...(selectedPlatforms.length > 0
      ? selectedPlatforms
      : client.socialAccounts.map((a) => a.platform)
    ).map((p) => PLATFORM_RULES[p].maxCaptionLength),
  );
  const length = [...caption].length;

  function toggle(accountId: string, checked: boolean) {
    setAccountIds((ids) => (checked ? [...ids, accountId] : ids.filter((x) => x !== accountId)));
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setScheduledNote(null);
    setMissingTime(when.kind === 'empty');
    // An impossible local time is already explained next to the inputs; nothing is sent.
    if (when.kind !== 'ok') return;
    schedule.mutate({ clientId: client.id, caption, accountIds, scheduledFor: when.instant });
  }

  return (
    <form className="stack" aria-labelledby={`${id}-heading`} onSubmit={submit} noValidate>
      <h2 id={`${id}-heading`}>New post</h2>

      <div className="field">
        <label htmlFor={`${id}-caption`}>Caption</label>
        <textarea
          id={`${id}-caption`}
          rows={5}
          value={caption}
          onChange={(e) => {
            setCaption(e.target.value);
            setScheduledNote(null);
          }}
          aria-invalid={fieldError('caption') ? true : undefined}
          aria-describedby={`${id}-count${fieldError('caption') ? ` ${id}-caption-error` : ''}`}
        />
        <p
          id={`${id}-count`}
          className={length > limit && Number.isFinite(limit) ? 'field-help over' : 'field-help'}
        >
          {length.toLocaleString('en-US')}
          {Number.isFinite(limit) ? ` / ${limit.toLocaleString('en-US')}` : ''} characters
        </p>
        {fieldError('caption') ? (
          <p className="field-error" id={`${id}-caption-error`}>
            {fieldError('caption')}
          </p>
        ) : null}
      </div>

      <fieldset className="field">
        <legend>Publish to</legend>
        {client.socialAccounts.length === 0 ? (
          <p className="muted">This client has no connected accounts yet.</p>
        ) : (
          <ul className="account-list">
            {client.socialAccounts.map((account) => {
              const unusable = isAccountUsable(account.status)
                ? null
                : (UNUSABLE[account.status] ?? 'Reconnect it before Herald can post to it.');
              const inputId = `${id}-account-${account.id}`;
              return (
                <li key={account.id}>
                  <input
                    id={inputId}
                    type="checkbox"
                    checked={accountIds.includes(account.id)}
                    disabled={Boolean(unusable)}
                    onChange={(e) => toggle(account.id, e.target.checked)}
                    aria-describedby={unusable ? `${inputId}-why` : undefined}
                  />
                  <label htmlFor={inputId}>
                    <span className="platform">{PLATFORM_LABELS[account.platform]}</span>{' '}
                    {account.handle}
                  </label>
                  {unusable ? (
                    <p className="field-help warn" id={`${inputId}-why`}>
                      {unusable}
                    </p>
                  ) : null}
                </li>
              );
            })}
          </ul>
        )}
        {fieldError('accountIds') ? (
          <p className="field-error">{fieldError('accountIds')}</p>
        ) : null}
      </fieldset>

      <ZonedDateTimeFields
        idPrefix={`${id}-when`}
        timeZone={client.timezone}
        date={date}
        time={time}
        onDateChange={setDate}
        onTimeChange={setTime}
        value={when}
      />
      {missingTime && when.kind === 'empty' ? (
        <p className="field-error">Pick a date and a time.</p>
      ) : null}
      {fieldError('scheduledFor') ? (
        <p className="field-error">{fieldError('scheduledFor')}</p>
      ) : null}

      {serverError ? (
        <p className="alert" role="alert">
          {serverError.message}
        </p>
      ) : null}
      {scheduledNote ? (
        <p className="notice" role="status">
          {scheduledNote}
        </p>
      ) : null}

      <div>
        <button type="submit" className="button primary" disabled={schedule.isPending}>
          {schedule.isPending ? 'Scheduling…' : 'Schedule post'}
        </button>
      </div>
    </form>
  );
}
