// X through the v2 API. A post is one `POST /2/tweets`; a caption holding the separator line
// `---` is a thread, each part posted as a reply to the one before (`reply.in_reply_to_tweet_id`),
// with the media on the first. Images go up in one request each (`POST /2/media/upload`); a
// video in a chunked session (`/2/media/upload/initialize`, `/{id}/append` with `segment_index`,
// `/{id}/finalize`, then `GET /2/media/upload?command=STATUS` honouring `check_after_secs`).
// Every step is saved before the next, so a retry continues where X got to: an upload is never
// repeated, a post never re-sent without first looking for it. Only creating a post is
// ambiguous when unanswered; reconcile looks posts up by saved id, else by listing the user's
// posts around the attempt (`GET /2/users/{id}/tweets`, start_time/end_time) and matching text.
// Tokens refresh through `POST /2/oauth2/token` (refresh tokens rotate: keep the newest).
// Sources: docs.x.com (Manage Posts "Create Post", Media "Chunked media upload", "Finalize
// Media upload", "Get Media upload status", Users "Posts timeline", OAuth 2.0 "Authorization
// Code Flow with PKCE", "Rate limits", "Error troubleshooting"), developer.x.com "Counting
// characters"; ../shared/reference/platform-apis.md. Base URL: https://api.x.com in production,
// the sandbox's /x elsewhere.
import { setTimeout as sleepFor } from 'node:timers/promises';
import { z } from 'zod';
import {
  captionLength,
  PLATFORM_RULES,
  threadParts as splitThread,
} from '../../domain/platform-rules.ts';
import {
  AuthPublishError,
  PermanentPublishError,
  PublishError,
  NotReadyPublishError,
  RetryablePublishError,
  AmbiguousPublishError,
} from '../errors.ts';
import { unknownOnFailure } from '../reconcile.ts';
import { readMediaChunks, readMediaWhole } from '../media-source.ts';
import type {
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
import { classifyXError, classifyXNetworkError, type XCallKind } from './errors.ts';
import { fetchXMetrics } from './metrics.ts';

export interface XAdapterConfig extends AdapterHttpConfig {
  /** The app's OAuth 2.0 client id; refreshing a token needs it. */
  clientId?: string;
  /** A confidential client's secret: the token endpoint then takes Basic credentials. */
  clientSecret?: string;
  /**
   * Where people open a post: `{webUrl}/{post id}`. Default https://x.com/i/web/status for the
   * real API (it needs no username), and `{baseUrl}/posts` for the sandbox.
   */
  webUrl?: string;
  /** Bytes per APPEND; X takes at most 5 MB. Default 4 MiB. */
  chunkBytes?: number;
  /**
   * How long one attempt waits for X to process a video, in all. Past it the attempt stops as
   * retryable at the time X said to check again, and the next one polls on. Default 60 s.
   */
  maxProcessingWaitMs?: number;
  /** Waits between STATUS polls; injected by tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024;
const DEFAULT_MAX_PROCESSING_WAIT_MS = 60_000;
const MAX_IMAGES = 4;
/** Reconcile and the resume check look this far either side of an attempt. */
const SLACK_MS = 2 * 60_000;
/** Timeline pages (of 100 posts) read at most when looking for a post. */
const MAX_TIMELINE_PAGES = 5;
const now = () => new Date();

/** A caption's posts, in order (the domain's rule: one per part between `---` lines). */
export function threadParts(caption: string): string[] {
  return splitThread(caption, 'x');
}

/**
 * What the adapter remembers between attempts: media uploaded (and to which asset each
 * belongs), a video's upload session and how far it got, the posts of the thread already made,
 * and the part whose creation was sent without an answer yet.
 */
const XProgress = z.object({
  images: z
    .object({ assetIds: z.array(z.string()), mediaIds: z.array(z.string().min(1)) })
    .refine((i) => i.assetIds.length === i.mediaIds.length)
    .optional(),
  video: z
    .object({
      assetId: z.string(),
      mediaId: z.string().min(1),
      chunkBytes: z.int().positive(),
      segments: z.int().min(0),
      finalized: z.boolean(),
    })
    .optional(),
  tweetIds: z.array(z.string().min(1)).default([]),
  pending: z.object({ part: z.int().min(0), sentAt: z.string() }).optional(),
});
type XProgress = z.infer<typeof XProgress>;

const DataId = z.object({ data: z.object({ id: z.string().min(1) }) });
const ProcessingInfo = z.object({
  state: z.enum(['pending', 'in_progress', 'failed', 'succeeded']),
  check_after_secs: z.number().optional(),
  error: z.object({ message: z.string().optional(), name: z.string().optional() }).optional(),
});
type ProcessingInfo = z.infer<typeof ProcessingInfo>;
const MediaAnswer = z.object({
  data: z.object({ id: z.string().min(1), processing_info: ProcessingInfo.optional() }),
});
const Timeline = z.object({
  data: z
    .array(
      z.object({
        id: z.string(),
        text: z.string(),
        referenced_tweets: z.array(z.object({ type: z.string(), id: z.string() })).optional(),
      }),
    )
    .optional(),
  meta: z.object({ next_token: z.string().optional() }).optional(),
});
type TimelinePost = NonNullable<z.infer<typeof Timeline>['data']>[number];
const TokenAnswer = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().optional(),
  refresh_token: z.string().optional(),
});

