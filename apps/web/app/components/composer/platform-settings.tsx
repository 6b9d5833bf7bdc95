// One chosen account's platform settings in the composer: what kind of post (an Instagram story
// or reel, a YouTube Short, a Google Business event or offer), TikTok's privacy and interactions
// from the creator's own options, a YouTube title, tags, privacy and thumbnail, a LinkedIn
// article link. The sentence from resolveSettings shows beside the fields.
import {
  GBP_ACTION_TYPES,
  PLATFORM_LABELS,
  YOUTUBE_TITLE_MAX,
  type Platform,
} from '@herald/core/domain';
import {
  Alert,
  Button,
  Checkbox,
  Fieldset,
  Group,
  Loader,
  Radio,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  TagsInput,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import { useId } from 'react';
import { trpc, type RouterOutputs } from '../../lib/trpc.ts';
import { withValue, type LocalDateTime, type SettingsDraft } from './settings-draft.ts';

export type CreatorInfoAnswer = RouterOutputs['accounts']['tiktokCreatorInfo'];

export interface CreatorInfoState {
  data: CreatorInfoAnswer | undefined;
  isLoading: boolean;
  error: { message: string } | null;
  refetch: () => unknown;
}

interface Props {
  account: { id: string; platform: Platform; handle: string };
  clientId: string;
  timeZone: string;
  draft: SettingsDraft;
  onChange: (draft: SettingsDraft) => void;
  problem: string | null;
  /** TikTok accounts: what creator_info answered. */
  creator?: CreatorInfoState;
}

export function PlatformSettings(props: Props) {
  const { account, draft, onChange, problem } = props;
  const id = useId();
  const set = (key: string, value: unknown) =>
    onChange({ ...draft, values: withValue(draft.values, key, value) });
  const label = `${PLATFORM_LABELS[account.platform]} settings for ${account.handle}`;
  return (
    <Fieldset
      legend={label}
      aria-describedby={problem ? `${id}-problem` : undefined}
      data-account-settings={account.id}
    >
      <Stack gap="sm">
        {account.platform === 'tiktok' ? (
          <TikTokFields {...props} set={set} />
        ) : account.platform === 'youtube' ? (
          <YouTubeFields {...props} set={set} />
        ) : account.platform === 'instagram' ? (
          <SegmentedControl
            aria-label="Instagram post type"
            value={(draft.values.postType as string | undefined) ?? 'feed'}
            onChange={(value) => set('postType', value === 'feed' ? undefined : value)}
            data={[
              { value: 'feed', label: 'Feed post' },
              { value: 'reel', label: 'Reel' },
              { value: 'story', label: 'Story' },
            ]}
          />
        ) : account.platform === 'linkedin' ? (
          <LinkedInFields {...props} set={set} />
        ) : account.platform === 'google_business' ? (
          <GoogleBusinessFields {...props} set={set} />
        ) : null}
        {problem ? (
          <Text id={`${id}-problem`} c="red" size="sm" role="alert">
            {problem}
          </Text>
        ) : null}
      </Stack>
    </Fieldset>
  );
}

type FieldsProps = Props & { set: (key: string, value: unknown) => void };

const PRIVACY_LABELS: Record<string, string> = {
  PUBLIC_TO_EVERYONE: 'Everyone',
  MUTUAL_FOLLOW_FRIENDS: 'Friends',
  FOLLOWER_OF_CREATOR: 'Followers',
  SELF_ONLY: 'Only me',
};

function TikTokFields({ draft, set, creator }: FieldsProps) {
  const answer = creator?.data;
  if (!creator || creator.isLoading) {
    return (
      <Group gap="xs">
        <Loader size="xs" />
        <Text size="sm">Asking TikTok what this account may choose…</Text>
      </Group>
    );
  }
  const failure = creator.error?.message ?? (answer && !answer.ok ? answer.problem : null);
  if (failure || !answer || !answer.ok) {
    return (
      <Alert color="red" title="TikTok’s posting options are not available">
        <Stack gap="xs" align="flex-start">
          <Text size="sm">
            {failure ?? 'TikTok did not answer.'} Herald needs them before it can post this video.
          </Text>
          <Button size="xs" variant="light" onClick={() => void creator.refetch()}>
            Ask TikTok again
          </Button>
        </Stack>
      </Alert>
    );
  }
  const info = answer.info;
  const values = draft.values;
  const interaction = (key: string, what: string, disabled: boolean) => (
    <Switch
      label={`Allow ${what}`}
      checked={!disabled && values[key] !== true}
      disabled={disabled}
      description={
        disabled ? `${info.nickname ?? 'The creator'} turned ${what} off in TikTok.` : undefined
      }
      onChange={(e) => set(key, e.currentTarget.checked ? undefined : true)}
    />
  );
  return (
    <>
      <Text size="sm">
        Posting as <strong>{info.nickname ?? info.username ?? 'this creator'}</strong>
        {info.username ? ` (@${info.username})` : ''}
        {info.maxVideoSeconds ? `; videos of up to ${info.maxVideoSeconds} seconds.` : '.'}
      </Text>
      <Radio.Group
        label="Who can see this video"
        description="TikTok asks the creator to choose; nothing is chosen for you."
        value={(values.privacyLevel as string | undefined) ?? null}
        onChange={(value) => set('privacyLevel', value)}
        withAsterisk
      >
        <Group mt="xs">
          {info.privacyLevels.map((level) => (
            <Radio key={level} value={level} label={PRIVACY_LABELS[level] ?? level} />
          ))}
        </Group>
      </Radio.Group>
      {interaction('disableComment', 'comments', info.commentDisabled)}
      {interaction('disableDuet', 'duets', info.duetDisabled)}
      {interaction('disableStitch', 'stitches', info.stitchDisabled)}
      <Checkbox
        label="Promotes your own brand"
        checked={values.brandOrganic === true}
        onChange={(e) => set('brandOrganic', e.currentTarget.checked || undefined)}
      />
      <Checkbox
        label="Branded content (a paid partnership)"
        description="Branded content cannot be private on TikTok."
        checked={values.brandedContent === true}
        onChange={(e) => set('brandedContent', e.currentTarget.checked || undefined)}
      />
    </>
  );
}

function YouTubeFields({ draft, set, clientId }: FieldsProps) {
  const values = draft.values;
  const library = trpc.media.list.useQuery({ clientId, limit: 100 });
  const images = (library.data?.items ?? []).filter(
    (a) => a.kind === 'image' && a.status === 'ready',
  );
  const title = (values.title as string | undefined) ?? '';
  return (
    <>
      <SegmentedControl
        aria-label="YouTube post type"
        value={(values.postType as string | undefined) ?? 'video'}
        onChange={(value) => set('postType', value === 'video' ? undefined : value)}
        data={[
          { value: 'video', label: 'Video' },
          { value: 'short', label: 'Short' },
        ]}
      />
      <TextInput
        label="Title"
        description={`Up to ${YOUTUBE_TITLE_MAX} characters; the caption’s first line when empty (${title.length}/${YOUTUBE_TITLE_MAX}).`}
        value={title}
        onChange={(e) => set('title', e.currentTarget.value)}
      />
      <TagsInput
        label="Tags"
        description="Press Enter after each tag."
        value={(values.tags as string[] | undefined) ?? []}
        onChange={(tags) => set('tags', tags)}
      />
      <Select
        label="Privacy"
        value={(values.privacy as string | undefined) ?? 'public'}
        onChange={(value) => set('privacy', value === 'public' ? undefined : value)}
        data={[
          { value: 'public', label: 'Public' },
          { value: 'unlisted', label: 'Unlisted' },
          { value: 'private', label: 'Private' },
        ]}
        allowDeselect={false}
      />
      <Switch
        label="Made for kids"
        checked={values.madeForKids === true}
        onChange={(e) => set('madeForKids', e.currentTarget.checked || undefined)}
      />
      <Select
        label="Thumbnail"
        description={
          library.error
            ? `The library could not be read: ${library.error.message}`
            : 'A ready picture from this client’s library; YouTube picks a frame when empty.'
        }
        placeholder={library.isLoading ? 'Loading the library…' : 'YouTube’s own frame'}
        value={(values.thumbnailAssetId as string | undefined) ?? null}
        onChange={(value) => set('thumbnailAssetId', value ?? undefined)}
        data={images.map((a) => ({ value: a.id, label: a.name }))}
        clearable
        searchable
      />
    </>
  );
}

function LinkedInFields({ draft, set }: FieldsProps) {
  const article = (draft.values.article as Record<string, string | undefined> | undefined) ?? {};
  const change = (key: string, value: string) => {
    const next = { ...article, [key]: value.trim() === '' ? undefined : value };
    set('article', next);
  };
  return (
    <>
      <TextInput
        label="Article link"
        description="Shown as a card with its own title and description; leave empty for an ordinary post."
        type="url"
        value={article.url ?? ''}
        onChange={(e) => change('url', e.currentTarget.value)}
      />
      {article.url ? (
        <>
          <TextInput
            label="Article title"
            value={article.title ?? ''}
            onChange={(e) => change('title', e.currentTarget.value)}
          />
          <Textarea
            label="Article description"
            value={article.description ?? ''}
            onChange={(e) => change('description', e.currentTarget.value)}
          />
        </>
      ) : null}
    </>
  );
}

const CTA_LABELS: Record<(typeof GBP_ACTION_TYPES)[number], string> = {
  BOOK: 'Book',
  ORDER: 'Order online',
  SHOP: 'Buy',
  LEARN_MORE: 'Learn more',
  SIGN_UP: 'Sign up',
  CALL: 'Call now',
};

function GoogleBusinessFields({ draft, onChange, set, timeZone }: FieldsProps) {
  const values = draft.values;
  const topic = (values.topicType as string | undefined) ?? 'STANDARD';
  const event = (values.event as Record<string, unknown> | undefined) ?? {};
  const offer = (values.offer as Record<string, string | undefined> | undefined) ?? {};
  const cta = values.callToAction as { actionType: string; url?: string } | undefined;
  const moment = (which: 'start' | 'end', key: keyof LocalDateTime, value: string) =>
    onChange({
      ...draft,
      [which]: { date: '', time: '', ...draft[which], [key]: value },
    });
  const offerField = (key: string, value: string) =>
    set('offer', { ...offer, [key]: value.trim() === '' ? undefined : value });
  return (
    <>
      <SegmentedControl
        aria-label="Google Business post type"
        value={topic}
        onChange={(value) => set('topicType', value === 'STANDARD' ? undefined : value)}
        data={[
          { value: 'STANDARD', label: 'Update' },
          { value: 'EVENT', label: 'Event' },
          { value: 'OFFER', label: 'Offer' },
        ]}
      />
      {topic !== 'STANDARD' ? (
        <>
          <TextInput
            label={topic === 'OFFER' ? 'Offer title' : 'Event title'}
            value={(event.title as string | undefined) ?? ''}
            onChange={(e) =>
              set('event', {
                ...event,
                title: e.currentTarget.value === '' ? undefined : e.currentTarget.value,
              })
            }
          />
          <Text size="sm">
            Runs from and to, in <strong>{timeZone}</strong>:
          </Text>
          {(['start', 'end'] as const).map((which) => (
            <Group key={which} grow>
              <TextInput
                type="date"
                label={which === 'start' ? 'Starts on' : 'Ends on'}
                value={draft[which]?.date ?? ''}
                onChange={(e) => moment(which, 'date', e.currentTarget.value)}
              />
              <TextInput
                type="time"
                label={which === 'start' ? 'Starts at' : 'Ends at'}
                value={draft[which]?.time ?? ''}
                onChange={(e) => moment(which, 'time', e.currentTarget.value)}
              />
            </Group>
          ))}
        </>
      ) : null}
      {topic === 'OFFER' ? (
        <>
          <TextInput
            label="Coupon code"
            value={offer.couponCode ?? ''}
            onChange={(e) => offerField('couponCode', e.currentTarget.value)}
          />
          <TextInput
            label="Redeem online at"
            type="url"
            value={offer.redeemOnlineUrl ?? ''}
            onChange={(e) => offerField('redeemOnlineUrl', e.currentTarget.value)}
          />
          <Textarea
            label="Terms and conditions"
            value={offer.termsConditions ?? ''}
            onChange={(e) => offerField('termsConditions', e.currentTarget.value)}
          />
        </>
      ) : (
        <Group grow align="flex-start">
          <Select
            label="Button"
            placeholder="No button"
            value={cta?.actionType ?? null}
            onChange={(value) =>
              set('callToAction', value ? { ...cta, actionType: value } : undefined)
            }
            data={GBP_ACTION_TYPES.map((t) => ({ value: t, label: CTA_LABELS[t] }))}
            clearable
          />
          {cta && cta.actionType !== 'CALL' ? (
            <TextInput
              label="Button link"
              type="url"
              value={cta.url ?? ''}
              onChange={(e) =>
                set('callToAction', {
                  actionType: cta.actionType,
                  ...(e.currentTarget.value ? { url: e.currentTarget.value } : {}),
                })
              }
            />
          ) : null}
        </Group>
      )}
      <TextInput
        label="Language"
        description="A language code such as en or de-CH; Google decides when empty."
        value={(values.languageCode as string | undefined) ?? ''}
        onChange={(e) => set('languageCode', e.currentTarget.value.trim())}
      />
    </>
  );
}
