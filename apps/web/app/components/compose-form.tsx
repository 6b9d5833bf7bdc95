// The composer: the accounts to publish to, an "All platforms" tab with the caption and media,
// and a tab per chosen platform with that platform's own caption (optional), its accounts'
// settings and a preview as its feed shows the post. Checked live against each platform's
// rules; scheduled at a time in the client's timezone, saved as a draft, or published now.
// Unsaved work is kept in this browser and offered back after a reload.
import {
  brandProblems,
  captionLength,
  captionLimitProblem,
  captionProblems,
  isAccountUsable,
  type BrandProfile,
  PLATFORM_LABELS,
  PLATFORM_RULES,
  selectMedia,
  settingsMediaProblems,
  settingsPostType,
  type Platform,
  type SocialAccountStatus,
} from '@herald/core/domain';
import {
  Alert,
  Button,
  Checkbox,
  Fieldset,
  Group,
  Stack,
  Tabs,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { useId, useRef, useState, type FormEvent } from 'react';
import { formatInZone } from '../lib/format.ts';
import { summarizeError } from '../lib/trpc-errors.ts';
import { ApiError } from './api-error.tsx';
import { trpc } from '../lib/trpc.ts';
import { useZonedDateTime } from '../lib/use-zoned-date-time.ts';
import { publishesNow, suggestedStart } from '../lib/zoned-input.ts';
import { ZonedDateTimeFields } from './zoned-date-time-fields.tsx';
import { MediaPicker, toSelectable, useAssets, type AssetView } from './media-picker.tsx';
import { useAutosave } from './composer/autosave.ts';
import { PlatformSettings, type CreatorInfoState } from './composer/platform-settings.tsx';
import { PostPreview } from './composer/post-preview.tsx';
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
  client: {
    id: string;
    name: string;
    timezone: string;
    socialAccounts: ComposeAccount[];
    /** The client's brand rules: what the caption is checked against (advice, not a block). */
    brandProfile?: BrandProfile;
  };
  /** Wall-clock default for the date and time inputs, in the client's timezone. */
  defaultLocal: { date: string; time: string };
}

/** Why an account Herald cannot post with is greyed out (isAccountUsable decides which). */
const UNUSABLE: Partial<Record<SocialAccountStatus, string>> = {
  needs_action: 'Needs reconnecting before Herald can post to it.',
  revoked: 'Access was revoked. Reconnect it to post again.',
};

/** What the composer keeps in this browser until the post is saved. */
interface Work {
  caption: string;
  accountIds: string[];
  mediaIds: string[];
  captions: Partial<Record<Platform, string>>;
  settings: Record<string, SettingsDraft>;
  date: string;
  time: string;
}

const ALL = 'all';