export function createXAdapter(config: XAdapterConfig): PlatformAdapter {
  const base = config.baseUrl.replace(/\/+$/, '');
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const clock = config.now ?? now;
  const chunkBytes = config.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  const maxWaitMs = config.maxProcessingWaitMs ?? DEFAULT_MAX_PROCESSING_WAIT_MS;
  const sleep =
    config.sleep ?? ((ms: number, signal?: AbortSignal) => sleepFor(ms, undefined, { signal }));
  const web = (
    config.webUrl ??
    (/^https:\/\/api\.(?:x|twitter)\.com$/.test(base)
      ? 'https://x.com/i/web/status'
      : `${base}/posts`)
  ).replace(/\/+$/, '');
  const postUrl = (id: string) => `${web}/${encodeURIComponent(id)}`;
  const doFetch = (url: string, init: RequestInit, signal?: AbortSignal) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    return (config.fetch ?? fetch)(url, {
      ...init,
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  };

  /** One API call; a failure is thrown as a PublishError classified for this kind of call. */
  async function call(
    path: string,
    init: { method?: string; json?: unknown; form?: FormData },
    accessToken: string,
    kind: XCallKind,
    signal?: AbortSignal,
  ): Promise<{ status: number; body: unknown }> {
    const headers: Record<string, string> = { authorization: `Bearer ${accessToken}` };
    let body: RequestInit['body'];
    if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    } else if (init.form) {
      body = init.form;
    }
    let response: Response;
    let parsed: unknown;
    try {
      response = await doFetch(
        `${base}${path}`,
        { method: init.method ?? (body ? 'POST' : 'GET'), headers, ...(body ? { body } : {}) },
        signal,
      );
      parsed = parseJson(await response.text());
    } catch (error) {
      throw classifyXNetworkError(error, { timeoutMs, ...kind });
    }
    if (!response.ok) throw classifyXError(response.status, parsed, response.headers, kind);
    return { status: response.status, body: parsed };
  }

  const SETUP: XCallKind = { final: false };
  const FINAL: XCallKind = { final: true };

  /** Saves progress after a setup step; if that fails nothing is visible yet, so retry. */
  async function saveSetup(request: PublishRequest, progress: XProgress, what: string) {
    try {
      await request.saveProgress(toJson(progress));
    } catch (error) {
      throw new RetryablePublishError(
        `Herald could not record ${what}; nothing is visible on X yet.`,
        { cause: error },
      );
    }
  }

  async function uploadImages(
    request: PublishRequest,
    images: readonly PublishMedia[],
    progress: XProgress,
  ): Promise<string[]> {
    const saved = progress.images;
    const same =
      saved &&
      saved.assetIds.length <= images.length &&
      saved.assetIds.every((id, i) => images[i]!.assetId === id);
    const done = same ? { ...saved } : { assetIds: [], mediaIds: [] };
    for (const [index, image] of images.entries()) {
      if (index < done.mediaIds.length) continue;
      const bytes = await readMediaWhole(config.fetch ?? fetch, image, request.signal);
      const form = new FormData();
      form.set('media', new Blob([new Uint8Array(bytes)], { type: image.contentType }), image.name);
      form.set('media_category', 'tweet_image');
      form.set('media_type', image.contentType);
      const { body, status } = await call(
        '/2/media/upload',
        { form },
        request.account.accessToken,
        SETUP,
        request.signal,
      ).catch((error: unknown) => {
        throw aboutFile(error, image);
      });
      const parsed = DataId.safeParse(body);
      if (!parsed.success) {
        throw new RetryablePublishError(
          `X answered HTTP ${status} to an image upload without the media id.`,
          { platformCode: `http_${status}` },
        );
      }
      done.assetIds = [...done.assetIds, image.assetId];
      done.mediaIds = [...done.mediaIds, parsed.data.data.id];
      progress.images = done;
      await saveSetup(request, progress, 'an image X took');
    }
    return done.mediaIds;
  }

  async function uploadVideo(
    request: PublishRequest,
    video: PublishMedia,
    progress: XProgress,
  ): Promise<string> {
    const token = request.account.accessToken;
    let session = progress.video?.assetId === video.assetId ? progress.video : undefined;
    if (!session) {
      const { body, status } = await call(
        '/2/media/upload/initialize',
        {
          json: {
            media_type: video.contentType,
            total_bytes: video.sizeBytes,
            media_category: 'tweet_video',
          },
        },
        token,
        SETUP,
        request.signal,
      ).catch((error: unknown) => {
        throw aboutFile(error, video);
      });
      const parsed = DataId.safeParse(body);
      if (!parsed.success) {
        throw new RetryablePublishError(
          `X answered HTTP ${status} to a video upload without the media id.`,
        );
      }
      session = {
        assetId: video.assetId,
        mediaId: parsed.data.data.id,
        chunkBytes,
        segments: 0,
        finalized: false,
      };
      progress.video = session;
      await saveSetup(request, progress, 'the video upload X started');
    }
    const mediaPath = `/2/media/upload/${encodeURIComponent(session.mediaId)}`;
    let info: ProcessingInfo | undefined;
    if (!session.finalized) {
      const offset = session.segments * session.chunkBytes;
      if (offset < video.sizeBytes) {
        for await (const chunk of readMediaChunks(
          config.fetch ?? fetch,
          video,
          offset,
          session.chunkBytes,
          request.signal,
        )) {
          const form = new FormData();
          form.set('segment_index', String(session.segments));
          form.set('media', new Blob([new Uint8Array(chunk)]), 'chunk');
          await call(`${mediaPath}/append`, { form }, token, SETUP, request.signal).catch(
            (error: unknown) => {
              throw aboutFile(error, video);
            },
          );
          session.segments += 1;
          await saveSetup(request, progress, 'a part of the video X took');
        }
      }
      const { body } = await call(
        `${mediaPath}/finalize`,
        { method: 'POST' },
        token,
        SETUP,
        request.signal,
      ).catch((error: unknown) => {
        throw aboutFile(error, video);
      });
      const parsed = MediaAnswer.safeParse(body);
      info = parsed.success ? parsed.data.data.processing_info : undefined;
      session.finalized = true;
      await saveSetup(request, progress, 'the finished video upload');
      if (!info) return session.mediaId;
    }
    await waitForProcessing(request, session.mediaId, info, video);
    return session.mediaId;
  }

  /** Polls STATUS as X asks (`check_after_secs`) until the video is ready, up to maxWaitMs. */
  async function waitForProcessing(
    request: PublishRequest,
    mediaId: string,
    first: ProcessingInfo | undefined,
    video: PublishMedia,
  ): Promise<void> {
    let info = first;
    let waited = 0;
    for (;;) {
      if (info?.state === 'succeeded') return;
      if (info?.state === 'failed') {
        throw new PermanentPublishError(
          `${video.name}: X could not process the video (${info.error?.message ?? info.error?.name ?? 'no reason given'}).`,
          { platformCode: 'processing_failed' },
        );
      }
      if (info) {
        const delayMs = Math.max(0, (info.check_after_secs ?? 1) * 1000);
        if (waited + delayMs > maxWaitMs) {
          throw new NotReadyPublishError(
            `X is still processing ${video.name}; Herald will check again.`,
            { retryAt: new Date(clock().getTime() + delayMs), platformCode: 'processing' },
          );
        }
        await sleep(delayMs, request.signal);
        waited += delayMs;
      }
      const query = new URLSearchParams({ command: 'STATUS', media_id: mediaId });
      const { body, status } = await call(
        `/2/media/upload?${query.toString()}`,
        {},
        request.account.accessToken,
        SETUP,
        request.signal,
      );
      const parsed = MediaAnswer.safeParse(body);
      if (!parsed.success) {
        throw new RetryablePublishError(
          `X answered HTTP ${status} to a status check Herald cannot read.`,
        );
      }
      // No processing_info: nothing left to process.
      info = parsed.data.data.processing_info ?? { state: 'succeeded' };
    }
  }

  /** Creates one post: the call that makes something visible, so its silence is ambiguous. */
  async function createPost(
    request: PublishRequest,
    text: string,
    mediaIds: readonly string[],
    replyTo: string | undefined,
  ): Promise<string> {
    const { status, body } = await call(
      '/2/tweets',
      {
        json: {
          ...(text ? { text } : {}),
          ...(mediaIds.length ? { media: { media_ids: mediaIds } } : {}),
          ...(replyTo ? { reply: { in_reply_to_tweet_id: replyTo } } : {}),
        },
      },
      request.account.accessToken,
      FINAL,
      request.signal,
    );
    const parsed = DataId.safeParse(body);
    if (!parsed.success) {
      throw new AmbiguousPublishError(`X answered HTTP ${status} without the post's id.`, {
        platformCode: `http_${status}`,
      });
    }
    return parsed.data.data.id;
  }

  /** The user's posts created since `from`, newest first (at most MAX_TIMELINE_PAGES pages). */
  async function timeline(
    userId: string,
    accessToken: string,
    from: Date,
    to: Date | undefined,
    signal?: AbortSignal,
  ): Promise<{ posts: TimelinePost[]; complete: boolean }> {
    const posts: TimelinePost[] = [];
    let next: string | undefined;
    for (let page = 0; page < MAX_TIMELINE_PAGES; page += 1) {
      const query = new URLSearchParams({
        start_time: from.toISOString(),
        max_results: '100',
        'tweet.fields': 'created_at,referenced_tweets',
      });
      if (to) query.set('end_time', to.toISOString());
      if (next) query.set('pagination_token', next);
      const { body } = await call(
        `/2/users/${encodeURIComponent(userId)}/tweets?${query.toString()}`,
        {},
        accessToken,
        SETUP,
        signal,
      );
      const parsed = Timeline.safeParse(body);
      if (!parsed.success) {
        throw new RetryablePublishError(
          "X answered the user's posts in a form Herald does not understand.",
        );
      }
      posts.push(...(parsed.data.data ?? []));
      next = parsed.data.meta?.next_token;
      if (!next) return { posts, complete: true };
    }
    return { posts, complete: false };
  }

  /**
   * Finds the thread's parts from `start` on in the listed posts: each with the part's text
   * and, after the first, replying to the part before. The ids found, in order, stopping at the
   * first part missing.
   */
  function matchParts(
    posts: readonly TimelinePost[],
    parts: readonly string[],
    start: number,
    previousId: string | undefined,
  ): string[] {
    const found: string[] = [];
    let previous = previousId;
    for (let k = start; k < parts.length; k += 1) {
      const match = posts.find(
        (post) =>
          sameText(post.text, parts[k]!) &&
          (k === 0 ||
            post.referenced_tweets?.some((r) => r.type === 'replied_to' && r.id === previous)),
      );
      if (!match) break;
      found.push(match.id);
      previous = match.id;
    }
    return found;
  }

  async function publish(request: PublishRequest): Promise<PublishedPost> {
    const progress = progressOf(request.progress);
    const parts = threadParts(request.content.caption);
    const { media } = request.content;
    checkContent(parts, media);
    if (progress.tweetIds.length >= parts.length) {
      // Every post exists; an earlier attempt stopped before the engine settled.
      const first = progress.tweetIds[0]!;
      return { externalId: first, url: postUrl(first) };
    }
    if (request.signal?.aborted) {
      throw new RetryablePublishError('Publishing was cancelled before anything was sent.');
    }

    let mediaIds: string[] = [];
    // Media an earlier attempt uploaded: X forgets it after expires_after_secs (a day).
    const reusedMedia = Boolean(progress.images?.mediaIds.length ?? progress.video?.finalized);
    if (progress.tweetIds.length === 0 && media.length > 0) {
      const video = media.find((m) => m.kind === 'video');
      mediaIds = video
        ? [await uploadVideo(request, video, progress)]
        : await uploadImages(request, media, progress);
    }

    for (let k = progress.tweetIds.length; k < parts.length; k += 1) {
      const previous = progress.tweetIds[k - 1];
      if (progress.pending?.part === k) {
        // Part k was sent before and its answer lost: look for it before sending it again.
        const since = new Date(Date.parse(progress.pending.sentAt) - SLACK_MS);
        let found: string | undefined;
        try {
          const { posts } = await timeline(
            request.account.externalId,
            request.account.accessToken,
            since,
            undefined,
            request.signal,
          );
          found = matchParts(posts, parts, k, previous)[0];
        } catch (error) {
          // A refused token or a spent window says so; anything else is worth another try.
          if (
            error instanceof PublishError &&
            (error.kind === 'auth' || error.kind === 'rate_limited')
          ) {
            throw error;
          }
          throw new RetryablePublishError(
            `Herald could not check whether post ${k + 1} of ${parts.length} reached X before sending it again.`,
            { cause: error },
          );
        }
        if (found) {
          progress.tweetIds = [...progress.tweetIds, found];
          delete progress.pending;
          await saveSetup(request, progress, 'a post found on X');
          continue;
        }
      }
      progress.pending = { part: k, sentAt: clock().toISOString() };
      await saveSetup(request, progress, 'the post about to be sent');
      let id: string;
      try {
        id = await createPost(request, parts[k]!, k === 0 ? mediaIds : [], previous);
      } catch (error) {
        if (
          k === 0 &&
          reusedMedia &&
          error instanceof PermanentPublishError &&
          /media/i.test(error.message)
        ) {
          // The media uploaded earlier has expired at X: upload it again next time.
          delete progress.images;
          delete progress.video;
          delete progress.pending;
          await request.saveProgress(toJson(progress)).catch(() => undefined);
          throw new RetryablePublishError(
            `X no longer has the media Herald uploaded earlier (${error.message}); it will be uploaded again.`,
            { platformCode: error.platformCode, cause: error },
          );
        }
        throw error;
      }
      progress.tweetIds = [...progress.tweetIds, id];
      delete progress.pending;
      try {
        await request.saveProgress(toJson(progress));
      } catch (error) {
        throw new AmbiguousPublishError(
          `X published post ${k + 1} of ${parts.length} (${id}) but Herald could not record it.`,
          { cause: error },
        );
      }
    }
    const first = progress.tweetIds[0]!;
    return { externalId: first, url: postUrl(first) };
  }

  async function reconcile(request: ReconcileRequest): Promise<ReconcileOutcome> {
    const progress = progressOf(request.progress);
    const parts = threadParts(request.content.caption);
    const known = progress.tweetIds;
    if (known.length >= parts.length) {
      return { status: 'published', post: { externalId: known[0]!, url: postUrl(known[0]!) } };
    }
    const sentAt = progress.pending ? Date.parse(progress.pending.sentAt) : Number.NaN;
    const from = new Date(
      Math.min(request.window.from.getTime(), Number.isNaN(sentAt) ? Infinity : sentAt) - SLACK_MS,
    );
    const until = request.window.to.getTime() + SLACK_MS;
    // X refuses an end_time less than 10 s ago; without one the listing runs up to now.
    const to = until < clock().getTime() - 10_000 ? new Date(until) : undefined;
    let listed: { posts: TimelinePost[]; complete: boolean };
    try {
      listed = await timeline(
        request.account.externalId,
        request.account.accessToken,
        from,
        to,
        request.signal,
      );
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return {
        status: 'unknown',
        reason: `Herald could not read the account's recent posts on X: ${reason}`,
      };
    }
    const found = matchParts(listed.posts, parts, known.length, known.at(-1));
    const ids = [...known, ...found];
    if (ids.length >= parts.length) {
      return { status: 'published', post: { externalId: ids[0]!, url: postUrl(ids[0]!) } };
    }
    if (!listed.complete) {
      return {
        status: 'unknown',
        reason: `The account posted more than ${MAX_TIMELINE_PAGES * 100} times around the attempt; Herald stopped looking.`,
      };
    }
    // Some or none of the posts are there: publishing again continues after the last one
    // (it looks for the part whose answer was lost before sending it again).
    return { status: 'not_published' };
  }

  async function refreshToken({
    refreshToken,
    signal,
  }: RefreshTokenRequest): Promise<RefreshedToken> {
    if (!refreshToken) {
      throw new AuthPublishError(
        'X gave no refresh token for this account: reconnect it (with offline access).',
      );
    }
    if (!config.clientId) {
      throw new PermanentPublishError(
        'Herald has no X client id configured, so it cannot refresh X tokens.',
      );
    }
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: config.clientId,
    });
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (config.clientSecret) {
      headers.authorization = `Basic ${Buffer.from(`${config.clientId}:${config.clientSecret}`).toString('base64')}`;
    }
    let response: Response;
    let body: unknown;
    try {
      response = await doFetch(
        `${base}/2/oauth2/token`,
        { method: 'POST', headers, body: form },
        signal,
      );
      body = parseJson(await response.text());
    } catch (error) {
      // X may have rotated the token already; nothing better to do than try again.
      throw classifyXNetworkError(error, { timeoutMs, final: false });
    }
    if (!response.ok) {
      const oauth = z
        .object({ error: z.string(), error_description: z.string().optional() })
        .safeParse(body);
      if (oauth.success && response.status < 500) {
        throw new AuthPublishError(
          `X refused to refresh the access token (${oauth.data.error_description ?? oauth.data.error}). Reconnect the account.`,
          { platformCode: oauth.data.error },
        );
      }
      throw classifyXError(response.status, body, response.headers, { final: false });
    }
    const parsed = TokenAnswer.safeParse(body);
    if (!parsed.success) {
      throw new RetryablePublishError(
        'X answered the token refresh in a form Herald does not understand.',
      );
    }
    const { access_token: accessToken, expires_in: expiresIn, refresh_token: next } = parsed.data;
    return {
      accessToken,
      expiresAt: expiresIn === undefined ? null : new Date(clock().getTime() + expiresIn * 1000),
      ...(next ? { refreshToken: next } : {}),
    };
  }

  return {
    platform: 'x',
    rules: PLATFORM_RULES.x,
    publish,
    reconcile: unknownOnFailure('X', reconcile),
    refreshToken,
    // A read: nothing it does can be seen, so a lost answer is simply tried again.
    fetchMetrics: (request) =>
      fetchXMetrics(
        async (path, { account, signal }) =>
          (await call(path, {}, account.accessToken, SETUP, signal)).body,
        request,
      ),
  };
}

