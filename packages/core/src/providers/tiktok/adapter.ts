// TikTok through the Content Posting API, Direct Post. A video goes out in steps:
//   1. `POST /v2/post/publish/creator_info/query/`: which privacy levels the account offers, its
//      switched-off interactions, its longest video. TikTok wants the creator to choose who sees
//      each video, so the privacy level comes from the target's settings and is never guessed.
//   2. `POST /v2/post/publish/video/init/` with post_info and source_info: FILE_UPLOAD (the bytes
//      follow in chunks, `PUT upload_url` with `Content-Range`) or, with `pullFromUrl`,
//      PULL_FROM_URL (TikTok fetches the signed media URL itself; its domain must be verified).
//   3. `POST /v2/post/publish/status/fetch/` until PUBLISH_COMPLETE (or FAILED with a reason);
//      while TikTok processes, the attempt ends with NotReadyPublishError and the engine asks
//      again later, rather than a worker waiting.
// The publish_id and the upload offset are saved after init and after every chunk, so a retry
// continues the upload where TikTok got to and never initializes a second post. Reconcile asks
// the status of a saved publish_id, or else lists the account's recent videos
// (`POST /v2/video/list/`) and matches caption and time. Metrics: `POST /v2/video/query/`.
// Sources: developers.tiktok.com "Content Posting API — Direct Post", "Media Transfer Guide",
// "Get Post Status", "Query Creator Info", "List Videos", "Query Videos", "Video Object",
// "Rate Limits", "Error Handling", "Manage User Access Tokens"; ../shared/reference/platform-apis.md.
import { z } from 'zod';
import { PLATFORM_RULES } from '../../domain/platform-rules.ts';
import { parseTargetSettings, type TikTokSettings } from '../../domain/target-settings.ts';
import {
  AmbiguousPublishError,
  AuthPublishError,
  NotReadyPublishError,
  PermanentPublishError,
  PublishError,
  RetryablePublishError,
} from '../errors.ts';
import { unknownOnFailure } from '../reconcile.ts';
import { fetchMediaFile } from '../media-source.ts';
import type {
  AdapterHttpConfig,
  CreatorInfo as PostingOptions,
  EngagementMetrics,
  MetricsRequest,
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
  classifyFailReason,
  classifyTikTokError,
  classifyTikTokNetworkError,
  envelopeCode,
  RETRYABLE_FAIL_REASONS,
  type TikTokCallKind,
} from './errors.ts';
import { requestTikTokTokens } from './oauth.ts';