export function ComposeForm({ client, defaultLocal }: Props) {
  const id = useId();
  const utils = trpc.useUtils();
  const captionRef = useRef<HTMLTextAreaElement>(null);
  const [caption, setCaption] = useState('');
  const [accountIds, setAccountIds] = useState<string[]>([]);
  const [mediaIds, setMediaIds] = useState<string[]>([]);
  /** A platform's own caption; absent or blank: the post's caption. */
  const [captions, setCaptions] = useState<Partial<Record<Platform, string>>>({});
  /** Per-account platform settings as typed, kept when an account is unticked and ticked again. */
  const [settingsDrafts, setSettingsDrafts] = useState<Record<string, SettingsDraft>>({});
  const [tab, setTab] = useState<string>(ALL);
  const assets = useAssets(mediaIds);
  const [scheduledNote, setScheduledNote] = useState<string | null>(null);
  /** Set by a refused submit, so problems that are normal while typing are shown from then on. */
  const [attempted, setAttempted] = useState(false);
  const { when, fields, reset } = useZonedDateTime(defaultLocal, client.timezone, edited);

  const work: Work = {
    caption,
    accountIds,
    mediaIds,
    captions,
    settings: settingsDrafts,
    date: fields.date,
    time: fields.time,
  };
  const autosave = useAutosave(
    client.id,
    work,
    caption.trim() !== '' ||
      mediaIds.length > 0 ||
      Object.values(captions).some((c) => c?.trim()) ||
      Object.keys(settingsDrafts).length > 0,
  );

  function restore(saved: Work) {
    const known = new Set(client.socialAccounts.map((a) => a.id));
    setCaption(saved.caption ?? '');
    setAccountIds((saved.accountIds ?? []).filter((a) => known.has(a)));
    setMediaIds(saved.mediaIds ?? []);
    setCaptions(saved.captions ?? {});
    setSettingsDrafts(saved.settings ?? {});
    if (saved.date && saved.time) reset({ date: saved.date, time: saved.time });
    autosave.settle();
  }

  /** A fresh form: the next post starts from nothing, at a fresh suggested time. */
  async function saved(note: string) {
    setCaption('');
    setAccountIds([]);
    setMediaIds([]);
    setCaptions({});
    setSettingsDrafts({});
    setTab(ALL);
    reset(suggestedStart(Date.now(), client.timezone));
    setAttempted(false);
    setScheduledNote(note);
    autosave.clear();
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

  const chosen = client.socialAccounts.filter((a) => accountIds.includes(a.id));
  const accountsInView = chosen.length > 0 ? chosen : client.socialAccounts;
  const platforms = [...new Set(accountsInView.map((a) => a.platform))];
  const chosenPlatforms = [...new Set(chosen.map((a) => a.platform))];
  const ownCaption = (p: Platform) => {
    const own = captions[p];
    return own !== undefined && own.trim() !== '' ? own : null;
  };
  /** Platforms that publish the post's caption (no caption of their own). */
  const onMainCaption = platforms.filter((p) => ownCaption(p) === null);
  const problemsOf = (p: Platform, text: string) =>
    attempted
      ? captionProblems(p, text)
      : [captionLimitProblem(p, text)].filter((m): m is string => m !== null);
  // The counter follows the platform with the least room left.
  const tightest = onMainCaption
    .map((platform) => ({
      platform,
      length: captionLength(platform, caption),
      limit: PLATFORM_RULES[platform].maxCaptionLength,
    }))
    .sort((a, b) => a.limit - a.length - (b.limit - b.length))[0];
  // Over a limit shows at once; an empty caption only once someone tried to schedule it.
  const captionMessages = [...new Set(onMainCaption.flatMap((p) => problemsOf(p, caption)))];
  const captionError =
    captionMessages.length > 0 ? captionMessages.join(' ') : fieldError('caption');

  // Each chosen account's platform settings; TikTok's choices come from creator_info.
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
  const settingsProblems = chosen.flatMap((a) => {
    const problem = resolved.get(a.id)?.problem;
    return problem ? [{ platform: a.platform, problem }] : [];
  });
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
  /** A platform's own caption's problems (shown in its tab). */
  const ownCaptionProblems = (p: Platform) => {
    const own = ownCaption(p);
    return own === null ? [] : problemsOf(p, own);
  };

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
    const submitter = (event.nativeEvent as SubmitEvent).submitter;
    const intent = submitter?.getAttribute('value') ?? 'schedule';
    if (!onMainCaption.every((p) => captionProblems(p, caption).length === 0)) {
      setTab(ALL);
      // After the tab shows, so the caption can take the focus.
      requestAnimationFrame(() => captionRef.current?.focus());
      return;
    }
    const ownRefused = chosenPlatforms.find(
      (p) => ownCaption(p) !== null && captionProblems(p, ownCaption(p)!).length > 0,
    );
    if (ownRefused) {
      setTab(ownRefused);
      return;
    }
    // An impossible, unfinished or undecided time is explained next to the inputs; nothing is
    // sent. Publishing now needs no time.
    if (intent !== 'now' && when.kind !== 'ok') return;
    schedule.reset();
    saveDraft.reset();
    const settings = Object.fromEntries(
      [...resolved.entries()]
        .filter(([, r]) => Object.keys(r.settings).length > 0)
        .map(([accountId, r]) => [accountId, r.settings]),
    );
    const own = Object.fromEntries(
      chosen.flatMap((a) => {
        const text = ownCaption(a.platform);
        return text === null ? [] : [[a.id, text]];
      }),
    );
    const input = {
      clientId: client.id,
      caption,
      accountIds,
      scheduledFor: intent === 'now' ? new Date() : when.kind === 'ok' ? when.instant : new Date(),
      mediaIds,
      ...(Object.keys(settings).length > 0 ? { settings } : {}),
      ...(Object.keys(own).length > 0 ? { captions: own } : {}),
    };
    // Settings the platform refuses outright are explained beside them, for a draft too.
    if (intent === 'draft') {
      if (settingsStorable) saveDraft.mutate(input);
      else if (settingsProblems[0]) setTab(settingsProblems[0].platform);
      return;
    }
    // Media that does not fit (or is still processing) and settings not chosen yet are
    // explained beside them; a draft may wait for both.
    if (settingsProblems[0]) {
      setTab(settingsProblems[0].platform);
      return;
    }
    if (mediaProblems.length > 0) {
      setTab(ALL);
      return;
    }
    schedule.mutate(input);
  }

  const accountsOf = (p: Platform) => chosen.filter((a) => a.platform === p);
  const tabHasProblem = (p: Platform) =>
    ownCaptionProblems(p).length > 0 || settingsProblems.some((s) => s.platform === p);

  return (
    <form aria-labelledby={`${id}-heading`} onSubmit={submit} noValidate>
      <Stack gap="md">
        <Title order={2} id={`${id}-heading`}>
          New post
        </Title>

        {autosave.offer ? (
          <Alert color="blue" title="Unsaved post found">
            <Stack gap="xs" align="flex-start">
              <Text size="sm">
                This browser kept a post you had not saved (
                {formatInZone(new Date(autosave.offer.savedAt), client.timezone)}, {client.timezone}
                ).
              </Text>
              <Group gap="xs">
                <Button size="xs" onClick={() => restore(autosave.offer!.work)}>
                  Restore it
                </Button>
                <Button size="xs" variant="subtle" onClick={() => autosave.settle()}>
                  Discard it
                </Button>
              </Group>
            </Stack>
          </Alert>
        ) : null}

        <Fieldset legend="Publish to">
          {client.socialAccounts.length === 0 ? (
            <Text c="dimmed">This client has no connected accounts yet.</Text>
          ) : (
            <Stack gap="xs">
              {client.socialAccounts.map((account) => {
                const unusable = isAccountUsable(account.status)
                  ? null
                  : (UNUSABLE[account.status] ?? 'Reconnect it before Herald can post to it.');
                return (
                  <Checkbox
                    key={account.id}
                    checked={accountIds.includes(account.id)}
                    disabled={Boolean(unusable)}
                    onChange={(e) => toggle(account.id, e.currentTarget.checked)}
                    label={`${PLATFORM_LABELS[account.platform]} ${account.handle}`}
                    description={unusable}
                  />
                );
              })}
            </Stack>
          )}
          {fieldError('accountIds') ? (
            <Text c="red" size="sm" mt="xs">
              {fieldError('accountIds')}
            </Text>
          ) : null}
        </Fieldset>

        <Tabs value={tab} onChange={(value) => setTab(value ?? ALL)}>
          <Tabs.List aria-label="Post variants">
            <Tabs.Tab value={ALL}>All platforms</Tabs.Tab>
            {chosenPlatforms.map((p) => (
              <Tabs.Tab key={p} value={p} color={tabHasProblem(p) ? 'red' : undefined}>
                {PLATFORM_LABELS[p]}
                {tabHasProblem(p) ? ' (needs attention)' : ''}
              </Tabs.Tab>
            ))}
          </Tabs.List>

          <Tabs.Panel value={ALL} pt="sm">
            <Stack gap="md">
              <Textarea
                ref={captionRef}
                label="Caption"
                autosize
                minRows={5}
                value={caption}
                onChange={(e) => {
                  setCaption(e.currentTarget.value);
                  edited();
                }}
                description={
                  <span
                    id={`${id}-count`}
                    style={
                      tightest && tightest.length > tightest.limit
                        ? { color: 'var(--mantine-color-red-7)' }
                        : undefined
                    }
                  >
                    {tightest
                      ? `${tightest.length.toLocaleString('en-US')} / ${tightest.limit.toLocaleString('en-US')} characters${
                          onMainCaption.length > 1
                            ? ` on ${PLATFORM_LABELS[tightest.platform]}`
                            : ''
                        }`
                      : `${caption.length.toLocaleString('en-US')} characters`}
                  </span>
                }
                error={captionError}
              />
              {client.brandProfile && caption.trim() ? (
                <BrandAdvice problems={brandProblems(client.brandProfile, caption)} />
              ) : null}
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
            </Stack>
          </Tabs.Panel>

          {chosenPlatforms.map((p) => {
            const own = captions[p] ?? '';
            const text = ownCaption(p) ?? caption;
            const problems = ownCaptionProblems(p);
            const rules = PLATFORM_RULES[p];
            return (
              <Tabs.Panel key={p} value={p} pt="sm">
                <Stack gap="md">
                  <Textarea
                    label={`Text on ${PLATFORM_LABELS[p]}`}
                    description={`${PLATFORM_LABELS[p]} counts ${captionLength(p, text).toLocaleString('en-US')} of its ${rules.maxCaptionLength.toLocaleString('en-US')} characters. Leave empty to publish the caption from “All platforms”.`}
                    placeholder={caption}
                    autosize
                    minRows={4}
                    value={own}
                    onChange={(e) => {
                      const value = e.currentTarget.value;
                      setCaptions((all) => ({ ...all, [p]: value }));
                      edited();
                    }}
                    error={problems.length > 0 ? problems.join(' ') : undefined}
                  />
                  {accountsOf(p)
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
                        {...(creators.has(account.id)
                          ? { creator: creators.get(account.id)! }
                          : {})}
                      />
                    ))}
                  {accountsOf(p).map((account) => (
                    <PostPreview
                      key={account.id}
                      platform={p}
                      handle={account.handle}
                      caption={text}
                      media={known}
                    />
                  ))}
                </Stack>
              </Tabs.Panel>
            );
          })}
        </Tabs>

        <ZonedDateTimeFields idPrefix={`${id}-when`} timeZone={client.timezone} {...fields} />
        {attempted && when.kind === 'empty' ? (
          <Text c="red" size="sm">
            Pick a date and a time.
          </Text>
        ) : null}
        {attempted && when.kind === 'ambiguous' ? (
          <Text c="red" size="sm">
            Choose which of the two times you mean.
          </Text>
        ) : null}
        {fieldError('scheduledFor') ? (
          <Text c="red" size="sm">
            {fieldError('scheduledFor')}
          </Text>
        ) : null}
        {settingsProblems.length > 0 && attempted ? (
          <Text c="red" size="sm">
            Some platform settings need attention:{' '}
            {[...new Set(settingsProblems.map((s) => PLATFORM_LABELS[s.platform]))].join(', ')}.
          </Text>
        ) : null}

        {sent.error ? <ApiError error={sent.error} /> : null}
        {scheduledNote ? (
          <p className="notice" role="status">
            {scheduledNote}
          </p>
        ) : null}

        <Group gap="sm">
          <Button
            type="submit"
            name="intent"
            value="schedule"
            disabled={sending}
            aria-describedby={`${id}-when-publish-now`}
          >
            {schedule.isPending ? 'Scheduling…' : 'Schedule post'}
          </Button>
          <Button type="submit" name="intent" value="draft" variant="default" disabled={sending}>
            {saveDraft.isPending ? 'Saving…' : 'Save as draft'}
          </Button>
          <Button type="submit" name="intent" value="now" variant="light" disabled={sending}>
            Publish now
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** What the caption misses of the client's brand profile; advice, since a person decides. */
function BrandAdvice({ problems }: { problems: string[] }) {
  if (problems.length === 0) return null;
  return (
    <Alert color="yellow" title="Brand profile" role="status">
      <Stack gap={2}>
        {problems.map((problem) => (
          <Text key={problem} size="sm">
            {problem}
          </Text>
        ))}
      </Stack>
    </Alert>
  );
}
