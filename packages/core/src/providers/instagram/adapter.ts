// Instagram business accounts through the Instagram Graph API with Facebook Login. Every post
// is a container first: `POST /{ig-user-id}/media` (Instagram fetches image_url / video_url
// itself), carousels as one container per item (is_carousel_item=true) and then a CAROUSEL
// container naming them; the adapter reads `GET /{container-id}?fields=status_code,status`
// until FINISHED (videos take a while: while IN_PROGRESS the attempt ends as retryable with a
// retryAt a few seconds ahead instead of waiting in the worker) and then makes it visible with
// `POST /{ig-user-id}/media_publish` (creation_id), the one call whose lost answer is
// ambiguous. Each container id is saved as progress before the next step, so a retry never
// makes a container twice. Reconcile asks the container (PUBLISHED or not), then lists the
// account's media around the attempt for the exact caption.
//
// Sources: Meta's Instagram Platform docs — Content Publishing guide, IG User Media and
// IG User Media Publish, IG Container (status_code), IG User Content Publishing Limit, IG Media
// (permalink), Error Codes; Facebook Login "Long-Lived Access Tokens" (fb_exchange_token).
// The base URL is https://graph.facebook.com in production and the sandbox's /instagram
// elsewhere.
import { z } from 'zod';
import { PLATFORM_RULES } from '../../domain/platform-rules.ts';
import { parseTargetSettings } from '../../domain/target-settings.ts';
import {
  AmbiguousPublishError,
  PermanentPublishError,
  PublishError,
  NotReadyPublishError,
  RetryablePublishError,
} from '../errors.ts';
import { unknownOnFailure } from '../reconcile.ts';
import type {
  AccountCredentials,
  AdapterHttpConfig,
  PlatformAdapter,
  ProviderProgress,
  PublishedPost,
  PublishMedia,
  PublishRequest,
  ReconcileOutcome,
  ReconcileRequest,
  RefreshedToken,
  RefreshTokenRequest,
} from '../types.ts';
import {
  classifyInstagramError,
  classifyInstagramNetworkError,
  NEW_CONTAINER_SUBCODES,
  NOT_READY_SUBCODE,
} from './errors.ts';
import { fetchInstagramMetrics } from './metrics.ts';
import { DEFAULT_GRAPH_API_VERSION } from '../facebook/adapter.ts';

export interface InstagramAdapterConfig extends AdapterHttpConfig {
  /** Graph API version, e.g. `v21.0` (the default). */
  apiVersion?: string;
  /** The Meta app's id and secret: with both, the adapter can exchange tokens (refreshToken). */
  appId?: string;
  appSecret?: string;
  /** How far ahead a "still processing" retry is due; default 5 s. */
  processingRetryMs?: number;
}

/** The kinds of Instagram post this adapter makes. */
export type InstagramPostType = 'image' | 'carousel' | 'reel' | 'story';

const MAX_CAROUSEL_ITEMS = 10;

/**
 * The kind of Instagram post `media` makes: one video alone is a reel (Instagram publishes feed
 * videos as reels), one image a single-image post, two to ten files a carousel. A story must be
 * asked for (`requested = 'story'`). Throws a PermanentPublishError when the media cannot make
 * the post asked for.
 */
