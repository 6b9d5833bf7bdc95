// What a person may choose per platform for one target beyond its caption and media: the kind
// of post (an Instagram story, a YouTube Short, a Google Business event), TikTok's privacy and
// interactions, a YouTube title and tags, a LinkedIn article link. Stored with the target
// (post_targets.settings), checked when it is scheduled, and handed to the adapter as
// PublishContent.settings. Every field is optional: absent means the platform's default.
import { z } from 'zod';
import { PLATFORM_LABELS, type Platform } from './platforms.ts';
import { POST_TYPES } from './media-rules.ts';

const httpsUrl = z
  .url({ protocol: /^https?$/, message: 'must be a web address starting with http:// or https://' })
  .max(2_048);

/** TikTok's privacy levels (creator_info lists which the account may use). */
export const TIKTOK_PRIVACY_LEVELS = [
  'PUBLIC_TO_EVERYONE',
  'MUTUAL_FOLLOW_FRIENDS',
  'FOLLOWER_OF_CREATOR',
  'SELF_ONLY',
] as const;

export const YOUTUBE_PRIVACY = ['public', 'unlisted', 'private'] as const;
/** YouTube's documented limits: a title of 100 characters, tags of 500 characters in all. */
export const YOUTUBE_TITLE_MAX = 100;
export const YOUTUBE_TAGS_MAX_CHARS = 500;

/**
 * Tags as YouTube counts them against its 500 characters: the commas between them count, and a
 * tag with a space counts as if quoted ("Foo Baz" is 9 characters; videos resource, snippet.tags).
 */
export function youtubeTagsLength(tags: readonly string[]): number {
  return tags.reduce(
    (sum, tag, i) => sum + [...tag].length + (tag.includes(' ') ? 2 : 0) + (i > 0 ? 1 : 0),
    0,
  );
}

/** YouTube refuses `<` and `>` in titles, descriptions and tags. */
const noAngleBrackets = (what: string) =>
  [(value: string) => !/[<>]/.test(value), { message: `${what} may not contain < or >` }] as const;

/** Google Business Profile call-to-action types (localPosts.callToAction.actionType). */
export const GBP_ACTION_TYPES = ['BOOK', 'ORDER', 'SHOP', 'LEARN_MORE', 'SIGN_UP', 'CALL'] as const;
export const GBP_TOPIC_TYPES = ['STANDARD', 'EVENT', 'OFFER'] as const;

// Reels and stories go through Facebook's own Reels and Stories publishing APIs, which the
// adapter does not speak yet: refused here, so a person hears it when scheduling instead of
// seeing an ordinary post go out.
const FacebookSettings = z.strictObject({
  postType: z
    .enum(POST_TYPES.facebook)
    .refine((type) => type === 'post', {
      message: 'Herald publishes Facebook posts only; reels and stories are not supported yet',
    })
    .optional(),
});

const InstagramSettings = z.strictObject({
  postType: z.enum(POST_TYPES.instagram).optional(),
});

const XSettings = z.strictObject({});

const LinkedInSettings = z.strictObject({
  /** An article link shown as a card (content.article), with its own title and description. */
  article: z
    .strictObject({
      url: httpsUrl,
      title: z.string().trim().min(1).max(400).optional(),
      description: z.string().trim().max(4_086).optional(),
    })
    .optional(),
});

const TikTokSettings = z.strictObject({
  privacyLevel: z.enum(TIKTOK_PRIVACY_LEVELS).optional(),
  disableComment: z.boolean().optional(),
  disableDuet: z.boolean().optional(),
  disableStitch: z.boolean().optional(),
  /** The video promotes the creator's own business (TikTok's "Your brand"). */
  brandOrganic: z.boolean().optional(),
  /** A paid partnership (TikTok's "Branded content"); cannot be private. */
  brandedContent: z.boolean().optional(),
});

const YouTubeSettings = z.strictObject({
  postType: z.enum(POST_TYPES.youtube).optional(),
  /** Defaults to the caption's first line, cut to 100 characters. */
  title: z
    .string()
    .trim()
    .min(1)
    .max(YOUTUBE_TITLE_MAX)
    .refine(...noAngleBrackets('the title'))
    .optional(),
  tags: z
    .array(
      z
        .string()
        .trim()
        .min(1)
        .max(100)
        .refine(...noAngleBrackets('a tag')),
    )
    .max(50)
    .refine((tags) => youtubeTagsLength(tags) <= YOUTUBE_TAGS_MAX_CHARS, {
      message: `tags must come to ${YOUTUBE_TAGS_MAX_CHARS} characters or fewer in all (commas count, and a tag with a space counts two more for its quotes)`,
    })
    .optional(),
  privacy: z.enum(YOUTUBE_PRIVACY).optional(),
  madeForKids: z.boolean().optional(),
  /** YouTube's numeric video category id (22 is People & Blogs). */
  categoryId: z.string().regex(/^\d+$/).optional(),
  /** A ready image from the client's library, set as the custom thumbnail. */
  thumbnailAssetId: z.uuid().optional(),
});

/**
 * When an event or offer runs. Google's schedule has no time zone: the adapter sends each
 * instant's wall-clock date and time as written here (its own offset), so the composer writes
 * them in the client's time zone, which is the location's (docs/decisions/0030).
 */
