// Facebook Pages through the Graph API. A text post is one POST to /{page-id}/feed; one photo
// is one POST to /{page-id}/photos (Facebook fetches the signed URL); several photos are each
// uploaded unpublished, then named in one feed post's attached_media; a video is one POST to
// /{page-id}/videos on graph-video.facebook.com. Only the call that makes the post visible is
// ambiguous when unanswered. Reconcile reads the post back by id, or lists the Page's feed
// around the attempt. The base URL is https://graph.facebook.com in production and the
// sandbox's /facebook elsewhere.
import { z } from 'zod';
import { PLATFORM_RULES } from '../../domain/platform-rules.ts';
import {
  AmbiguousPublishError,
  PermanentPublishError,
  PublishError,
  RetryablePublishError,
} from '../errors.ts';
import { unknownOnFailure } from '../reconcile.ts';
import type {
  AdapterHttpConfig,
  PlatformAdapter,
  ProviderProgress,
  PublishedPost,
  PublishMedia,
  PublishRequest,
  ReconcileOutcome,
  ReconcileRequest,
} from '../types.ts';
import { classifyGraphError, classifyNetworkError } from './errors.ts';
import { fetchFacebookMetrics } from './metrics.ts';

export interface FacebookAdapterConfig extends AdapterHttpConfig {
  /** Graph API version, e.g. `v21.0` (the default). */
  apiVersion?: string;
  /**
   * Where people open a post: `{webUrl}/{post id}`. Default https://www.facebook.com for the
   * real Graph API (it resolves `{page}_{post}` ids), and `{baseUrl}/posts` for the sandbox.
   */
  webUrl?: string;
  /**
   * Where videos are posted (Graph takes them on its own host). Default
   * https://graph-video.facebook.com for the real Graph API, and `baseUrl` for the sandbox.
   */
  videoBaseUrl?: string;
}

/** The Graph API version called when none is configured (FACEBOOK_GRAPH_VERSION). */
export const DEFAULT_GRAPH_API_VERSION = 'v21.0';

const DEFAULT_TIMEOUT_MS = 30_000;
const now = () => new Date();

/** Reconcile looks this far either side of the attempt: clocks and Graph's timestamps differ. */
const RECONCILE_SLACK_MS = 2 * 60_000;
/** Feed pages (of 100 posts) reconcile reads at most; a Page posting more in minutes is rare. */
const MAX_FEED_PAGES = 5;

/** A multi-photo post takes at most this many photos (the composer's rule, checked again here). */
const MAX_PHOTOS = 10;

const PublishResponse = z.object({ id: z.string().min(1) });
const PhotoPostResponse = z.object({ id: z.string().min(1), post_id: z.string().min(1) });
/** What the adapter remembers between attempts: the post, once Facebook has named it. */
const FacebookProgress = z.object({ postId: z.string().min(1) });
/**
 * Photos uploaded unpublished so far for a multi-photo post: `photoIds[i]` is Facebook's id for
 * the i-th photo, the asset named by `assetIds[i]` (so a changed selection starts afresh).
 */
const PhotosProgress = z
  .object({ photoIds: z.array(z.string().min(1)), assetIds: z.array(z.string()) })
  .refine((p) => p.photoIds.length === p.assetIds.length);
/**
 * A video was sent (its answer may have been lost). Facebook processes videos before they show
 * in the Page's feed, so not finding one there soon after proves nothing.
 */
const VideoProgress = z.object({ videoSent: z.string() });
const FeedResponse = z.object({
  data: z.array(
    z.object({
      id: z.string(),
      message: z.string().optional(),
      created_time: z.string().optional(),
      permalink_url: z.string().optional(),
    }),
  ),
  paging: z.object({ next: z.string().optional() }).optional(),
});