export function instagramPostTypeFor(
  media: readonly Pick<PublishMedia, 'kind'>[],
  requested?: 'feed' | 'reel' | 'story',
): InstagramPostType {
  if (media.length === 0) {
    throw new PermanentPublishError('An Instagram post needs a photo or a video.');
  }
  if (requested === 'story') {
    if (media.length > 1) {
      throw new PermanentPublishError(
        `An Instagram story takes one photo or video; this one has ${media.length}.`,
      );
    }
    return 'story';
  }
  if (requested === 'reel') {
    if (media.length > 1 || media[0]!.kind !== 'video') {
      throw new PermanentPublishError('An Instagram reel takes one video on its own.');
    }
    return 'reel';
  }
  if (media.length > MAX_CAROUSEL_ITEMS) {
    throw new PermanentPublishError(
      `An Instagram carousel takes at most ${MAX_CAROUSEL_ITEMS} photos and videos; this one has ${media.length}.`,
    );
  }
  if (media.length > 1) return 'carousel';
  return media[0]!.kind === 'video' ? 'reel' : 'image';
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_PROCESSING_RETRY_MS = 5_000;
const now = () => new Date();

/** Reconcile looks this far either side of the attempt: clocks and Graph's timestamps differ. */
const RECONCILE_SLACK_MS = 2 * 60_000;
const MAX_LIST_PAGES = 5;

/**
 * What the adapter remembers between attempts: for which post type and assets, the carousel
 * item containers made so far (one per asset, in order), the container to publish, and the
 * published media's id once Instagram named it.
 */
const InstagramProgress = z.object({
  postType: z.enum(['image', 'carousel', 'reel', 'story']),
  assetIds: z.array(z.string()),
  items: z.array(z.string().min(1)),
  containerId: z.string().min(1).optional(),
  mediaId: z.string().min(1).optional(),
});
type InstagramProgress = z.infer<typeof InstagramProgress>;

const IdResponse = z.object({ id: z.string().min(1) });
const StatusResponse = z.object({
  status_code: z.enum(['IN_PROGRESS', 'FINISHED', 'ERROR', 'EXPIRED', 'PUBLISHED']),
  status: z.string().optional(),
});
const PermalinkResponse = z.object({ permalink: z.string().min(1) });
const MediaListResponse = z.object({
  data: z.array(
    z.object({
      id: z.string(),
      caption: z.string().optional(),
      timestamp: z.string().optional(),
      permalink: z.string().optional(),
    }),
  ),
  paging: z.object({ next: z.string().optional() }).optional(),
});
const LimitResponse = z.object({
  data: z
    .array(
      z.object({
        quota_usage: z.number(),
        config: z.object({ quota_total: z.number(), quota_duration: z.number() }),
      }),
    )
    .min(1),
});
const TokenResponse = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().optional(),
});