/** Refuses, before any call, what X would refuse: too long a part, an empty one, too much media. */
function checkContent(parts: readonly string[], media: readonly PublishMedia[]) {
  const limit = PLATFORM_RULES.x.maxCaptionLength;
  for (const [k, part] of parts.entries()) {
    const where = parts.length > 1 ? `Post ${k + 1} of the thread` : 'The post';
    if (part.trim() === '' && !(k === 0 && media.length > 0)) {
      throw new PermanentPublishError(`${where} is empty.`);
    }
    const length = captionLength('x', part);
    if (length > limit) {
      throw new PermanentPublishError(`${where} is ${length} characters; X allows ${limit}.`);
    }
  }
  const videos = media.filter((m) => m.kind === 'video').length;
  if (videos > 0 && media.length > 1) {
    throw new PermanentPublishError(
      'An X post takes one video on its own, or images only: remove the other files.',
    );
  }
  if (media.length > MAX_IMAGES) {
    throw new PermanentPublishError(
      `An X post takes at most ${MAX_IMAGES} images; this one has ${media.length}.`,
    );
  }
}

function progressOf(progress: ProviderProgress | null): XProgress {
  const parsed = XProgress.safeParse(progress ?? {});
  return parsed.success ? parsed.data : { tweetIds: [] };
}

function toJson(progress: XProgress): ProviderProgress {
  return JSON.parse(JSON.stringify(progress)) as ProviderProgress;
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>' };
const URLS = /https?:\/\/\S+/g;
/** Text as compared: X escapes `&<>`, swaps links for t.co ones and appends one for media. */
const comparable = (text: string) =>
  text
    .replace(/&(?:amp|lt|gt);/g, (e) => ENTITIES[e]!)
    .normalize('NFC')
    .replace(URLS, '<link>')
    .trim();

function sameText(listed: string, part: string): boolean {
  const shown = comparable(listed);
  const sent = comparable(part);
  return shown === sent || shown === `${sent} <link>`.trim();
}

/** A refused file says which one: a post may carry four. */
function aboutFile(error: unknown, file: PublishMedia): unknown {
  if (!(error instanceof PermanentPublishError)) return error;
  return new PermanentPublishError(`${file.name}: ${error.message}`, {
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