export function createFacebookAdapter(config: FacebookAdapterConfig): PlatformAdapter {
  const root = `${config.baseUrl.replace(/\/+$/, '')}/${config.apiVersion ?? DEFAULT_GRAPH_API_VERSION}`;
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const clock = config.now ?? now;
  const graph = (pathOrUrl: string, init: RequestInit, signal?: AbortSignal) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const url = /^https?:/.test(pathOrUrl) ? pathOrUrl : `${root}/${pathOrUrl}`;
    return (config.fetch ?? fetch)(url, {
      ...init,
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  };
  const bearer = (accessToken: string) => ({ authorization: `Bearer ${accessToken}` });

  // The link is built from the id: asking Graph for `permalink_url` would cost a second
  // request on every publish for the same page.
  const base = config.baseUrl.replace(/\/+$/, '');
  const web = (
    config.webUrl ??
    (/^https:\/\/graph\.facebook\.com$/.test(base) ? 'https://www.facebook.com' : `${base}/posts`)
  ).replace(/\/+$/, '');
  const postUrl = (id: string) => `${web}/${encodeURIComponent(id)}`;
  const videoRoot = `${(
    config.videoBaseUrl ??
    (/^https:\/\/graph\.facebook\.com$/.test(base) ? 'https://graph-video.facebook.com' : base)
  ).replace(/\/+$/, '')}/${config.apiVersion ?? DEFAULT_GRAPH_API_VERSION}`;

  /**
   * A form POST whose failure is thrown as a PublishError; answers the body of a 2xx. A timeout
   * or a lost connection is ambiguous here: callers whose step shows nothing soften that.
   */
  async function post(
    pathOrUrl: string,
    params: URLSearchParams,
    accessToken: string,
    signal?: AbortSignal,
  ): Promise<{ status: number; body: unknown }> {
    let response: Response;
    let body: unknown;
    try {
      response = await graph(
        pathOrUrl,
        { method: 'POST', headers: bearer(accessToken), body: params },
        signal,
      );
      body = parseJson(await response.text());
    } catch (error) {
      throw classifyNetworkError(error, { timeoutMs });
    }
    if (!response.ok) throw classifyGraphError(response.status, body, response.headers, clock());
    return { status: response.status, body };
  }

  /** The call that makes the post visible: a 2xx without the ids we need is ambiguous. */
  async function publishingCall<T>(
    pathOrUrl: string,
    params: URLSearchParams,
    schema: z.ZodType<T>,
    request: PublishRequest,
    file?: PublishMedia,
  ): Promise<T> {
    const { status, body } = await post(
      pathOrUrl,
      params,
      request.account.accessToken,
      request.signal,
    ).catch((error: unknown) => {
      throw file && error instanceof PublishError ? aboutFile(error, file) : error;
    });
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      // A 2xx we cannot read: Facebook probably posted, but we have no id to prove it.
      throw new AmbiguousPublishError(`Facebook answered HTTP ${status} without a post id.`, {
        platformCode: `http_${status}`,
      });
    }
    return parsed.data;
  }

  async function publishText(request: PublishRequest): Promise<PublishedPost> {
    const { id } = await publishingCall(
      `${encodeURIComponent(request.account.externalId)}/feed`,
      new URLSearchParams({ message: request.content.caption }),
      PublishResponse,
      request,
    );
    // No saveProgress: this was the last step, and the engine records the id as it settles.
    // Should it crash first, reconcile finds the post in the Page's feed.
    return { externalId: id, url: postUrl(id) };
  }

  async function publishPhoto(request: PublishRequest, photo: PublishMedia) {
    const { post_id: postId } = await publishingCall(
      `${encodeURIComponent(request.account.externalId)}/photos`,
      new URLSearchParams({ url: photo.url, caption: request.content.caption }),
      PhotoPostResponse,
      request,
      photo,
    );
    // The Page's post (not the photo) is what the feed lists and reconcile finds.
    return { externalId: postId, url: postUrl(postId) };
  }

  async function publishVideo(request: PublishRequest, video: PublishMedia) {
    const params = new URLSearchParams({
      file_url: video.url,
      description: request.content.caption,
    });
    const title = video.name.replace(/\.[^.]*$/, '').trim();
    if (title) params.set('title', title);
    try {
      await request.saveProgress({ videoSent: video.assetId });
    } catch (error) {
      throw new RetryablePublishError('Publishing stopped before the video was sent.', {
        cause: error,
      });
    }
    const { id } = await publishingCall(
      `${videoRoot}/${encodeURIComponent(request.account.externalId)}/videos`,
      params,
      PublishResponse,
      request,
      video,
    );
    return { externalId: id, url: postUrl(id) };
  }

  /**
   * Uploads each photo unpublished (nothing shows yet, so a failure here is never ambiguous),
   * recording each id before the next upload, then names them all in one feed post.
   */
  async function publishPhotos(
    request: PublishRequest,
    photos: readonly PublishMedia[],
  ): Promise<PublishedPost> {
    const { account, content, signal } = request;
    const uploaded = uploadedPhotos(request.progress, photos);
    for (const [index, photo] of photos.entries()) {
      if (index < uploaded.length) continue;
      if (signal?.aborted) {
        throw new RetryablePublishError('Publishing was cancelled before the post was made.');
      }
      const { body, status } = await post(
        `${encodeURIComponent(account.externalId)}/photos`,
        new URLSearchParams({ url: photo.url, published: 'false' }),
        account.accessToken,
        signal,
      ).catch((error: unknown) => {
        throw error instanceof PublishError ? setupFailure(aboutFile(error, photo)) : error;
      });
      const parsed = PublishResponse.safeParse(body);
      if (!parsed.success) {
        throw new RetryablePublishError(
          `Facebook answered HTTP ${status} to a photo upload without the photo's id.`,
          { platformCode: `http_${status}` },
        );
      }
      uploaded.push(parsed.data.id);
      try {
        await request.saveProgress({
          photoIds: [...uploaded],
          assetIds: photos.slice(0, uploaded.length).map((p) => p.assetId),
        });
      } catch (error) {
        throw new RetryablePublishError(
          'Herald could not record a photo Facebook took; nothing is visible on the Page yet.',
          { cause: error },
        );
      }
    }

    const params = new URLSearchParams({ message: content.caption });
    for (const [index, id] of uploaded.entries()) {
      params.set(`attached_media[${index}]`, JSON.stringify({ media_fbid: id }));
    }
    try {
      const { id } = await publishingCall(
        `${encodeURIComponent(account.externalId)}/feed`,
        params,
        PublishResponse,
        request,
      );
      return { externalId: id, url: postUrl(id) };
    } catch (error) {
      // Facebook forgets unpublished photos after a while: upload them again next time.
      if (
        error instanceof PermanentPublishError &&
        error.platformCode === '100' &&
        /attached_media/.test(error.message)
      ) {
        await request.saveProgress({ photoIds: [], assetIds: [] }).catch(() => undefined);
        throw new RetryablePublishError(
          `Facebook no longer has the photos Herald uploaded earlier (${error.message}); they will be uploaded again.`,
          { platformCode: error.platformCode, cause: error },
        );
      }
      throw error;
    }
  }

  /** A GET whose failure is reported, not thrown: reconcile turns it into `unknown`. */
  async function read(
    pathOrUrl: string,
    accessToken: string,
    signal?: AbortSignal,
  ): Promise<{ body: unknown } | { error: PublishError }> {
    let response: Response;
    let body: unknown;
    try {
      response = await graph(pathOrUrl, { headers: bearer(accessToken) }, signal);
      body = parseJson(await response.text());
    } catch (error) {
      return { error: classifyNetworkError(error, { timeoutMs }) };
    }
    if (!response.ok)
      return { error: classifyGraphError(response.status, body, response.headers, clock()) };
    return { body };
  }

  async function reconcile({
    account,
    content,
    progress,
    window,
    signal,
  }: ReconcileRequest): Promise<ReconcileOutcome> {
    const known = progressOf(progress);
    if (known) {
      // Facebook named the post before we lost the answer: it was published.
      return {
        status: 'published',
        post: { externalId: known.postId, url: postUrl(known.postId) },
      };
    }
    const since = Math.floor((window.from.getTime() - RECONCILE_SLACK_MS) / 1000);
    const until = Math.ceil((window.to.getTime() + RECONCILE_SLACK_MS) / 1000);
    const query = new URLSearchParams({
      fields: 'id,message,created_time,permalink_url',
      since: String(since),
      until: String(until),
      limit: '100',
    });
    let next: string | undefined =
      `${encodeURIComponent(account.externalId)}/feed?${query.toString()}`;
    for (let page = 0; next && page < MAX_FEED_PAGES; page += 1) {
      const result = await read(next, account.accessToken, signal);
      if ('error' in result) {
        return {
          status: 'unknown',
          reason: `Herald could not read the Page's recent posts: ${result.error.message}`,
        };
      }
      const feed = FeedResponse.safeParse(result.body);
      if (!feed.success) {
        return {
          status: 'unknown',
          reason: "Facebook answered the Page's feed in a form Herald does not understand.",
        };
      }
      // Our exact text on our Page within minutes of the attempt: ours. (We add no marker to
      // people's captions, so an identical post made by hand in that window would count too.)
      // Graph leaves `message` out when it is empty (a photo or video without a caption).
      const match = feed.data.data.find((post) => (post.message ?? '') === content.caption);
      if (match) {
        return {
          status: 'published',
          post: {
            externalId: match.id,
            url: match.permalink_url ?? postUrl(match.id),
          },
        };
      }
      next = feed.data.paging?.next;
    }
    if (next) {
      return {
        status: 'unknown',
        reason: `The Page posted more than ${MAX_FEED_PAGES * 100} times around the attempt; Herald stopped looking.`,
      };
    }
    if (VideoProgress.safeParse(progress).success) {
      // Not in the feed may only mean "still processing": reposting could make a second copy.
      return {
        status: 'unknown',
        reason: 'Facebook may still be processing the video, so it does not show on the Page yet.',
      };
    }
    return { status: 'not_published' };
  }

  return {
    platform: 'facebook',
    rules: PLATFORM_RULES.facebook,
    async publish(request) {
      const known = progressOf(request.progress);
      if (known) {
        // An earlier attempt got the id and stopped before settling: the post exists.
        return { externalId: known.postId, url: postUrl(known.postId) };
      }
      if (request.signal?.aborted) {
        throw new RetryablePublishError('Publishing was cancelled before anything was sent.');
      }
      const { media } = request.content;
      const videos = media.filter((m) => m.kind === 'video');
      if (media.length === 0) return publishText(request);
      if (videos.length > 0) {
        if (media.length > 1) {
          throw new PermanentPublishError(
            'A Facebook post takes one video on its own, or photos only: remove the other files.',
          );
        }
        return publishVideo(request, videos[0]!);
      }
      if (media.length > MAX_PHOTOS) {
        throw new PermanentPublishError(
          `A Facebook post takes at most ${MAX_PHOTOS} photos; this one has ${media.length}.`,
        );
      }
      if (media.length === 1) return publishPhoto(request, media[0]!);
      return publishPhotos(request, media);
    },
    // Reconcile only reads, so an unexpected failure is no reason to guess: a person decides.
    reconcile: unknownOnFailure('Facebook', reconcile),
    fetchMetrics: (request) =>
      fetchFacebookMetrics(async (path, { account, signal }) => {
        const result = await read(path, account.accessToken, signal);
        if ('error' in result) throw result.error;
        return result.body;
      }, request),
  };
}