const GbpSchedule = z
  .strictObject({
    startAt: z.iso.datetime({ offset: true }),
    endAt: z.iso.datetime({ offset: true }),
  })
  .refine((s) => Date.parse(s.endAt) > Date.parse(s.startAt), {
    message: 'the end must come after the start',
    path: ['endAt'],
  });

const GoogleBusinessSettings = z
  .strictObject({
    topicType: z.enum(GBP_TOPIC_TYPES).optional(),
    /** The post's language as a BCP 47 code ("en", "de-CH"); absent: Google decides. */
    languageCode: z
      .string()
      .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, {
        message: 'must be a language code such as en or de-CH',
      })
      .optional(),
    callToAction: z
      .strictObject({ actionType: z.enum(GBP_ACTION_TYPES), url: httpsUrl.optional() })
      .refine((cta) => cta.actionType === 'CALL' || cta.url !== undefined, {
        message: 'a call to action other than CALL needs a web address',
        path: ['url'],
      })
      .optional(),
    /** EVENT and OFFER posts: what it is called and when it runs. */
    event: z
      .strictObject({ title: z.string().trim().min(1).max(58), schedule: GbpSchedule })
      .optional(),
    offer: z
      .strictObject({
        couponCode: z.string().trim().min(1).max(58).optional(),
        redeemOnlineUrl: httpsUrl.optional(),
        termsConditions: z.string().trim().max(5_000).optional(),
      })
      .optional(),
  })
  .refine((s) => (s.topicType ?? 'STANDARD') === 'STANDARD' || s.event !== undefined, {
    message: 'event and offer posts need a title and a start and end',
    path: ['event'],
  })
  .refine((s) => s.offer === undefined || s.topicType === 'OFFER', {
    message: 'offer details belong on an OFFER post',
    path: ['offer'],
  })
  .refine((s) => s.callToAction === undefined || s.topicType !== 'OFFER', {
    message: 'an offer post gets Google’s own “View offer” button; remove the call to action',
    path: ['callToAction'],
  });

export const TARGET_SETTINGS_SCHEMAS = {
  facebook: FacebookSettings,
  instagram: InstagramSettings,
  x: XSettings,
  linkedin: LinkedInSettings,
  tiktok: TikTokSettings,
  youtube: YouTubeSettings,
  google_business: GoogleBusinessSettings,
} as const satisfies Record<Platform, z.ZodType>;

export type TargetSettingsFor<P extends Platform> = z.infer<(typeof TARGET_SETTINGS_SCHEMAS)[P]>;
export type FacebookSettings = TargetSettingsFor<'facebook'>;
export type InstagramSettings = TargetSettingsFor<'instagram'>;
export type LinkedInSettings = TargetSettingsFor<'linkedin'>;
export type TikTokSettings = TargetSettingsFor<'tiktok'>;
export type YouTubeSettings = TargetSettingsFor<'youtube'>;
export type GoogleBusinessSettings = TargetSettingsFor<'google_business'>;
/** Any platform's settings, as stored (JSON). */
export type TargetSettings = { [P in Platform]: TargetSettingsFor<P> }[Platform];

export type TargetSettingsResult<P extends Platform> =
  { ok: true; settings: TargetSettingsFor<P> } | { ok: false; problem: string };

/**
 * Checks a target's settings for `platform`, with a sentence a person can act on when they are
 * wrong ("YouTube settings: title must be 100 characters or fewer.").
 */
export function parseTargetSettings<P extends Platform>(
  platform: P,
  input: unknown,
): TargetSettingsResult<P> {
  const parsed = TARGET_SETTINGS_SCHEMAS[platform].safeParse(input ?? {});
  if (parsed.success) return { ok: true, settings: parsed.data as TargetSettingsFor<P> };
  const issue = parsed.error.issues[0]!;
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return { ok: false, problem: `${PLATFORM_LABELS[platform]} settings: ${where}${issue.message}.` };
}

/** The post type the settings choose, for media selection (media-rules selectMedia). */
export function settingsPostType(settings: unknown): string | undefined {
  if (typeof settings !== 'object' || settings === null) return undefined;
  const postType = (settings as { postType?: unknown }).postType;
  return typeof postType === 'string' ? postType : undefined;
}

/**
 * What the settings ask for that the post's media cannot give, as sentences (empty when
 * nothing): a LinkedIn article link is a card that shows at most one picture (its thumbnail)
 * and never a video.
 */
export function settingsMediaProblems(
  platform: Platform,
  settings: unknown,
  media: readonly { kind: 'image' | 'video' }[],
): string[] {
  if (platform !== 'linkedin') return [];
  const parsed = parseTargetSettings('linkedin', settings);
  if (!parsed.ok || !parsed.settings.article) return [];
  if (media.some((m) => m.kind === 'video')) {
    return ['A LinkedIn article link cannot carry a video: remove the video or the article link.'];
  }
  if (media.length > 1) {
    return [
      `A LinkedIn article link shows one picture, as its thumbnail; this post has ${media.length}. Keep one, or remove the article link.`,
    ];
  }
  return [];
}

/** The library image the settings name as a custom thumbnail (YouTube), if any. */
export function settingsThumbnailAssetId(settings: unknown): string | undefined {
  if (typeof settings !== 'object' || settings === null) return undefined;
  const id = (settings as { thumbnailAssetId?: unknown }).thumbnailAssetId;
  return typeof id === 'string' ? id : undefined;
}
