// Google Business Profile local posts through the My Business v4 API
// (`POST https://mybusiness.googleapis.com/v4/accounts/{a}/locations/{l}/localPosts`). A Herald
// account is one location, its externalId `accounts/{a}/locations/{l}`; all of a person's
// locations share the Google grant that connected them. A post is one create call: Google
// fetches the photo itself from its signed URL, answers the LocalPost, and reviews it (state
// PROCESSING, then LIVE or REJECTED). The post's name is saved the moment Google answers;
// publish then waits on the review (NotReadyPublishError, a poll a minute) for up to
// `maxReviewWaitMs`, so a rejection becomes a clear failure, and past that counts a post still
// under review as published: it exists and must never be sent twice. There is no idempotency
// key, so an unanswered create is ambiguous and reconcile lists the location's posts
// (`GET …/localPosts`) for one with the caption created in the attempt's window. Per-post
// engagement does not exist in any current Google API (localPosts.reportInsights was removed
// in 2023; the Performance API counts per location): fetchMetrics confirms the post still
// stands and reports nulls. Tokens refresh at oauth2.googleapis.com through arctic; Google does
// not rotate refresh tokens, but a new one is kept if it ever sends one. docs/decisions/0030.
import { OAuth2Client } from 'arctic';
import { z } from 'zod';
import { captionLength, PLATFORM_RULES } from '../../domain/platform-rules.ts';
import { parseTargetSettings, type GoogleBusinessSettings } from '../../domain/target-settings.ts';
import {
  AmbiguousPublishError,
  AuthPublishError,
  NotReadyPublishError,
  PermanentPublishError,
  RetryablePublishError,
} from '../errors.ts';
import { unknownOnFailure } from '../reconcile.ts';
import type {
  AccountCredentials,
  AdapterHttpConfig,
  EngagementMetrics,
  MetricsRequest,
  PlatformAdapter,
  ProviderProgress,
  PublishContent,
  PublishedPost,
  PublishRequest,
  ReconcileOutcome,
  ReconcileRequest,
  RefreshedToken,
  RefreshTokenRequest,
} from '../types.ts';
import { classifyGoogleBusinessError, classifyNetworkError } from './errors.ts';
import { localPostBody } from './local-post.ts';
import { googleOAuthCall, readTokens, tokenEndpoint } from './oauth.ts';