function progressOf(progress: ProviderProgress | null) {
  const parsed = FacebookProgress.safeParse(progress);
  return parsed.success ? parsed.data : null;
}

/**
 * Facebook's ids for the photos an earlier attempt uploaded, when they are the first of these
 * (same assets, same order); else none, and the photos are uploaded afresh (the earlier ones
 * stay unpublished, seen by nobody).
 */
function uploadedPhotos(progress: ProviderProgress | null, photos: readonly PublishMedia[]) {
  const parsed = PhotosProgress.safeParse(progress);
  if (!parsed.success) return [];
  const { photoIds, assetIds } = parsed.data;
  const samePhotos =
    assetIds.length <= photos.length && assetIds.every((id, i) => photos[i]!.assetId === id);
  return samePhotos ? [...photoIds] : [];
}

/** A refused file says which one: a post may carry ten. Other errors are not the file's. */
function aboutFile(error: PublishError, file: PublishMedia): PublishError {
  if (error.kind !== 'permanent') return error;
  return new PermanentPublishError(`${file.name}: ${error.message}`, {
    platformCode: error.platformCode,
    cause: error,
  });
}

/** An unpublished upload shows nothing: an unanswered one is worth retrying, not reconciling. */
function setupFailure(error: PublishError): PublishError {
  if (error.kind !== 'ambiguous') return error;
  return new RetryablePublishError(error.message, {
    platformCode: error.platformCode,
    cause: error,
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