export interface TikTokAdapterConfig extends AdapterHttpConfig {
  /** The path's API version; TikTok's current one is v2. */
  apiVersion?: string;
  /** The app's client key and secret: refreshing tokens needs them. */
  clientKey?: string;
  clientSecret?: string;
  /**
   * Where people open a video: `{webUrl}/@{username}/video/{id}`. Default https://www.tiktok.com
   * for the real API, and the base URL itself for the sandbox.
   */
  webUrl?: string;
  /**
   * Let TikTok fetch the video from its signed URL (PULL_FROM_URL) instead of uploading the
   * bytes. Only for a media host whose domain is verified with TikTok. Default false.
   */
  pullFromUrl?: boolean;
  /** Bytes per uploaded chunk; TikTok takes 5 MB to 64 MB. Default 10 MiB. */
  chunkBytes?: number;
  /** How long to let TikTok process before asking its status again. Default 10 s. */
  pollIntervalMs?: number;
  /**
   * How long, after PUBLISH_COMPLETE, to wait for the post id TikTok gives out once moderation is
   * over, before settling for the publish_id. Default 10 minutes.
   */
  moderationWaitMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const MIB = 1024 * 1024;
const DEFAULT_CHUNK_BYTES = 10 * MIB;
/** TikTok's chunk bounds, read strictly: at least 5 MiB, at most 64,000,000 bytes. */
const MIN_CHUNK_BYTES = 5 * MIB;
const MAX_CHUNK_BYTES = 64_000_000;
const MAX_CHUNKS = 1000;
/** post_info.title takes 2,200 UTF-16 code units. */
const TITLE_MAX_UTF16 = 2200;
/** The Video Object's video_description keeps the first 150 characters. */
const DESCRIPTION_MAX = 150;
/** Reconcile looks this far either side of the attempt. */
const SLACK_MS = 5 * 60_000;
/** Pages (of 20) of the account's videos read at most when reconciling. */
const MAX_LIST_PAGES = 10;
const VIDEO_TYPES = new Set(['video/mp4', 'video/quicktime', 'video/webm']);

const PRIVACY_WORDS: Record<string, string> = {
  PUBLIC_TO_EVERYONE: 'everyone',
  MUTUAL_FOLLOW_FRIENDS: 'friends',
  FOLLOWER_OF_CREATOR: 'followers',
  SELF_ONLY: 'only the creator',
};
const describePrivacy = (levels: readonly string[]) =>
  levels.map((l) => `${PRIVACY_WORDS[l] ?? l} (${l})`).join(', ');

/**
 * What the adapter remembers between attempts: the publish TikTok started (never started twice),
 * how far its upload got, whose account it is, and the post once TikTok has it.
 */
const TikTokProgress = z.object({
  publishId: z.string().min(1).optional(),
  source: z.enum(['FILE_UPLOAD', 'PULL_FROM_URL']).optional(),
  upload: z
    .object({
      url: z.string().min(1),
      videoSize: z.int().positive(),
      chunkSize: z.int().positive(),
      totalChunks: z.int().positive(),
      /** Bytes TikTok has taken, always a chunk boundary. */
      offset: z.int().min(0),
    })
    .optional(),
  username: z.string().optional(),
  privacyLevel: z.string().optional(),
  /** ISO; when init was sent (reconcile looks around it). */
  initAt: z.string().optional(),
  /** ISO; when TikTok first said PUBLISH_COMPLETE without the post's id. */
  completeAt: z.string().optional(),
  post: z.object({ externalId: z.string().min(1), url: z.string().min(1) }).optional(),
});
type TikTokProgress = z.infer<typeof TikTokProgress>;

const CreatorInfo = z.object({
  data: z.object({
    creator_username: z.string().optional(),
    creator_nickname: z.string().optional(),
    privacy_level_options: z.array(z.string()),
    comment_disabled: z.boolean().optional(),
    duet_disabled: z.boolean().optional(),
    stitch_disabled: z.boolean().optional(),
    max_video_post_duration_sec: z.number().optional(),
  }),
});
type CreatorInfo = z.infer<typeof CreatorInfo>['data'];
const InitAnswer = z.object({
  data: z.object({ publish_id: z.string().min(1), upload_url: z.string().optional() }),
});
const StatusAnswer = z.object({
  data: z.object({
    status: z.string(),
    fail_reason: z.string().optional(),
    uploaded_bytes: z.number().optional(),
    downloaded_bytes: z.number().optional(),
  }),
});
const VideoAnswer = z.object({
  id: z.string(),
  create_time: z.number().optional(),
  video_description: z.string().optional(),
  title: z.string().optional(),
  share_url: z.string().optional(),
  like_count: z.number().optional(),
  comment_count: z.number().optional(),
  share_count: z.number().optional(),
  view_count: z.number().optional(),
});
type VideoAnswer = z.infer<typeof VideoAnswer>;
const ListAnswer = z.object({
  data: z.object({
    videos: z.array(VideoAnswer).default([]),
    cursor: z.number().optional(),
    has_more: z.boolean().optional(),
  }),
});

/** A post's status as TikTok reports it, with the post ids read from the raw text (int64). */
interface PostStatus {
  status: string;
  failReason: string | undefined;
  postIds: string[];
  uploadedBytes: number | undefined;
}

/**
 * How to cut `size` bytes into TikTok's chunks: whole when small enough (under 5 MiB it must
 * be), else chunks of about `preferred` bytes, the last one taking the remainder, at most 1,000.
 */
export function chunkPlan(
  size: number,
  preferred: number,
): { chunkSize: number; totalChunks: number } {
  let chunk = Math.min(Math.max(preferred, MIN_CHUNK_BYTES), MAX_CHUNK_BYTES);
  if (size <= chunk) return { chunkSize: size, totalChunks: 1 };
  chunk = Math.max(chunk, Math.ceil(size / MAX_CHUNKS));
  return { chunkSize: chunk, totalChunks: Math.floor(size / chunk) };
}

export function createTikTokAdapter(config: TikTokAdapterConfig): PlatformAdapter {
  const base = config.baseUrl.replace(/\/+$/, '');
  const api = `${base}/${config.apiVersion ?? 'v2'}`;
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const clock = config.now ?? (() => new Date());
  const chunkBytes = config.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  const pollIntervalMs = config.pollIntervalMs ?? 10_000;
  const moderationWaitMs = config.moderationWaitMs ?? 10 * 60_000;
  const web = (
    config.webUrl ??
    (/^https:\/\/open\.tiktokapis\.com$/.test(base) ? 'https://www.tiktok.com' : base)
  ).replace(/\/+$/, '');
  const videoUrl = (username: string | undefined, id: string) =>
    username
      ? `${web}/@${encodeURIComponent(username)}/video/${encodeURIComponent(id)}`
      : `${web}/video/${encodeURIComponent(id)}`;
  const profileUrl = (username: string | undefined) =>
    username ? `${web}/@${encodeURIComponent(username)}` : web;
  const doFetch = (url: string, init: RequestInit, signal?: AbortSignal) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    return (config.fetch ?? fetch)(url, {
      ...init,
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  };

  const SETUP: TikTokCallKind = { final: false };

  /**
   * One API call (POST with a JSON body, or GET); any `error.code` but "ok" is thrown as a
   * PublishError classified for this kind of call. Returns the parsed body and its raw text.
   */
  async function call(
    path: string,
    body: unknown,
    accessToken: string,
    kind: TikTokCallKind,
    signal?: AbortSignal,
  ): Promise<{ status: number; body: unknown; text: string }> {
    let response: Response;
    let text: string;
    try {
      response = await doFetch(
        `${api}${path}`,
        {
          method: body === undefined ? 'GET' : 'POST',
          headers: {
            authorization: `Bearer ${accessToken}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json; charset=UTF-8' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        },
        signal,
      );
      text = await response.text();
    } catch (error) {
      throw classifyTikTokNetworkError(error, { timeoutMs, ...kind });
    }
    const parsed = parseJson(text);
    if (!response.ok || envelopeCode(parsed) !== 'ok') {
      throw classifyTikTokError(response.status, parsed, response.headers, kind, clock());
    }
    return { status: response.status, body: parsed, text };
  }

  /** Saves progress after a step that published nothing yet: if that fails, a retry is safe. */
  async function saveSetup(request: PublishRequest, progress: TikTokProgress, what: string) {
    try {
      await request.saveProgress(toJson(progress));
    } catch (error) {
      throw new RetryablePublishError(
        `Herald could not record ${what}; nothing is visible on TikTok yet.`,
        { cause: error },
      );
    }
  }

  async function creatorInfo(accessToken: string, signal?: AbortSignal): Promise<CreatorInfo> {
    const { body } = await call(
      '/post/publish/creator_info/query/',
      {},
      accessToken,
      SETUP,
      signal,
    );
    const parsed = CreatorInfo.safeParse(body);
    if (!parsed.success) {
      throw new RetryablePublishError(
        "TikTok answered the account's posting options in a form Herald does not understand.",
      );
    }
    return parsed.data.data;
  }

  async function fetchStatus(
    publishId: string,
    accessToken: string,
    signal?: AbortSignal,
  ): Promise<PostStatus> {
    const { body, text } = await call(
      '/post/publish/status/fetch/',
      { publish_id: publishId },
      accessToken,
      SETUP,
      signal,
    );
    const parsed = StatusAnswer.safeParse(body);
    if (!parsed.success) {
      throw new RetryablePublishError(
        "TikTok answered the post's status in a form Herald does not understand.",
      );
    }
    return {
      status: parsed.data.data.status,
      failReason: parsed.data.data.fail_reason,
      postIds: postIdsOf(text),
      uploadedBytes: parsed.data.data.uploaded_bytes,
    };
  }

  /** Steps 1 and 2: the creator's options, the choices checked against them, and init. */
  async function start(
    request: PublishRequest,
    video: PublishMedia,
    settings: TikTokSettings,
    progress: TikTokProgress,
  ): Promise<void> {
    const token = request.account.accessToken;
    const creator = await creatorInfo(token, request.signal);
    const options = creator.privacy_level_options;
    const privacy = settings.privacyLevel;
    if (!privacy) {
      throw new PermanentPublishError(
        `TikTok asks the creator to choose who can see each video, so Herald does not choose for them: pick a privacy level in this post's TikTok settings. This account offers ${describePrivacy(options)}.`,
        { platformCode: 'privacy_level_unset' },
      );
    }
    if (!options.includes(privacy)) {
      throw new PermanentPublishError(
        `This TikTok account does not offer the privacy level ${describePrivacy([privacy])}; it offers ${describePrivacy(options)}. Choose one of those in this post's TikTok settings.`,
        { platformCode: 'privacy_level_option_mismatch' },
      );
    }
    if (settings.brandedContent && privacy === 'SELF_ONLY') {
      throw new PermanentPublishError(
        'TikTok does not allow branded content to be private: choose another privacy level, or untick branded content.',
        { platformCode: 'branded_content_private' },
      );
    }
    const maxSeconds = creator.max_video_post_duration_sec;
    if (maxSeconds && video.durationMs !== null && video.durationMs / 1000 > maxSeconds) {
      throw new PermanentPublishError(
        `${video.name} runs ${Math.ceil(video.durationMs / 1000)} s; this TikTok account may post videos of up to ${maxSeconds} s.`,
        { platformCode: 'duration_check_failed' },
      );
    }
    const pull = config.pullFromUrl === true;
    const plan = pull ? null : chunkPlan(video.sizeBytes, chunkBytes);
    const postInfo = {
      title: request.content.caption,
      privacy_level: privacy,
      // What the account has switched off stays off (TikTok's UX guidelines grey it out).
      disable_comment: (settings.disableComment ?? false) || (creator.comment_disabled ?? false),
      disable_duet: (settings.disableDuet ?? false) || (creator.duet_disabled ?? false),
      disable_stitch: (settings.disableStitch ?? false) || (creator.stitch_disabled ?? false),
      brand_content_toggle: settings.brandedContent ?? false,
      brand_organic_toggle: settings.brandOrganic ?? false,
    };
    const sourceInfo = plan
      ? {
          source: 'FILE_UPLOAD',
          video_size: video.sizeBytes,
          chunk_size: plan.chunkSize,
          total_chunk_count: plan.totalChunks,
        }
      : { source: 'PULL_FROM_URL', video_url: video.url };
    const initAt = clock().toISOString();
    // An init TikTok never answered is harmless for FILE_UPLOAD (nothing is posted without the
    // bytes) but may be posting for PULL_FROM_URL: then it is ambiguous.
    const { body, status } = await call(
      '/post/publish/video/init/',
      { post_info: postInfo, source_info: sourceInfo },
      token,
      { final: pull },
      request.signal,
    );
    const parsed = InitAnswer.safeParse(body);
    if (!parsed.success || (plan && !parsed.data.data.upload_url)) {
      const message = `TikTok answered HTTP ${status} to the post's start without a publish_id${plan ? ' and upload_url' : ''}.`;
      throw pull ? new AmbiguousPublishError(message) : new RetryablePublishError(message);
    }
    progress.publishId = parsed.data.data.publish_id;
    progress.source = pull ? 'PULL_FROM_URL' : 'FILE_UPLOAD';
    if (plan) {
      progress.upload = {
        url: parsed.data.data.upload_url!,
        videoSize: video.sizeBytes,
        chunkSize: plan.chunkSize,
        totalChunks: plan.totalChunks,
        offset: 0,
      };
    }
    if (creator.creator_username) progress.username = creator.creator_username;
    progress.privacyLevel = privacy;
    progress.initAt = initAt;
    if (pull) {
      try {
        await request.saveProgress(toJson(progress));
      } catch (error) {
        throw new AmbiguousPublishError(
          'TikTok is fetching and posting the video, but Herald could not record its publish_id.',
          { cause: error },
        );
      }
    } else {
      await saveSetup(request, progress, 'the upload TikTok opened');
    }
  }

  /** Step 2b: the bytes TikTok does not have yet, chunk by chunk, saved after each. */
  async function upload(
    request: PublishRequest,
    video: PublishMedia,
    progress: TikTokProgress,
  ): Promise<void> {
    const plan = progress.upload!;
    const type = VIDEO_TYPES.has(video.contentType) ? video.contentType : 'video/mp4';
    // At most one restart: after a 416, from where TikTok says it is.
    for (let round = 0; round < 2 && plan.offset < plan.videoSize; round += 1) {
      const ranges: Array<{ first: number; last: number }> = [];
      for (let k = plan.offset / plan.chunkSize; k < plan.totalChunks; k += 1) {
        const first = k * plan.chunkSize;
        const last = k === plan.totalChunks - 1 ? plan.videoSize - 1 : first + plan.chunkSize - 1;
        ranges.push({ first, last });
      }
      let restart = false;
      let index = 0;
      for await (const chunk of readPieces(
        config.fetch ?? fetch,
        video,
        plan.offset,
        ranges.map((r) => r.last - r.first + 1),
        request.signal,
      )) {
        const { first, last } = ranges[index++]!;
        let response: Response;
        try {
          response = await doFetch(
            plan.url,
            {
              method: 'PUT',
              headers: {
                'content-type': type,
                'content-range': `bytes ${first}-${last}/${plan.videoSize}`,
              },
              body: new Uint8Array(chunk),
            },
            request.signal,
          );
          await response.arrayBuffer().catch(() => undefined);
        } catch (error) {
          throw classifyTikTokNetworkError(error, { timeoutMs, final: false });
        }
        if (response.status === 201 || response.status === 206 || response.status === 200) {
          plan.offset = last + 1;
          await saveSetup(request, progress, 'a part of the video TikTok took');
          continue;
        }
        if (response.status === 416) {
          // TikTok holds a different amount than Herald recorded: ask it, continue from there.
          const { uploadedBytes } = await fetchStatus(
            progress.publishId!,
            request.account.accessToken,
            request.signal,
          );
          if (
            uploadedBytes === undefined ||
            (uploadedBytes % plan.chunkSize !== 0 && uploadedBytes !== plan.videoSize) ||
            uploadedBytes / plan.chunkSize > plan.totalChunks
          ) {
            throw new RetryablePublishError(
              `TikTok refused part of ${video.name} as out of order and did not say how much it has.`,
              { platformCode: 'http_416' },
            );
          }
          plan.offset = Math.min(uploadedBytes, plan.videoSize);
          await saveSetup(request, progress, 'how much of the video TikTok has');
          restart = true;
          break;
        }
        if (response.status === 403 || response.status === 404) {
          // The upload link has lapsed (TikTok gives it an hour): the publish can never finish,
          // and nothing was posted, so the next attempt starts a new one.
          forgetPublish(progress);
          await request.saveProgress(toJson(progress)).catch(() => undefined);
          throw new RetryablePublishError(
            `TikTok's upload link for ${video.name} is no longer valid (HTTP ${response.status}); Herald will start the upload again.`,
            { platformCode: `http_${response.status}` },
          );
        }
        throw classifyTikTokError(response.status, null, response.headers, SETUP, clock());
      }
      if (!restart) return;
    }
  }

  /** Step 3: what TikTok says of the publish; a finished post, or why to wait or stop. */
  async function settle(
    request: PublishRequest,
    video: PublishMedia,
    progress: TikTokProgress,
  ): Promise<PublishedPost> {
    const status = await fetchStatus(
      progress.publishId!,
      request.account.accessToken,
      request.signal,
    );
    const now = clock();
    switch (status.status) {
      case 'PUBLISH_COMPLETE': {
        const post = completedPost(progress, status, now);
        if (post) {
          progress.post = post;
          // Not required (the engine records the id as it settles), but a crash before then
          // now resumes with the post instead of asking TikTok again.
          await request.saveProgress(toJson(progress)).catch(() => undefined);
          return post;
        }
        if (!progress.completeAt) {
          progress.completeAt = now.toISOString();
          await request.saveProgress(toJson(progress)).catch(() => undefined);
        }
        throw new NotReadyPublishError(
          'TikTok has published the video and is reviewing it before it gives out the post id.',
          { platformCode: 'PUBLISH_COMPLETE', retryAt: new Date(now.getTime() + pollIntervalMs) },
        );
      }
      case 'FAILED': {
        const error = classifyFailReason(status.failReason, video.name);
        if (status.failReason && RETRYABLE_FAIL_REASONS.has(status.failReason)) {
          // TikTok gave up on this publish; nothing was posted, so the next attempt starts anew.
          forgetPublish(progress);
          await request.saveProgress(toJson(progress)).catch(() => undefined);
        }
        throw error;
      }
      case 'SEND_TO_USER_INBOX':
        throw new PermanentPublishError(
          "TikTok sent the video to the creator's TikTok inbox instead of posting it: the creator can finish the post in the TikTok app.",
          { platformCode: 'SEND_TO_USER_INBOX' },
        );
      default:
        throw new NotReadyPublishError(`TikTok is still processing ${video.name}.`, {
          platformCode: status.status,
          retryAt: new Date(now.getTime() + pollIntervalMs),
        });
    }
  }

  /**
   * The post TikTok completed: its public id when given; the publish_id when none will come (a
   * private video has no public id) or moderation has kept it back longer than we wait.
   */
  function completedPost(
    progress: TikTokProgress,
    status: PostStatus,
    now: Date,
  ): PublishedPost | null {
    const id = status.postIds[0];
    if (id) return { externalId: id, url: videoUrl(progress.username, id) };
    const waited = progress.completeAt ? now.getTime() - Date.parse(progress.completeAt) : 0;
    if (progress.privacyLevel === 'SELF_ONLY' || waited >= moderationWaitMs) {
      return { externalId: progress.publishId!, url: profileUrl(progress.username) };
    }
    return null;
  }

  async function publish(request: PublishRequest): Promise<PublishedPost> {
    const progress = progressOf(request.progress);
    if (progress.post) return progress.post;
    const video = theVideo(request.content.media);
    if (!progress.publishId) {
      const settings = settingsOf(request.content.settings);
      checkCaption(request.content.caption);
      if (request.signal?.aborted) {
        throw new RetryablePublishError('Publishing was cancelled before anything was sent.');
      }
      await start(request, video, settings, progress);
    }
    if (progress.source === 'FILE_UPLOAD' && progress.upload) {
      if (progress.upload.offset < progress.upload.videoSize) {
        await upload(request, video, progress);
      }
    }
    return settle(request, video, progress);
  }

  /** The account's videos created in [from, to], newest first, as far as TikTok lists them. */
  async function listVideos(
    accessToken: string,
    from: number,
    to: number,
    signal?: AbortSignal,
  ): Promise<{ videos: VideoAnswer[]; complete: boolean }> {
    const found: VideoAnswer[] = [];
    let cursor: number | undefined = to + 1;
    for (let page = 0; page < MAX_LIST_PAGES; page += 1) {
      const { body } = await call(
        '/video/list/?fields=id,create_time,video_description,title,share_url',
        { max_count: 20, ...(cursor === undefined ? {} : { cursor }) },
        accessToken,
        SETUP,
        signal,
      );
      const parsed = ListAnswer.safeParse(body);
      if (!parsed.success) {
        throw new RetryablePublishError(
          "TikTok answered the account's videos in a form Herald does not understand.",
        );
      }
      const { videos, has_more: hasMore, cursor: next } = parsed.data.data;
      found.push(
        ...videos.filter((v) => {
          const at = (v.create_time ?? 0) * 1000;
          return at >= from && at <= to;
        }),
      );
      const oldest = Math.min(...videos.map((v) => (v.create_time ?? 0) * 1000));
      if (!hasMore || videos.length === 0 || oldest < from || next === undefined) {
        return { videos: found, complete: true };
      }
      cursor = next;
    }
    return { videos: found, complete: false };
  }

  async function reconcile(request: ReconcileRequest): Promise<ReconcileOutcome> {
    const progress = progressOf(request.progress);
    if (progress.post) return { status: 'published', post: progress.post };
    const token = request.account.accessToken;
    if (progress.publishId) {
      const status = await fetchStatus(progress.publishId, token, request.signal);
      if (status.status === 'PUBLISH_COMPLETE') {
        // Reconcile settles now: without an id yet, the publish_id stands for the post.
        const post = completedPost(progress, status, clock()) ?? {
          externalId: progress.publishId,
          url: profileUrl(progress.username),
        };
        return { status: 'published', post };
      }
      if (status.status === 'SEND_TO_USER_INBOX') {
        return {
          status: 'unknown',
          reason: "TikTok sent the video to the creator's inbox instead of posting it.",
        };
      }
      // FAILED: nothing was posted. Still processing: publishing again continues this publish
      // (its id is saved), never starts another.
      return { status: 'not_published' };
    }
    const initAt = progress.initAt ? Date.parse(progress.initAt) : Number.NaN;
    const from =
      Math.min(request.window.from.getTime(), Number.isNaN(initAt) ? Infinity : initAt) - SLACK_MS;
    const to = request.window.to.getTime() + SLACK_MS;
    const listed = await listVideos(token, from, to, request.signal);
    const match = listed.videos.find((v) => sameCaption(v, request.content.caption));
    if (match) {
      return {
        status: 'published',
        post: {
          externalId: match.id,
          url: match.share_url ?? videoUrl(progress.username, match.id),
        },
      };
    }
    const settings = parseTargetSettings('tiktok', request.content.settings);
    const privacy = settings.ok ? settings.settings.privacyLevel : undefined;
    if (privacy !== 'PUBLIC_TO_EVERYONE') {
      return {
        status: 'unknown',
        reason:
          'TikTok lists only public videos to apps, and this post was not public: check the account in the TikTok app.',
      };
    }
    if (!listed.complete) {
      return {
        status: 'unknown',
        reason: `The account posted more than ${MAX_LIST_PAGES * 20} videos around the attempt; Herald stopped looking.`,
      };
    }
    return { status: 'not_published' };
  }

  async function fetchMetrics({
    account,
    post,
    signal,
  }: MetricsRequest): Promise<EngagementMetrics> {
    let id = post.externalId;
    if (id.startsWith('v_pub_')) {
      // Published before TikTok gave out the post id: ask for it now.
      const status = await fetchStatus(id, account.accessToken, signal);
      const found = status.postIds[0];
      if (!found) {
        return { likes: null, comments: null, shares: null, impressions: null, views: null };
      }
      id = found;
    }
    const { body } = await call(
      '/video/query/?fields=id,like_count,comment_count,share_count,view_count',
      { filters: { video_ids: [id] } },
      account.accessToken,
      SETUP,
      signal,
    );
    const parsed = z.object({ data: z.object({ videos: z.array(VideoAnswer) }) }).safeParse(body);
    if (!parsed.success) {
      throw new RetryablePublishError(
        "TikTok answered the video's counts in a form Herald does not understand.",
      );
    }
    const video = parsed.data.data.videos.find((v) => v.id === id);
    if (!video) {
      throw new PermanentPublishError(
        'TikTok no longer shows this video to apps (it was deleted or is not public).',
        { platformCode: 'video_not_found' },
      );
    }
    const views = video.view_count ?? null;
    return {
      likes: video.like_count ?? null,
      comments: video.comment_count ?? null,
      shares: video.share_count ?? null,
      // TikTok counts views; for a video platform they stand in for impressions.
      impressions: views,
      views,
    };
  }

  async function refreshToken({
    refreshToken: token,
    signal,
  }: RefreshTokenRequest): Promise<RefreshedToken> {
    if (!token) {
      throw new AuthPublishError('TikTok gave no refresh token for this account: reconnect it.');
    }
    if (!config.clientKey || !config.clientSecret) {
      throw new PermanentPublishError(
        'Herald has no TikTok client key and secret configured, so it cannot refresh TikTok tokens.',
      );
    }
    const tokens = await requestTikTokTokens(
      {
        baseUrl: base,
        ...(config.apiVersion ? { apiVersion: config.apiVersion } : {}),
        clientKey: config.clientKey,
        clientSecret: config.clientSecret,
        timeoutMs,
        now: clock,
        ...(config.fetch ? { fetch: config.fetch } : {}),
      },
      { grant_type: 'refresh_token', refresh_token: token },
      'to refresh the access token',
      signal,
    );
    return {
      accessToken: tokens.access_token,
      expiresAt: new Date(clock().getTime() + tokens.expires_in * 1000),
      // TikTok rotates refresh tokens: the one just used no longer works.
      refreshToken: tokens.refresh_token,
    };
  }

  return {
    platform: 'tiktok',
    rules: PLATFORM_RULES.tiktok,
    publish,
    reconcile: unknownOnFailure('TikTok', reconcile),
    refreshToken,
    fetchMetrics,
    // The composer asks the same question step 1 asks, so the creator chooses from what TikTok offers.
    async creatorInfo({ account, signal }): Promise<PostingOptions> {
      const creator = await creatorInfo(account.accessToken, signal);
      return {
        nickname: creator.creator_nickname ?? null,
        username: creator.creator_username ?? null,
        privacyLevels: creator.privacy_level_options,
        commentDisabled: creator.comment_disabled ?? false,
        duetDisabled: creator.duet_disabled ?? false,
        stitchDisabled: creator.stitch_disabled ?? false,
        maxVideoSeconds: creator.max_video_post_duration_sec ?? null,
      };
    },
  };
}

/** The post's one video, or a sentence saying why TikTok cannot take the media given. */
function theVideo(media: readonly PublishMedia[]): PublishMedia {
  const videos = media.filter((m) => m.kind === 'video');
  if (videos.length !== 1 || media.length !== 1) {
    throw new PermanentPublishError(
      media.length === 0
        ? 'A TikTok post needs a video: add one.'
        : 'A TikTok post takes exactly one video and nothing else: remove the other files.',
    );
  }
  return videos[0]!;
}

function settingsOf(input: unknown): TikTokSettings {
  const parsed = parseTargetSettings('tiktok', input);
  if (!parsed.ok) throw new PermanentPublishError(parsed.problem);
  return parsed.settings;
}

/** TikTok counts the title in UTF-16 code units: an emoji can count two. */
function checkCaption(caption: string) {
  if (caption.length > TITLE_MAX_UTF16) {
    throw new PermanentPublishError(
      `The caption is too long for TikTok, which counts ${caption.length} units where it takes ${TITLE_MAX_UTF16} (emoji and some symbols count as two): shorten it.`,
    );
  }
}

function forgetPublish(progress: TikTokProgress) {
  delete progress.publishId;
  delete progress.source;
  delete progress.upload;
  delete progress.completeAt;
}

function progressOf(progress: ProviderProgress | null): TikTokProgress {
  const parsed = TikTokProgress.safeParse(progress ?? {});
  return parsed.success ? parsed.data : {};
}

function toJson(progress: TikTokProgress): ProviderProgress {
  return JSON.parse(JSON.stringify(progress)) as ProviderProgress;
}

/**
 * publicaly_available_post_id is a list of int64 numbers, written as bare JSON numbers: past
 * 2^53 a JavaScript number would round them, so they are read from the text, digits as digits.
 */
export function postIdsOf(text: string): string[] {
  const list = /"publicaly_available_post_id"\s*:\s*\[([^\]]*)\]/.exec(text)?.[1];
  if (!list) return [];
  return list
    .split(',')
    .map((item) => item.trim().replace(/^"(.*)"$/, '$1'))
    .filter((item) => /^\d+$/.test(item));
}

/**
 * Whether a listed video shows `caption`: the whole of it, or (TikTok keeps the first 150
 * characters as the description) its first 150 characters.
 */
function sameCaption(video: VideoAnswer, caption: string): boolean {
  const sent = caption.normalize('NFC').trim();
  for (const listed of [video.video_description, video.title]) {
    if (!listed) continue;
    const shown = listed.normalize('NFC');
    if (shown.trim() === sent) return true;
    const chars = [...shown];
    if (chars.length >= DESCRIPTION_MAX && [...sent].slice(0, chars.length).join('') === shown) {
      return true;
    }
  }
  return false;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Reads `file` from `offset` as consecutive pieces of the given lengths (one Range request). */
async function* readPieces(
  fetchFile: typeof fetch,
  file: PublishMedia,
  offset: number,
  lengths: readonly number[],
  signal?: AbortSignal,
): AsyncGenerator<Buffer> {
  const response = await fetchMediaFile(fetchFile, file, offset, signal);
  // A store that ignores Range sends the whole file: skip to the offset by hand.
  let skip = response.status === 206 ? 0 : offset;
  const reader: ReadableStreamDefaultReader<Uint8Array> | undefined = response.body?.getReader();
  if (!reader) throw new RetryablePublishError(`Storage sent no body for ${file.name}.`);
  let pieces: Buffer[] = [];
  let buffered = 0;
  let index = 0;
  try {
    while (index < lengths.length) {
      const want = lengths[index]!;
      if (buffered >= want) {
        const all = Buffer.concat(pieces);
        yield all.subarray(0, want);
        pieces = [all.subarray(want)];
        buffered -= want;
        index += 1;
        continue;
      }
      const { done, value } = await reader.read();
      if (done) break;
      let piece = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      if (skip > 0) {
        const n = Math.min(skip, piece.length);
        piece = piece.subarray(n);
        skip -= n;
      }
      if (piece.length === 0) continue;
      pieces.push(piece);
      buffered += piece.length;
    }
  } catch (error) {
    if (error instanceof PublishError) throw error;
    throw new RetryablePublishError(`Herald could not read ${file.name} from storage.`, {
      cause: error,
    });
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  if (index < lengths.length) {
    throw new RetryablePublishError(
      `${file.name} in storage is shorter than its recorded size; Herald will try again.`,
    );
  }
}