export function createInstagramAdapter(config: InstagramAdapterConfig): PlatformAdapter {
  const base = config.baseUrl.replace(/\/+$/, '');
  const root = `${base}/${config.apiVersion ?? DEFAULT_GRAPH_API_VERSION}`;
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const processingRetryMs = config.processingRetryMs ?? DEFAULT_PROCESSING_RETRY_MS;
  const clock = config.now ?? now;
  const isRealGraph = /^https:\/\/graph\.facebook\.com$/.test(base);

  /** Where a post is when Instagram will not tell us its permalink right now. */
  const fallbackUrl = (id: string) =>
    isRealGraph ? 'https://www.instagram.com/' : `${base}/posts/${encodeURIComponent(id)}`;

  const graph = (pathOrUrl: string, init: RequestInit, signal?: AbortSignal) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const url = /^https?:/.test(pathOrUrl) ? pathOrUrl : `${root}/${pathOrUrl}`;
    return (config.fetch ?? fetch)(url, {
      ...init,
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  };
  const bearer = (accessToken: string) => ({ authorization: `Bearer ${accessToken}` });
  const user = (account: AccountCredentials) => encodeURIComponent(account.externalId);

  /** A Graph call whose failure is thrown as a PublishError; answers the body of a 2xx. */
  async function call(
    pathOrUrl: string,
    init: RequestInit,
    signal?: AbortSignal,
  ): Promise<{ status: number; body: unknown }> {
    let response: Response;
    let body: unknown;
    try {
      response = await graph(pathOrUrl, init, signal);
      body = parseJson(await response.text());
    } catch (error) {
      throw classifyInstagramNetworkError(error, { timeoutMs });
    }
    if (!response.ok) {
      throw classifyInstagramError(response.status, body, response.headers, clock());
    }
    return { status: response.status, body };
  }

  const post = (path: string, params: URLSearchParams, accessToken: string, signal?: AbortSignal) =>
    call(path, { method: 'POST', headers: bearer(accessToken), body: params }, signal);
  const get = (path: string, accessToken: string, signal?: AbortSignal) =>
    call(path, { headers: bearer(accessToken) }, signal);

  /** A setup step (a container, a status read): nothing is visible yet, so never ambiguous. */
  async function setupStep<T>(
    step: () => Promise<{ status: number; body: unknown }>,
    schema: z.ZodType<T>,
    what: string,
    file?: PublishMedia,
  ): Promise<T> {
    const { status, body } = await step().catch((error: unknown) => {
      throw error instanceof PublishError ? setupFailure(error, file) : error;
    });
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new RetryablePublishError(
        `Instagram answered HTTP ${status} to ${what} in a form Herald does not understand.`,
        {
          platformCode: `http_${status}`,
        },
      );
    }
    return parsed.data;
  }

  async function save(request: PublishRequest, progress: InstagramProgress): Promise<void> {
    try {
      await request.saveProgress(progress);
    } catch (error) {
      // The container stays unpublished and expires after a day; nothing is visible.
      throw new RetryablePublishError(
        'Herald could not record a container Instagram made; nothing is visible on Instagram yet.',
        { cause: error },
      );
    }
  }

  /** Starts over with new containers (Instagram said the old ones will not publish). */
  async function forgetContainers(request: PublishRequest, progress: InstagramProgress) {
    await request
      .saveProgress({ postType: progress.postType, assetIds: progress.assetIds, items: [] })
      .catch(() => undefined);
  }

  function containerParams(
    postType: InstagramPostType,
    file: PublishMedia,
    caption: string | null,
  ): URLSearchParams {
    const params = new URLSearchParams();
    const urlKey = file.kind === 'video' ? 'video_url' : 'image_url';
    params.set(urlKey, file.url);
    if (postType === 'carousel') {
      params.set('is_carousel_item', 'true');
      if (file.kind === 'video') params.set('media_type', 'VIDEO');
    } else if (postType === 'reel') {
      params.set('media_type', 'REELS');
    } else if (postType === 'story') {
      params.set('media_type', 'STORIES');
    }
    if (caption !== null && postType !== 'story') params.set('caption', caption);
    return params;
  }

  async function permalinkOf(id: string, accessToken: string, signal?: AbortSignal) {
    try {
      const { body } = await get(`${encodeURIComponent(id)}?fields=permalink`, accessToken, signal);
      return PermalinkResponse.parse(body).permalink;
    } catch {
      // The post exists; a link we cannot fetch now is no reason to fail it.
      return fallbackUrl(id);
    }
  }

  async function publish(request: PublishRequest): Promise<PublishedPost> {
    const { account, content, signal } = request;
    const known = progressOf(request.progress);
    if (known?.mediaId) {
      // An earlier attempt got the id and stopped before settling: the post exists.
      return {
        externalId: known.mediaId,
        url: await permalinkOf(known.mediaId, account.accessToken, signal),
      };
    }
    if (signal?.aborted) {
      throw new RetryablePublishError('Publishing was cancelled before anything was sent.');
    }
    // The target's settings choose a story or a reel; without them the media decide.
    const settings = parseTargetSettings('instagram', content.settings);
    if (!settings.ok) {
      throw new PermanentPublishError(settings.problem, { platformCode: 'settings' });
    }
    const postType = instagramPostTypeFor(content.media, settings.settings.postType);
    const assetIds = content.media.map((m) => m.assetId);
    let progress: InstagramProgress =
      known && known.postType === postType && sameList(known.assetIds, assetIds)
        ? known
        : { postType, assetIds, items: [] };

    if (postType === 'carousel' && !progress.containerId) {
      for (const [index, file] of content.media.entries()) {
        if (index < progress.items.length) continue;
        const { id } = await setupStep(
          () =>
            post(
              `${user(account)}/media`,
              containerParams(postType, file, null),
              account.accessToken,
              signal,
            ),
          IdResponse,
          'a carousel item',
          file,
        );
        progress = { ...progress, items: [...progress.items, id] };
        await save(request, progress);
      }
    }
    if (!progress.containerId) {
      const params =
        postType === 'carousel'
          ? new URLSearchParams({
              media_type: 'CAROUSEL',
              children: progress.items.join(','),
              caption: content.caption,
            })
          : containerParams(postType, content.media[0]!, content.caption);
      const { id } = await setupStep(
        () => post(`${user(account)}/media`, params, account.accessToken, signal),
        IdResponse,
        'a new container',
        postType === 'carousel' ? undefined : content.media[0],
      );
      progress = { ...progress, containerId: id };
      await save(request, progress);
    }

    const containerId = progress.containerId!;
    const state = await setupStep(
      () =>
        get(
          `${encodeURIComponent(containerId)}?fields=status_code,status`,
          account.accessToken,
          signal,
        ),
      StatusResponse,
      'a container status read',
    );
    switch (state.status_code) {
      case 'IN_PROGRESS':
        throw stillProcessing();
      case 'EXPIRED':
        await forgetContainers(request, progress);
        throw new RetryablePublishError(
          'The Instagram container expired before it was published; a new one will be made.',
          { platformCode: 'EXPIRED' },
        );
      case 'ERROR': {
        const subcode = Number(/\b(\d{7})\b/.exec(state.status ?? '')?.[1] ?? Number.NaN);
        const platformCode = Number.isNaN(subcode) ? 'ERROR' : `ERROR/${subcode}`;
        if (NEW_CONTAINER_SUBCODES.has(subcode)) {
          await forgetContainers(request, progress);
          throw new RetryablePublishError(
            `Instagram could not process the media (${state.status}); it will be sent again.`,
            { platformCode },
          );
        }
        throw new PermanentPublishError(
          `Instagram could not process the media: ${describeFailure(subcode, state.status)}`,
          { platformCode },
        );
      }
      case 'PUBLISHED':
        // Published by an attempt whose answer we lost: reconcile finds the post.
        throw new AmbiguousPublishError(
          'Instagram says this post was already published; Herald will look for it.',
          { platformCode: 'PUBLISHED' },
        );
      case 'FINISHED':
        break;
    }

    let answer: { status: number; body: unknown };
    try {
      answer = await post(
        `${user(account)}/media_publish`,
        new URLSearchParams({ creation_id: containerId }),
        account.accessToken,
        signal,
      );
    } catch (error) {
      if (!(error instanceof PublishError)) throw error;
      const subcode = Number(error.platformCode?.split('/')[1] ?? Number.NaN);
      if (subcode === NOT_READY_SUBCODE) throw stillProcessing(error);
      if (error.kind === 'retryable' && NEW_CONTAINER_SUBCODES.has(subcode)) {
        await forgetContainers(request, progress);
      }
      throw error;
    }
    const parsed = IdResponse.safeParse(answer.body);
    if (!parsed.success) {
      throw new AmbiguousPublishError(
        `Instagram answered HTTP ${answer.status} without a media id.`,
        { platformCode: `http_${answer.status}` },
      );
    }
    const mediaId = parsed.data.id;
    // Not required (the engine records the id as it settles), but a crash before then now
    // resumes with the id instead of asking Instagram.
    await request.saveProgress({ ...progress, mediaId }).catch(() => undefined);
    return { externalId: mediaId, url: await permalinkOf(mediaId, account.accessToken, signal) };
  }

  function stillProcessing(cause?: unknown) {
    return new NotReadyPublishError('Instagram is still processing the media.', {
      platformCode: 'IN_PROGRESS',
      retryAt: new Date(clock().getTime() + processingRetryMs),
      ...(cause ? { cause } : {}),
    });
  }

  /** A GET whose failure is reported, not thrown: reconcile turns it into `unknown`. */
  async function read(
    pathOrUrl: string,
    accessToken: string,
    signal?: AbortSignal,
  ): Promise<{ body: unknown } | { error: PublishError }> {
    try {
      return { body: (await get(pathOrUrl, accessToken, signal)).body };
    } catch (error) {
      const failure =
        error instanceof PublishError ? error : classifyInstagramNetworkError(error, { timeoutMs });
      return { error: failure };
    }
  }

  /** The account's post with exactly this caption in the window, if the listing shows one. */
  async function findByCaption({
    account,
    content,
    window,
    signal,
  }: ReconcileRequest): Promise<PublishedPost | { unknown: string } | null> {
    const since = Math.floor((window.from.getTime() - RECONCILE_SLACK_MS) / 1000);
    const until = Math.ceil((window.to.getTime() + RECONCILE_SLACK_MS) / 1000);
    const query = new URLSearchParams({
      fields: 'id,caption,timestamp,permalink',
      since: String(since),
      until: String(until),
      limit: '100',
    });
    let next: string | undefined = `${user(account)}/media?${query.toString()}`;
    for (let page = 0; next && page < MAX_LIST_PAGES; page += 1) {
      const result = await read(next, account.accessToken, signal);
      if ('error' in result) {
        return {
          unknown: `Herald could not read the account's recent posts: ${result.error.message}`,
        };
      }
      const list = MediaListResponse.safeParse(result.body);
      if (!list.success) {
        return {
          unknown:
            "Instagram answered the account's media list in a form Herald does not understand.",
        };
      }
      const match = list.data.data.find((m) => (m.caption ?? '') === content.caption);
      if (match) {
        return { externalId: match.id, url: match.permalink ?? fallbackUrl(match.id) };
      }
      next = list.data.paging?.next;
    }
    if (next) {
      return {
        unknown: `The account posted more than ${MAX_LIST_PAGES * 100} times around the attempt; Herald stopped looking.`,
      };
    }
    return null;
  }

  async function reconcile(request: ReconcileRequest): Promise<ReconcileOutcome> {
    const { account, signal } = request;
    const known = progressOf(request.progress);
    if (known?.mediaId) {
      return {
        status: 'published',
        post: {
          externalId: known.mediaId,
          url: await permalinkOf(known.mediaId, account.accessToken, signal),
        },
      };
    }
    if (known?.containerId) {
      // The container knows whether it was published, whatever the caption.
      const result = await read(
        `${encodeURIComponent(known.containerId)}?fields=status_code`,
        account.accessToken,
        signal,
      );
      if ('error' in result) {
        return {
          status: 'unknown',
          reason: `Herald could not ask Instagram about the post: ${result.error.message}`,
        };
      }
      const state = StatusResponse.safeParse(result.body);
      if (!state.success) {
        return {
          status: 'unknown',
          reason: 'Instagram answered in a form Herald does not understand.',
        };
      }
      if (state.data.status_code !== 'PUBLISHED') return { status: 'not_published' };
      const found = await findByCaption(request);
      if (found && 'externalId' in found) return { status: 'published', post: found };
      return {
        status: 'unknown',
        reason:
          found?.unknown ??
          (known.postType === 'story'
            ? 'Instagram says the story was published, but stories are not listed with their ids.'
            : 'Instagram says the post was published, but it is not among the account’s posts around that time.'),
      };
    }
    const found = await findByCaption(request);
    if (found === null) return { status: 'not_published' };
    if ('unknown' in found) return { status: 'unknown', reason: found.unknown };
    return { status: 'published', post: found };
  }

  async function refreshToken({
    accessToken,
    signal,
  }: RefreshTokenRequest): Promise<RefreshedToken> {
    const query = new URLSearchParams({
      grant_type: 'fb_exchange_token',
      client_id: config.appId!,
      client_secret: config.appSecret!,
      fb_exchange_token: accessToken,
    });
    const { status, body } = await call(`oauth/access_token?${query.toString()}`, {}, signal);
    const parsed = TokenResponse.safeParse(body);
    if (!parsed.success) {
      throw new RetryablePublishError(
        `Facebook answered HTTP ${status} to a token exchange without a token.`,
        {
          platformCode: `http_${status}`,
        },
      );
    }
    const { access_token, expires_in } = parsed.data;
    return {
      accessToken: access_token,
      // Facebook leaves expires_in out for a token that does not expire.
      expiresAt: expires_in === undefined ? null : new Date(clock().getTime() + expires_in * 1000),
    };
  }

  const adapter: PlatformAdapter = {
    platform: 'instagram',
    rules: PLATFORM_RULES.instagram,
    publish,
    reconcile: unknownOnFailure('Instagram', reconcile),
    async quotaUsage({ account, signal }) {
      const result = await read(
        `${user(account)}/content_publishing_limit?fields=quota_usage,config`,
        account.accessToken,
        signal,
      );
      if ('error' in result) return null;
      const limit = LimitResponse.safeParse(result.body);
      if (!limit.success) return null;
      const [entry] = limit.data.data;
      return {
        used: entry!.quota_usage,
        cap: entry!.config.quota_total,
        durationMs: entry!.config.quota_duration * 1000,
      };
    },
    fetchMetrics: (request) =>
      fetchInstagramMetrics(
        async (path, { account, signal }) => (await get(path, account.accessToken, signal)).body,
        request,
      ),
  };
  // Token exchange needs the app's credentials; without them there is no way to refresh.
  if (config.appId && config.appSecret) adapter.refreshToken = refreshToken;
  return adapter;
}

function progressOf(progress: ProviderProgress | null): InstagramProgress | null {
  const parsed = InstagramProgress.safeParse(progress);
  return parsed.success ? parsed.data : null;
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((value, i) => value === b[i]);

/** Before media_publish nothing shows: an unanswered step is retried, and a refused file named. */
function setupFailure(error: PublishError, file?: PublishMedia): PublishError {
  if (error.kind === 'ambiguous') {
    return new RetryablePublishError(error.message, {
      platformCode: error.platformCode,
      cause: error,
    });
  }
  if (error.kind === 'permanent' && file) {
    return new PermanentPublishError(`${file.name}: ${error.message}`, {
      platformCode: error.platformCode,
      cause: error,
    });
  }
  return error;
}

const FAILURES: Record<number, string> = {
  2207026: 'the video format is not supported (Instagram takes MP4 or MOV, H.264, AAC)',
  2207052: 'the media could not be fetched from its URL',
  2207004: 'the image is larger than 8 MiB',
  2207005: 'the image format is not supported (Instagram takes JPEG only)',
  2207009: 'the aspect ratio is outside what Instagram accepts',
};

function describeFailure(subcode: number, status: string | undefined): string {
  return FAILURES[subcode] ?? status ?? 'no reason given';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
