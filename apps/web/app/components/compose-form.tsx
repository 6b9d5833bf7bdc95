import {
  captionLength,
  captionLimitProblem,
  captionProblems,
  isAccountUsable,
  PLATFORM_LABELS,
  PLATFORM_RULES,
  selectMedia,
  settingsMediaProblems,
  settingsPostType,
  type Platform,
  type SocialAccountStatus,
} from '@herald/core/domain';
import { useId, useRef, useState, type FormEvent } from 'react';
import { formatInZone } from '../lib/format.ts';
import { summarizeError } from '../lib/trpc-errors.ts';
import { ApiError } from './api-error.tsx';
import { trpc } from '../lib/trpc.ts';
import { useZonedDateTime } from '../lib/use-zoned-date-time.ts';
import { publishesNow, suggestedStart } from '../lib/zoned-input.ts';
import { ZonedDateTimeFields } from './zoned-date-time-fields.tsx';
import { MediaPicker, toSelectable, useAssets, type AssetView } from './media-picker.tsx';
import { PlatformSettings, type CreatorInfoState } from './composer/platform-settings.tsx';
import {
  EMPTY_DRAFT,
  hasSettings,
  resolveSettings,
  type ResolvedSettings,
  type SettingsDraft,
} from './composer/settings-draft.ts';

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
  const captionRef = useRef<HTMLTextAreaElement>(null);
  const [caption, setCaption] = useState('');
  const [accountIds, setAccountIds] = useState<string[]>([]);
  const [mediaIds, setMediaIds] = useState<string[]>([]);
  /** Per-account platform settings as typed, kept when an account is unticked and ticked again. */
  const [settingsDrafts, setSettingsDrafts] = useState<Record<string, SettingsDraft>>({});
  const assets = useAssets(mediaIds);
  const [scheduledNote, setScheduledNote] = useState<string | null>(null);
  /** Set by a refused submit, so problems that are normal while typing are shown from then on. */
  const [attempted, setAttempted] = useState(false);
  const { when, fields, reset } = useZonedDateTime(defaultLocal, client.timezone, edited);

  /** A fresh form: the next post starts from nothing, at a fresh suggested time. */
  async function saved(note: string) {
    setCaption('');
    setAccountIds([]);
    setMediaIds([]);
    setSettingsDrafts({});
    reset(suggestedStart(Date.now(), client.timezone));
    setAttempted(false);
    setScheduledNote(note);
    await utils.posts.list.invalidate({ clientId: client.id });
  }
  const schedule = trpc.posts.schedule.useMutation({
    onSuccess: (post, _input, context) => {
      const first = post.targets[0];
      return saved(
        !first
          ? 'Scheduled.'
          : publishesNow(first.scheduledFor, context.submittedAt)
            ? 'Publishing now.'
            : `Scheduled for ${formatInZone(first.scheduledFor, client.timezone)} (${client.timezone}).`,
      );
    },
    onMutate: () => ({ submittedAt: Date.now() }),
  });
  const saveDraft = trpc.posts.saveDraft.useMutation({
    onSuccess: (post) => {
      const first = post.targets[0];
      return saved(
        first
          ? `Saved as a draft for ${formatInZone(first.scheduledFor, client.timezone)} (${client.timezone}). Nothing is published until you schedule it.`
          : 'Saved as a draft.',
      );
    },
  });
  /** The last answer from the server, whichever button asked. */
  const sent = saveDraft.error || saveDraft.isPending ? saveDraft : schedule;
  const sending = schedule.isPending || saveDraft.isPending;
  const serverError = sent.error ? summarizeError(sent.error) : null;
  const fieldError = (field: string) => serverError?.fieldErrors[field]?.[0];

  const accountsInView = client.socialAccounts.filter(
    (a) => accountIds.length === 0 || accountIds.includes(a.id),
  );
  const platforms = [...new Set(accountsInView.map((a) => a.platform))];
  // The counter follows the platform with the least room left.
  const tightest = platforms
    .map((platform) => ({
      platform,
      length: captionLength(platform, caption),
      limit: PLATFORM_RULES[platform].maxCaptionLength,
    }))
    .sort((a, b) => a.limit - a.length - (b.limit - b.length))[0];
  // Over a limit shows at once; an empty caption only once someone tried to schedule it.
  const captionMessages = [
    ...new Set(
      platforms.flatMap((p) =>
        attempted
          ? captionProblems(p, caption)
          : [captionLimitProblem(p, caption)].filter((m): m is string => m !== null),
      ),
    ),
  ];
  const captionError =
    captionMessages.length > 0 ? captionMessages.join(' ') : fieldError('caption');
  // Each chosen account's platform settings; TikTok's choices come from creator_info.
  const chosen = client.socialAccounts.filter((a) => accountIds.includes(a.id));
  const tiktokIds = chosen.filter((a) => a.platform === 'tiktok').map((a) => a.id);
  const creatorQueries = trpc.useQueries((t) =>
    tiktokIds.map((accountId) =>
      t.accounts.tiktokCreatorInfo({ accountId }, { staleTime: 60_000, retry: false }),
    ),
  );
  const creators = new Map<string, CreatorInfoState>(
    tiktokIds.map((accountId, i) => {
      const q = creatorQueries[i]!;
      return [
        accountId,
        { data: q.data, isLoading: q.isLoading, error: q.error, refetch: q.refetch },
      ];
    }),
  );
  const resolved = new Map<string, ResolvedSettings>(
    chosen.map((a) => {
      const answer = creators.get(a.id)?.data;
      return [
        a.id,
        resolveSettings(a.platform, settingsDrafts[a.id] ?? EMPTY_DRAFT, {
          timeZone: client.timezone,
          creator: answer?.ok ? answer.info : null,
        }),
      ];
    }),
  );
  const settingsProblems = [...resolved.values()].flatMap((r) => (r.problem ? [r.problem] : []));
  const settingsStorable = [...resolved.values()].every((r) => r.storable);
  // The same selection the engine makes, per chosen account and its post type (an Instagram
  // story, a YouTube Short), as the files come and go.
  const known = assets.filter((a): a is AssetView => a !== undefined);
  const loaded = known.length === assets.length;
  const mediaProblems = loaded
    ? [
        ...new Set(
          chosen.flatMap((a) => {
            const settings = resolved.get(a.id)?.settings;
            const selection = selectMedia(
              a.platform,
              settingsPostType(settings),
              known.map(toSelectable),
            );
            return [
              ...(selection.ok
                ? []
                : selection.problems.map((m) => `${PLATFORM_LABELS[a.platform]}: ${m}`)),
              ...settingsMediaProblems(a.platform, settings, known),
            ];
          }),
        ),
      ]
    : [];

  /** Any change makes the last answer from the server out of date. */
  function edited() {
    setScheduledNote(null);
    if (schedule.error) schedule.reset();
    if (saveDraft.error) saveDraft.reset();
  }

  function toggle(accountId: string, checked: boolean) {
    edited();
    setAccountIds((ids) => (checked ? [...ids, accountId] : ids.filter((x) => x !== accountId)));
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setScheduledNote(null);
    setAttempted(true);
    const captionOk = platforms.every((p) => captionProblems(p, caption).length === 0);
    if (!captionOk) {
      captionRef.current?.focus();
      return;
    }
    // An impossible, unfinished or undecided time is explained next to the inputs; nothing is sent.
    if (when.kind !== 'ok') return;
    schedule.reset();
    saveDraft.reset();
    const settings = Object.fromEntries(
      [...resolved.entries()]
        .filter(([, r]) => Object.keys(r.settings).length > 0)
        .map(([accountId, r]) => [accountId, r.settings]),
    );
    const input = {
      clientId: client.id,
      caption,
      accountIds,
      scheduledFor: when.instant,
      mediaIds,
      ...(Object.keys(settings).length > 0 ? { settings } : {}),
    };
    // Enter in a field submits with the first button: Schedule post.
    const submitter = (event.nativeEvent as SubmitEvent).submitter;
    // Settings the platform refuses outright are explained beside them, for a draft too.
    if (submitter?.getAttribute('value') === 'draft') {
      if (settingsStorable) saveDraft.mutate(input);
    }
    // Media that does not fit (or is still processing) and settings not chosen yet are
    // explained beside them; a draft may wait for both.
    else if (mediaProblems.length === 0 && settingsProblems.length === 0) schedule.mutate(input);
  }

  return (
    <form className="stack" aria-labelledby={`${id}-heading`} onSubmit={submit} noValidate>
      <h2 id={`${id}-heading`}>New post</h2>

      <div className="field">
        <label htmlFor={`${id}-caption`}>Caption</label>
        <textarea
          ref={captionRef}
          id={`${id}-caption`}
          rows={5}
          value={caption}
          onChange={(e) => {
            setCaption(e.target.value);
            edited();
          }}
          aria-invalid={captionError ? true : undefined}
          aria-describedby={`${id}-count${captionError ? ` ${id}-caption-error` : ''}`}
        />
        <p
          id={`${id}-count`}
          className={
            tightest && tightest.length > tightest.limit ? 'field-help over' : 'field-help'
          }
        >
          {tightest
            ? `${tightest.length.toLocaleString('en-US')} / ${tightest.limit.toLocaleString('en-US')} characters${
                platforms.length > 1 ? ` on ${PLATFORM_LABELS[tightest.platform]}` : ''
              }`
            : `${caption.length.toLocaleString('en-US')} characters`}
        </p>
        {captionError ? (
          <p className="field-error" id={`${id}-caption-error`}>
            {captionError}
          </p>
        ) : null}
      </div>

      <MediaPicker
        clientId={client.id}
        value={mediaIds}
        assets={assets}
        onChange={(update) => {
          edited();
          setMediaIds(update);
        }}
        problems={mediaProblems}
      />

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

      {chosen
        .filter((a) => hasSettings(a.platform))
        .map((account) => (
          <PlatformSettings
            key={account.id}
            account={account}
            clientId={client.id}
            timeZone={client.timezone}
            draft={settingsDrafts[account.id] ?? EMPTY_DRAFT}
            onChange={(draft) => {
              edited();
              setSettingsDrafts((drafts) => ({ ...drafts, [account.id]: draft }));
            }}
            problem={resolved.get(account.id)?.problem ?? null}
            {...(creators.has(account.id) ? { creator: creators.get(account.id)! } : {})}
          />
        ))}

      <ZonedDateTimeFields idPrefix={`${id}-when`} timeZone={client.timezone} {...fields} />
      {attempted && when.kind === 'empty' ? (
        <p className="field-error">Pick a date and a time.</p>
      ) : null}
      {attempted && when.kind === 'ambiguous' ? (
        <p className="field-error">Choose which of the two times you mean.</p>
      ) : null}
      {fieldError('scheduledFor') ? (
        <p className="field-error">{fieldError('scheduledFor')}</p>
      ) : null}

      {sent.error ? <ApiError error={sent.error} /> : null}
      {scheduledNote ? (
        <p className="notice" role="status">
          {scheduledNote}
        </p>
      ) : null}

      <div className="row">
        <button
          type="submit"
          name="intent"
          value="schedule"
          className="button primary"
          disabled={sending}
          aria-describedby={`${id}-when-publish-now`}
        >
          {schedule.isPending ? 'Scheduling…' : 'Schedule post'}
        </button>
        <button
          type="submit"
          name="intent"
          value="draft"
          className="button subtle"
          disabled={sending}
        >
          {saveDraft.isPending ? 'Saving…' : 'Save as draft'}
        </button>
      </div>
    </form>
  );
}