export interface GoogleBusinessAdapterConfig extends AdapterHttpConfig {
  /** The v4 API's version path segment; default `v4`. */
  apiVersion?: string;
  /**
   * Google's OAuth token host (`{tokenUrl}/token`): https://oauth2.googleapis.com for the real
   * API (the default when baseUrl is mybusiness.googleapis.com), else baseUrl (the sandbox).
   */
  tokenUrl?: string;
  /** The Google Cloud OAuth client (a web client: it has a secret); refreshing needs both. */
  clientId?: string;
  clientSecret?: string;
  /** How long publish waits on Google's review of a post before counting it published. 10 min. */
  maxReviewWaitMs?: number;
  /** When to look at a post under review again. Default 60 s. */
  reviewPollMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_REVIEW_WAIT_MS = 10 * 60_000;
const DEFAULT_REVIEW_POLL_MS = 60_000;
const REAL_API = /^https:\/\/mybusiness\.googleapis\.com$/;
/** Reconcile looks this far either side of the attempt: clocks and Google's times differ. */
const RECONCILE_SLACK_MS = 2 * 60_000;
const LIST_PAGE = 100;
const MAX_LIST_PAGES = 5;
const MB = 1024 * 1024;
/** Google's photo guidelines for Business Profile: JPEG or PNG, 10 KB–5 MB, 250 × 250 at least. */
const PHOTO_TYPES = new Set(['image/jpeg', 'image/png']);
const PHOTO_MIN_BYTES = 10 * 1024;
const PHOTO_MAX_BYTES = 5 * MB;
const PHOTO_MIN_SIDE = 250;
const LOCATION = /^accounts\/[^/]+\/locations\/[^/]+$/;
const POST_NAME = /^accounts\/[^/]+\/locations\/[^/]+\/localPosts\/[^/]+$/;
/** Where a person manages their profiles, for a post whose searchUrl Google has not given yet. */
const PROFILE_MANAGER = 'https://business.google.com/';

/** The post Google made for this target, saved the moment Google named it. */
const GbpProgress = z.object({
  post: z
    .object({
      name: z.string().regex(POST_NAME),
      searchUrl: z.string().optional(),
      /** When Google answered, by Herald's clock (ISO): the review wait counts from here. */
      acceptedAt: z.iso.datetime(),
    })
    .optional(),
});
type GbpProgress = z.infer<typeof GbpProgress>;
type SavedPost = NonNullable<GbpProgress['post']>;

const LocalPostAnswer = z
  .object({
    name: z.string().regex(POST_NAME),
    state: z.string().optional(),
    searchUrl: z.string().optional(),
    summary: z.string().optional(),
    topicType: z.string().optional(),
    createTime: z.string().optional(),
  })
  .loose();
type LocalPostAnswer = z.infer<typeof LocalPostAnswer>;
const LocalPostList = z.object({
  localPosts: z.array(LocalPostAnswer).optional(),
  nextPageToken: z.string().optional(),
});

/** States in which the post shows on the profile (SCHEDULED and RECURRING are posts Google holds). */
const SHOWN = new Set(['LIVE', 'SCHEDULED', 'RECURRING']);

export function createGoogleBusinessAdapter(config: GoogleBusinessAdapterConfig): PlatformAdapter {
  const base = config.baseUrl.replace(/\/+$/, '');
  const api = `${base}/${config.apiVersion ?? 'v4'}`;
  const tokenUrl =
    config.tokenUrl ?? (REAL_API.test(base) ? 'https://oauth2.googleapis.com' : base);
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const clock = config.now ?? (() => new Date());
  const doFetch = config.fetch ?? fetch;
  const maxReviewWaitMs = config.maxReviewWaitMs ?? DEFAULT_MAX_REVIEW_WAIT_MS;
  const reviewPollMs = config.reviewPollMs ?? DEFAULT_REVIEW_POLL_MS;

  /** One call; a non-2xx answer is thrown as a PublishError unless `allow` takes its status. */
  async function call(
    url: string,
    init: RequestInit & { accessToken: string },
    options: { final: boolean; allow?: number[]; signal?: AbortSignal },
  ): Promise<{ status: number; body: unknown }> {
    const { accessToken, ...rest } = init;
    let response: Response;
    let body: unknown;
    try {
      const timeout = AbortSignal.timeout(timeoutMs);
      response = await doFetch(url, {
        ...rest,
        headers: {
          authorization: `Bearer ${accessToken}`,
          ...(rest.headers as Record<string, string>),
        },
        signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
      });
      body = parseJson(await response.text());
    } catch (error) {
      throw classifyNetworkError(error, { timeoutMs, final: options.final });
    }
    if (!response.ok && !options.allow?.includes(response.status)) {
      throw classifyGoogleBusinessError(response.status, body, response.headers, clock(), {
        final: options.final,
      });
    }
    return { status: response.status, body };
  }

  /** Reads a post by name; null when Google says it is not there. */
  async function readPost(
    name: string,
    account: AccountCredentials,
    signal?: AbortSignal,
  ): Promise<LocalPostAnswer | null> {
    const { status, body } = await call(
      `${api}/${name}`,
      { accessToken: account.accessToken },
      { final: false, allow: [404], ...(signal ? { signal } : {}) },
    );
    if (status === 404) return null;
    const parsed = LocalPostAnswer.safeParse(body);
    if (!parsed.success) {
      throw new RetryablePublishError(
        'Google answered a post lookup in a form Herald does not understand.',
      );
    }
    return parsed.data;
  }

  /** What a post in this state means for the attempt: published, rejected, or wait a minute. */
  function outcome(saved: SavedPost, post: LocalPostAnswer): PublishedPost {
    const url = post.searchUrl ?? saved.searchUrl ?? PROFILE_MANAGER;
    if (post.state === 'REJECTED') {
      throw new PermanentPublishError(
        'Google rejected the post under its posts content policy, so it does not show on the profile. Common causes: a phone number in the text (use a CALL button instead), links or words Google does not allow, or an unsuitable photo. Change the post and schedule it again.',
        { platformCode: 'REJECTED' },
      );
    }
    if (!SHOWN.has(post.state ?? '')) {
      const waited = clock().getTime() - Date.parse(saved.acceptedAt);
      if (waited < maxReviewWaitMs) {
        throw new NotReadyPublishError(
          'Google is still reviewing the post; Herald will check again.',
          {
            retryAt: new Date(clock().getTime() + reviewPollMs),
            platformCode: 'processing',
          },
        );
      }
      // Long enough: the post exists and is Google's to show; it is never sent again.
    }
    return { externalId: saved.name, url };
  }

  async function publish(request: PublishRequest): Promise<PublishedPost> {
    const { account, content, signal } = request;
    if (signal?.aborted) {
      throw new RetryablePublishError('Publishing was cancelled before anything was sent.');
    }
    const location = locationOf(account);
    const saved = progressOf(request.progress).post;
    if (saved) {
      const post = await readPost(saved.name, account, signal);
      if (!post) {
        throw new PermanentPublishError(
          `The post Google accepted for this target (${saved.name}) is no longer on the profile: someone deleted it. Schedule it again to post it anew.`,
          { platformCode: 'NOT_FOUND' },
        );
      }
      return outcome(saved, post);
    }
    const settings = settingsOf(content);
    checkContent(content, settings);
    const { body } = await call(
      `${api}/${location}/localPosts`,
      {
        method: 'POST',
        accessToken: account.accessToken,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(localPostBody(content.caption, settings, content.media[0])),
      },
      { final: true, ...(signal ? { signal } : {}) },
    );
    const post = LocalPostAnswer.safeParse(body);
    if (!post.success) {
      throw new AmbiguousPublishError('Google answered the new post without its name.', {
        platformCode: 'no_name',
      });
    }
    const record: SavedPost = {
      name: post.data.name,
      ...(post.data.searchUrl ? { searchUrl: post.data.searchUrl } : {}),
      acceptedAt: clock().toISOString(),
    };
    try {
      await request.saveProgress({ post: record });
    } catch (error) {
      throw new AmbiguousPublishError(
        `Google made the post (${record.name}) but Herald could not record it; Herald will look for it before doing anything else.`,
        { cause: error },
      );
    }
    return outcome(record, post.data);
  }

  async function reconcile({
    account,
    content,
    progress,
    window,
    signal,
  }: ReconcileRequest): Promise<ReconcileOutcome> {
    const location = locationOf(account);
    const saved = progressOf(progress).post;
    if (saved) {
      const post = await readPost(saved.name, account, signal);
      if (!post) {
        return {
          status: 'unknown',
          reason: `Google made the post ${saved.name}, but it is no longer on the profile (deleted?). Check the profile before scheduling it again.`,
        };
      }
      // Rejected: not on the profile; publishing again reads the saved post and fails it clearly.
      if (post.state === 'REJECTED') return { status: 'not_published' };
      return { status: 'published', post: publishedFrom(saved.name, post, saved.searchUrl) };
    }
    const from = window.from.getTime() - RECONCILE_SLACK_MS;
    const to = window.to.getTime() + RECONCILE_SLACK_MS;
    const caption = normalize(content.caption);
    let pageToken: string | undefined;
    for (let page = 0; page < MAX_LIST_PAGES; page += 1) {
      const query = new URLSearchParams({ pageSize: String(LIST_PAGE) });
      if (pageToken) query.set('pageToken', pageToken);
      const { body } = await call(
        `${api}/${location}/localPosts?${query.toString()}`,
        { accessToken: account.accessToken },
        { final: false, ...(signal ? { signal } : {}) },
      );
      const parsed = LocalPostList.safeParse(body);
      if (!parsed.success) {
        return {
          status: 'unknown',
          reason: "Google answered the location's posts in a form Herald does not understand.",
        };
      }
      const posts = parsed.data.localPosts ?? [];
      const created = (p: LocalPostAnswer) =>
        p.createTime ? Date.parse(p.createTime) : Number.NaN;
      // The oldest match in the window: the attempt's own post, not a later copy by hand.
      const match = posts
        .filter((p) => {
          const at = created(p);
          return at >= from && at <= to && normalize(p.summary ?? '') === caption;
        })
        .sort((a, b) => created(a) - created(b))[0];
      if (match) {
        if (match.state === 'REJECTED') {
          return {
            status: 'unknown',
            reason: `Google made the post (${match.name}) but rejected it under its content policy; it does not show. Change the post and schedule it again.`,
          };
        }
        return { status: 'published', post: publishedFrom(match.name, match) };
      }
      // Newest first: a page reaching back past the window means older pages cannot match.
      const oldest = posts.at(-1);
      pageToken = parsed.data.nextPageToken;
      if (!pageToken || (oldest && created(oldest) < from)) return { status: 'not_published' };
    }
    return {
      status: 'unknown',
      reason: `The location has more than ${MAX_LIST_PAGES * LIST_PAGE} posts newer than the attempt; Herald stopped looking.`,
    };
  }

  async function fetchMetrics({
    account,
    post,
    signal,
  }: MetricsRequest): Promise<EngagementMetrics> {
    const found = await readPost(post.externalId, account, signal);
    if (!found) {
      throw new PermanentPublishError('The post is no longer on the Business Profile.', {
        platformCode: 'NOT_FOUND',
      });
    }
    if (found.state === 'REJECTED') {
      throw new PermanentPublishError(
        'Google rejected the post under its content policy; it does not show.',
        {
          platformCode: 'REJECTED',
        },
      );
    }
    // No Google API counts views, clicks or reactions per post (docs/decisions/0030).
    return { likes: null, comments: null, shares: null, impressions: null, views: null };
  }

  async function refreshToken({
    refreshToken,
    signal,
  }: RefreshTokenRequest): Promise<RefreshedToken> {
    if (!config.clientId || !config.clientSecret) {
      throw new PermanentPublishError(
        'Herald has no Google OAuth client to refresh Business Profile tokens with.',
      );
    }
    if (!refreshToken) {
      throw new AuthPublishError(
        'Google gave no refresh token for this location: connect it again (Herald asks for offline access).',
      );
    }
    if (signal?.aborted) throw new RetryablePublishError('The token refresh was cancelled.');
    const client = new OAuth2Client(config.clientId, config.clientSecret, null);
    const tokens = await googleOAuthCall(
      'the token refresh',
      async () =>
        readTokens(
          await client.refreshAccessToken(tokenEndpoint(tokenUrl), refreshToken, []),
          clock(),
        ),
      timeoutMs,
    );
    return {
      accessToken: tokens.accessToken,
      expiresAt: tokens.expiresAt,
      // Google keeps the refresh token; should it ever hand a new one, that one is the keeper.
      ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
    };
  }

  return {
    platform: 'google_business',
    rules: PLATFORM_RULES.google_business,
    publish,
    reconcile: unknownOnFailure('Google Business Profile', reconcile),
    fetchMetrics,
    ...(config.clientId && config.clientSecret ? { refreshToken } : {}),
  };
}

function locationOf(account: AccountCredentials): string {
  if (!LOCATION.test(account.externalId)) {
    throw new PermanentPublishError(
      `This account's id (${account.externalId}) is not a Business Profile location (accounts/…/locations/…): connect the location again.`,
    );
  }
  return account.externalId;
}

function settingsOf(content: PublishContent): GoogleBusinessSettings {
  const parsed = parseTargetSettings('google_business', content.settings);
  if (!parsed.ok) throw new PermanentPublishError(parsed.problem);
  return parsed.settings;
}

/** Refuses, before any call, what Google would refuse or could not show. */
function checkContent(content: PublishContent, settings: GoogleBusinessSettings) {
  const { caption, media } = content;
  const topic = settings.topicType ?? 'STANDARD';
  if (topic === 'STANDARD' && caption.trim() === '') {
    throw new PermanentPublishError('A standard Google Business Profile post needs text.');
  }
  const limit = PLATFORM_RULES.google_business.maxCaptionLength;
  const length = captionLength('google_business', caption);
  if (length > limit) {
    throw new PermanentPublishError(
      `The post is ${length} characters; Google Business Profile allows ${limit}.`,
    );
  }
  if (media.length > 1) {
    throw new PermanentPublishError(
      `A Google Business Profile post shows one photo; this one has ${media.length}. Keep one.`,
    );
  }
  const photo = media[0];
  if (!photo) return;
  if (photo.kind !== 'image') {
    throw new PermanentPublishError(
      `Google Business Profile posts take photos only; “${photo.name}” is a video.`,
    );
  }
  if (!PHOTO_TYPES.has(photo.contentType)) {
    throw new PermanentPublishError(
      `Google Business Profile takes JPEG or PNG photos; “${photo.name}” is ${photo.contentType}.`,
    );
  }
  if (photo.sizeBytes < PHOTO_MIN_BYTES || photo.sizeBytes > PHOTO_MAX_BYTES) {
    throw new PermanentPublishError(
      `Google Business Profile takes photos of 10 KB to 5 MB; “${photo.name}” is ${describeBytes(photo.sizeBytes)}.`,
    );
  }
  if (photo.width < PHOTO_MIN_SIDE || photo.height < PHOTO_MIN_SIDE) {
    throw new PermanentPublishError(
      `Google Business Profile takes photos of at least 250 × 250 pixels; “${photo.name}” is ${photo.width} × ${photo.height}.`,
    );
  }
}

const describeBytes = (n: number) =>
  n >= MB ? `${(n / MB).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`;

function publishedFrom(name: string, post: LocalPostAnswer, searchUrl?: string): PublishedPost {
  return { externalId: name, url: post.searchUrl ?? searchUrl ?? PROFILE_MANAGER };
}

function progressOf(progress: ProviderProgress | null): GbpProgress {
  const parsed = GbpProgress.safeParse(progress);
  return parsed.success ? parsed.data : {};
}

/** Captions compare without the line-ending and edge-space differences a round trip can add. */
const normalize = (text: string) => text.replace(/\r\n?/g, '\n').trim();

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
