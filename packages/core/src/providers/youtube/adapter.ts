// YouTube through the Data API v3. A post is one video, uploaded with Google's resumable
// protocol (developers.google.com/youtube/v3/guides/using_resumable_upload_protocol):
//   1. POST /upload/youtube/v3/videos?uploadType=resumable&part=snippet,status with the video
//      resource as JSON and X-Upload-Content-Length/-Type → 200, the session URI in Location
//   2. PUT the bytes to it in chunks (multiples of 256 KiB but the last) with Content-Range →
//      308 Resume Incomplete + `Range: bytes=0-N` (what YouTube kept) until the last → 201 and
//      the video resource
//   3. a resumed attempt first asks where the upload is (PUT, `Content-Range: bytes */TOTAL`)
//      and continues after the last byte YouTube confirmed
// Progress (the session URI and the bytes confirmed) is saved after every chunk, so a retry
// never starts a second session for the target unless the first expired (a week) with nothing
// finished. Only the last chunk can create the video; its lost answer is ambiguous, and
// reconcile asks the session (or, with the session gone, the channel's uploads) what happened.
// Then the custom thumbnail (thumbnails.set; its failure never fails the post, it becomes a
// notice) and processing: videos.list status — `uploaded` means still processing (not ready,
// for up to `maxProcessingWaitMs` after the upload; past it the post counts as published,
// since its watch URL already works), `processed` is done, `failed`/`rejected` are permanent.
// Sources: the guide above, the videos, thumbnails, channels and playlistItems references,
// "Errors", "Quota costs"; ../shared/reference/platform-apis.md; docs/decisions/0029.
import { z } from 'zod';
import { PLATFORM_RULES } from '../../domain/platform-rules.ts';
import {
  AmbiguousPublishError,
  AuthPublishError,
  NotReadyPublishError,
  PermanentPublishError,
  PublishError,
  RetryablePublishError,
} from '../errors.ts';
import { unknownOnFailure } from '../reconcile.ts';
import { readMediaChunks, readMediaWhole } from '../media-source.ts';
import type {
  AdapterHttpConfig,
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
  classifyYouTubeError,
  classifyYouTubeNetworkError,
  type YouTubeCallKind,
} from './errors.ts';
import {
  classifyGoogleOAuthError,
  googleClient,
  googleEndpoints,
  readTokens,
  type GoogleOAuthConfig,
} from './google-oauth.ts';
import { planVideo, videoResource, type VideoPlan } from './metadata.ts';

export interface YouTubeAdapterConfig extends AdapterHttpConfig {
  /** Default v3 (in the path: /youtube/v3/…). */
  apiVersion?: string;
  /** The Google OAuth client and token host, for refreshing tokens. */
  oauth?: Omit<GoogleOAuthConfig, 'authorizeUrl'>;
  /**
   * Where people watch: `{webUrl}/watch?v=…` and `{webUrl}/shorts/…`. Default
   * https://www.youtube.com for the real API, the base URL itself for the sandbox.
   */
  webUrl?: string;
  /** Bytes per PUT: a multiple of 256 KiB. Default 8 MiB. */
  chunkBytes?: number;
  /**
   * How long after the upload Herald waits for YouTube to finish processing before it counts
   * the post as published anyway. Default 20 minutes (within the engine's 30 of "not ready").
   */
  maxProcessingWaitMs?: number;
}

export const UPLOAD_CHUNK_UNIT = 256 * 1024;
const DEFAULT_CHUNK_BYTES = 32 * UPLOAD_CHUNK_UNIT;
const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_PROCESSING_WAIT_MS = 20 * 60_000;
/** A thumbnail may be at most 2 MB (thumbnails.set). */
const MAX_THUMBNAIL_BYTES = 2 * 1024 * 1024;
/** Polls of processing, when YouTube gives no estimate, and the bounds of its estimate. */
const PROCESSING_POLL_MS = 30_000;
const MIN_POLL_MS = 10_000;
const MAX_POLL_MS = 5 * 60_000;
/** A video missing right after its upload may not be listed yet; later, it was deleted. */
const LISTING_GRACE_MS = 10 * 60_000;
/** Reconcile looks this far either side of an attempt. */
const SLACK_MS = 5 * 60_000;
/** Pages of 50 uploads read at most when looking for a video. */
const MAX_UPLOAD_PAGES = 4;
const now = () => new Date();

/** What the adapter remembers between attempts. */
const YouTubeProgress = z.object({
  upload: z
    .object({
      assetId: z.string(),
      sessionUri: z.url(),
      totalBytes: z.int().positive(),
      /** Bytes YouTube confirmed keeping (the 308's Range end + 1). */
      confirmedBytes: z.int().min(0),
      startedAt: z.string(),
      /** The last chunk went out at least once without an answer we heard. */
      finalSentAt: z.string().optional(),
    })
    .optional(),
  videoId: z.string().min(1).optional(),
  uploadedAt: z.string().optional(),
  thumbnail: z
    .object({ state: z.enum(['set', 'failed']), reason: z.string().optional() })
    .optional(),
});
type YouTubeProgress = z.infer<typeof YouTubeProgress>;
type UploadProgress = NonNullable<YouTubeProgress['upload']>;

const VideoAnswer = z.object({ id: z.string().min(1) });
const StatusList = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      status: z
        .object({
          uploadStatus: z.string(),
          failureReason: z.string().optional(),
          rejectionReason: z.string().optional(),
        })
        .optional(),
      processingDetails: z
        .object({
          processingStatus: z.string().optional(),
          processingProgress: z.object({ timeLeftMs: z.coerce.number().optional() }).optional(),
        })
        .optional(),
    }),
  ),
});
const StatisticsList = z.object({
  items: z.array(
    z.object({
      statistics: z
        .object({
          viewCount: z.coerce.number().optional(),
          likeCount: z.coerce.number().optional(),
          commentCount: z.coerce.number().optional(),
        })
        .optional(),
    }),
  ),
});
const ChannelList = z.object({
  items: z.array(
    z.object({
      contentDetails: z.object({ relatedPlaylists: z.object({ uploads: z.string() }) }),
    }),
  ),
});
const PlaylistItems = z.object({
  items: z.array(
    z.object({
      snippet: z.object({
        publishedAt: z.string(),
        title: z.string(),
        description: z.string(),
        resourceId: z.object({ videoId: z.string() }),
      }),
    }),
  ),
  nextPageToken: z.string().optional(),
});

/** Words for YouTube's failure and rejection reasons (videos resource, status). */
const REASONS: Record<string, string> = {
  codec: 'its video codec is not supported',
  conversion: 'YouTube could not convert it',
  emptyFile: 'the file is empty',
  invalidFile: 'the file is not a video YouTube can read',
  tooSmall: 'the file is too small',
  uploadAborted: 'the upload was cut off',
  claim: 'of a copyright claim',
  copyright: 'of a copyright infringement',
  duplicate: 'it duplicates a video already on the channel',
  inappropriate: 'it breaks YouTube’s rules on inappropriate content',
  legal: 'of a legal complaint',
  length: 'it is longer than the channel may upload',
  termsOfUse: 'it breaks YouTube’s Terms of Service',
  trademark: 'of a trademark complaint',
  uploaderAccountClosed: 'the channel’s account is closed',
  uploaderAccountSuspended: 'the channel’s account is suspended',
};

export function createYouTubeAdapter(config: YouTubeAdapterConfig): PlatformAdapter {
  const base = config.baseUrl.replace(/\/+$/, '');
  const version = config.apiVersion ?? 'v3';
  const api = `${base}/youtube/${version}`;
  const uploads = `${base}/upload/youtube/${version}`;
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const clock = config.now ?? now;
  const chunkBytes = config.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  if (chunkBytes <= 0 || chunkBytes % UPLOAD_CHUNK_UNIT !== 0) {
    throw new Error(`YouTube upload chunks must be a multiple of 256 KiB; ${chunkBytes} is not.`);
  }
  const maxWaitMs = config.maxProcessingWaitMs ?? DEFAULT_MAX_PROCESSING_WAIT_MS;
  const web = (
    config.webUrl ?? (base === 'https://www.googleapis.com' ? 'https://www.youtube.com' : base)
  ).replace(/\/+$/, '');
  const watchUrl = (id: string, short: boolean) =>
    short ? `${web}/shorts/${encodeURIComponent(id)}` : `${web}/watch?v=${encodeURIComponent(id)}`;
  const doFetch = (url: string, init: RequestInit, signal?: AbortSignal) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    return (config.fetch ?? fetch)(url, {
      ...init,
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  };

  const SETUP: YouTubeCallKind = { final: false };

  /** One call; an answer that is not 2xx/308 is thrown as a classified PublishError. */
  async function call(
    url: string,
    init: { method?: string; headers?: Record<string, string>; body?: RequestInit['body'] },
    accessToken: string,
    kind: YouTubeCallKind,
    signal?: AbortSignal,
  ): Promise<{ status: number; body: unknown; headers: Headers }> {
    let response: Response;
    let body: unknown;
    try {
      response = await doFetch(
        url,
        {
          method: init.method ?? 'GET',
          headers: { authorization: `Bearer ${accessToken}`, ...init.headers },
          // A 308 here is "resume incomplete", not a redirect to follow.
          redirect: 'manual',
          ...(init.body !== undefined ? { body: init.body } : {}),
        },
        signal,
      );
      body = parseJson(await response.text());
    } catch (error) {
      throw classifyYouTubeNetworkError(error, { timeoutMs, ...kind });
    }
    if (!response.ok && response.status !== 308) {
      throw classifyYouTubeError(response.status, body, response.headers, kind, clock());
    }
    return { status: response.status, body, headers: response.headers };
  }

  /** Saves progress before anything exists on YouTube: a failure leaves nothing behind. */
  async function saveSetup(request: PublishRequest, progress: YouTubeProgress, what: string) {
    try {
      await request.saveProgress(toJson(progress));
    } catch (error) {
      throw new RetryablePublishError(
        `Herald could not record ${what}; nothing is visible on YouTube yet.`,
        { cause: error },
      );
    }
  }

  /** Saves progress once the video exists: losing it would lose the video's id. */
  async function saveVideo(request: PublishRequest, progress: YouTubeProgress) {
    try {
      await request.saveProgress(toJson(progress));
    } catch (error) {
      throw new AmbiguousPublishError(
        `YouTube has the video (${progress.videoId}) but Herald could not record it.`,
        { cause: error },
      );
    }
  }

  function plan(
    content: PublishRequest['content'],
  ): VideoPlan & { title: string; video: PublishMedia } {
    const planned = planVideo(content);
    if (!planned.ok) throw new PermanentPublishError(planned.problem);
    const { plan: p } = planned;
    // planVideo gives a title and the video whenever media is handed over, as it is to publish.
    if (p.video === null) {
      throw new PermanentPublishError('A YouTube post needs a video; this one has none.');
    }
    if (p.title === null) {
      throw new PermanentPublishError(
        'A YouTube video needs a title: set one in the YouTube settings.',
      );
    }
    return { ...p, title: p.title, video: p.video };
  }

  type SessionState =
    | { kind: 'incomplete'; confirmed: number }
    | { kind: 'complete'; videoId: string }
    | { kind: 'gone' };

  // Asks the session where the upload is (`Content-Range: bytes */TOTAL`, no body).
  async function querySession(
    upload: UploadProgress,
    accessToken: string,
    signal?: AbortSignal,
  ): Promise<SessionState> {
    let answer;
    try {
      answer = await call(
        upload.sessionUri,
        {
          method: 'PUT',
          headers: { 'content-range': `bytes */${upload.totalBytes}` },
          body: new Uint8Array(0),
        },
        accessToken,
        SETUP,
        signal,
      );
    } catch (error) {
      if (
        error instanceof PublishError &&
        (error.platformCode === 'notFound' || /^http_(404|410)$/.test(error.platformCode ?? ''))
      ) {
        return { kind: 'gone' };
      }
      throw error;
    }
    if (answer.status === 308)
      return { kind: 'incomplete', confirmed: confirmedBytes(answer.headers) };
    const video = VideoAnswer.safeParse(answer.body);
    if (!video.success) {
      throw new RetryablePublishError(
        `YouTube answered HTTP ${answer.status} about the upload without the video's id.`,
      );
    }
    return { kind: 'complete', videoId: video.data.id };
  }

  /** Starts a resumable session: videos.insert's metadata, checked by YouTube now. */
  async function startSession(
    request: PublishRequest,
    video: VideoPlan & { title: string; video: PublishMedia },
  ): Promise<UploadProgress> {
    const query = new URLSearchParams({ uploadType: 'resumable', part: 'snippet,status' });
    const { status, headers } = await call(
      `${uploads}/videos?${query.toString()}`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=UTF-8',
          'x-upload-content-length': String(video.video.sizeBytes),
          'x-upload-content-type': video.video.contentType,
        },
        body: JSON.stringify(videoResource(video)),
      },
      request.account.accessToken,
      SETUP,
      request.signal,
    );
    const location = headers.get('location');
    if (!location || !sameOrigin(location, base)) {
      // The token goes wherever Location points: only ever to YouTube's own host.
      throw new RetryablePublishError(
        `YouTube answered HTTP ${status} to the upload without a usable session address.`,
      );
    }
    return {
      assetId: video.video.assetId,
      sessionUri: location,
      totalBytes: video.video.sizeBytes,
      confirmedBytes: 0,
      startedAt: clock().toISOString(),
    };
  }

  /** Sends the bytes from the confirmed offset; the video's id when the last one lands. */
  async function sendBytes(
    request: PublishRequest,
    progress: YouTubeProgress,
    upload: UploadProgress,
    file: PublishMedia,
  ): Promise<string> {
    const token = request.account.accessToken;
    let stalled = 0;
    while (upload.confirmedBytes < upload.totalBytes) {
      let offset = upload.confirmedBytes;
      let moved = false;
      for await (const chunk of readMediaChunks(
        config.fetch ?? fetch,
        file,
        offset,
        chunkBytes,
        request.signal,
      )) {
        const end = offset + chunk.byteLength;
        const final = end === upload.totalBytes;
        if (final && !upload.finalSentAt) {
          upload.finalSentAt = clock().toISOString();
          await saveSetup(request, progress, 'that the last part of the video is being sent');
        }
        let answer;
        try {
          answer = await call(
            upload.sessionUri,
            {
              method: 'PUT',
              headers: {
                'content-type': file.contentType,
                'content-range': `bytes ${offset}-${end - 1}/${upload.totalBytes}`,
              },
              // A copy on its own ArrayBuffer: what fetch's BodyInit takes in every lib setting.
              body: new Uint8Array(chunk),
            },
            token,
            { final },
            request.signal,
          );
        } catch (error) {
          if (
            error instanceof PublishError &&
            /^(notFound|http_404|http_410)$/.test(error.platformCode ?? '')
          ) {
            // A definite answer: the session expired, and nothing in it was finished (the
            // status query at the start of this attempt said so). Begin again next time.
            delete progress.upload;
            await saveSetup(request, progress, 'that the upload session expired');
            throw new RetryablePublishError(
              'YouTube forgot the upload session (they last a week); Herald starts the upload again.',
              { platformCode: 'session_expired' },
            );
          }
          throw error;
        }
        if (answer.status !== 308) {
          const video = VideoAnswer.safeParse(answer.body);
          if (!video.success) {
            throw new AmbiguousPublishError(
              `YouTube answered HTTP ${answer.status} to the last part of the video without its id.`,
              { platformCode: `http_${answer.status}` },
            );
          }
          return video.data.id;
        }
        const confirmed = confirmedBytes(answer.headers);
        moved ||= confirmed > upload.confirmedBytes;
        upload.confirmedBytes = confirmed;
        await saveSetup(request, progress, 'a part of the video YouTube took');
        // YouTube kept less than was sent: read again from where it stopped.
        if (confirmed !== end) break;
        offset = end;
      }
      stalled = moved ? 0 : stalled + 1;
      if (stalled >= 2) {
        throw new RetryablePublishError(
          `YouTube is not keeping the video's bytes (still at byte ${upload.confirmedBytes} of ${upload.totalBytes}).`,
        );
      }
    }
    // Every byte is confirmed but no video came back: ask the session for it.
    const state = await querySession(upload, token, request.signal);
    if (state.kind === 'complete') return state.videoId;
    throw new RetryablePublishError(
      'YouTube has every byte of the video but has not answered with it yet.',
    );
  }

  /** Uploads the video (continuing a session where one is saved); its id. */
  async function uploadVideo(
    request: PublishRequest,
    video: VideoPlan & { title: string; video: PublishMedia },
    progress: YouTubeProgress,
  ): Promise<string> {
    const file = video.video;
    let upload =
      progress.upload?.assetId === file.assetId && progress.upload.totalBytes === file.sizeBytes
        ? progress.upload
        : undefined;
    if (upload) {
      const state = await querySession(upload, request.account.accessToken, request.signal);
      if (state.kind === 'complete') return state.videoId;
      if (state.kind === 'incomplete') {
        if (state.confirmed !== upload.confirmedBytes) {
          upload.confirmedBytes = state.confirmed;
          await saveSetup(request, progress, 'how much of the video YouTube has');
        }
      } else {
        if (upload.finalSentAt) {
          // The session expired after its last part went out unanswered: the video may exist.
          const found = await findUpload(
            request.account,
            video,
            { from: new Date(Date.parse(upload.startedAt) - SLACK_MS), to: clock() },
            request.signal,
          ).catch((error: unknown) => {
            if (
              error instanceof PublishError &&
              (error.kind === 'auth' || error.kind === 'rate_limited')
            )
              throw error;
            throw new RetryablePublishError(
              'Herald could not check the channel for the video before uploading it again.',
              { cause: error },
            );
          });
          if (found.videoId) return found.videoId;
          if (!found.complete) {
            throw new RetryablePublishError(
              'The channel has too many recent uploads for Herald to be sure the video is not among them; it will look again.',
            );
          }
        }
        delete progress.upload;
        upload = undefined;
      }
    }
    if (!upload) {
      upload = await startSession(request, video);
      progress.upload = upload;
      await saveSetup(request, progress, 'the upload session YouTube started');
    }
    return sendBytes(request, progress, upload, file);
  }

  /** Sets the custom thumbnail once; what went wrong is kept as a note, never thrown. */
  async function setThumbnail(
    request: PublishRequest,
    videoId: string,
  ): Promise<YouTubeProgress['thumbnail']> {
    const image = request.content.thumbnail;
    if (!image) return undefined;
    if (!['image/jpeg', 'image/png'].includes(image.contentType)) {
      return {
        state: 'failed',
        reason: `YouTube takes JPEG or PNG thumbnails; ${image.name} is ${image.contentType}`,
      };
    }
    if (image.sizeBytes > MAX_THUMBNAIL_BYTES) {
      return {
        state: 'failed',
        reason: `YouTube takes thumbnails of at most 2 MB; ${image.name} is larger`,
      };
    }
    try {
      const bytes = await readMediaWhole(config.fetch ?? fetch, image, request.signal);
      const query = new URLSearchParams({ videoId, uploadType: 'media' });
      await call(
        `${uploads}/thumbnails/set?${query.toString()}`,
        { method: 'POST', headers: { 'content-type': image.contentType }, body: bytes },
        request.account.accessToken,
        SETUP,
        request.signal,
      );
      return { state: 'set' };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { state: 'failed', reason };
    }
  }

  async function listStatus(videoId: string, accessToken: string, signal?: AbortSignal) {
    const query = new URLSearchParams({ part: 'status,processingDetails', id: videoId });
    const { body } = await call(
      `${api}/videos?${query.toString()}`,
      {},
      accessToken,
      SETUP,
      signal,
    );
    const parsed = StatusList.safeParse(body);
    if (!parsed.success) {
      throw new RetryablePublishError(
        "YouTube answered the video's status in a form Herald does not understand.",
      );
    }
    return parsed.data.items.find((item) => item.id === videoId);
  }

  /** Where processing stands: published, not ready yet, or refused for good. */
  async function settle(
    request: PublishRequest,
    video: VideoPlan,
    progress: YouTubeProgress,
  ): Promise<PublishedPost> {
    const videoId = progress.videoId!;
    const uploadedAt = Date.parse(progress.uploadedAt ?? '') || clock().getTime();
    const waited = clock().getTime() - uploadedAt;
    const notices: string[] = [];
    if (progress.thumbnail?.state === 'failed') {
      notices.push(
        `The custom thumbnail was not set (${progress.thumbnail.reason ?? 'no reason given'}); YouTube shows a frame of the video instead. Set it in YouTube Studio if it matters.`,
      );
    }
    const published = (extra?: string): PublishedPost => {
      const all = extra ? [...notices, extra] : notices;
      return {
        externalId: videoId,
        url: watchUrl(videoId, video.short),
        ...(all.length ? { notice: all.join(' ') } : {}),
      };
    };
    const notReady = (message: string, afterMs: number, cause?: unknown) => {
      if (waited >= maxWaitMs) {
        // Its watch URL already works; YouTube shows the video once processing ends.
        return published(
          'YouTube was still processing the video when Herald stopped waiting; it appears on the channel when processing ends.',
        );
      }
      throw new NotReadyPublishError(message, {
        retryAt: new Date(clock().getTime() + afterMs),
        platformCode: 'processing',
        ...(cause ? { cause } : {}),
      });
    };
    let item;
    try {
      item = await listStatus(videoId, request.account.accessToken, request.signal);
    } catch (error) {
      if (error instanceof PublishError && error.kind === 'auth') throw error;
      return notReady(
        `Herald could not read how YouTube is processing the video (${error instanceof Error ? error.message : String(error)}); it will look again.`,
        PROCESSING_POLL_MS,
        error,
      );
    }
    if (!item) {
      if (waited < LISTING_GRACE_MS) {
        return notReady(
          'YouTube does not list the new video yet; Herald will look again.',
          PROCESSING_POLL_MS,
        );
      }
      throw new PermanentPublishError(
        `The video (${videoId}) is no longer on the channel; it may have been deleted in YouTube Studio.`,
        { platformCode: 'video_missing' },
      );
    }
    const status = item.status?.uploadStatus;
    if (status === 'failed' || status === 'rejected' || status === 'deleted') {
      const code = item.status?.failureReason ?? item.status?.rejectionReason;
      const why = code ? (REASONS[code] ?? code) : 'no reason given';
      throw new PermanentPublishError(
        status === 'rejected'
          ? `YouTube rejected the video because ${why}.`
          : status === 'failed'
            ? `YouTube could not process the video: ${why}.`
            : 'The video was deleted from YouTube.',
        { platformCode: code ? `${status}:${code}` : status },
      );
    }
    if (status === 'processed') return published();
    const left = item.processingDetails?.processingProgress?.timeLeftMs;
    const afterMs =
      left !== undefined && Number.isFinite(left)
        ? Math.min(MAX_POLL_MS, Math.max(MIN_POLL_MS, left))
        : PROCESSING_POLL_MS;
    return notReady('YouTube is still processing the video; Herald will check again.', afterMs);
  }

  async function publish(request: PublishRequest): Promise<PublishedPost> {
    const progress = progressOf(request.progress);
    const video = plan(request.content);
    if (!progress.videoId) {
      if (request.signal?.aborted) {
        throw new RetryablePublishError('Publishing was cancelled before anything was sent.');
      }
      progress.videoId = await uploadVideo(request, video, progress);
      progress.uploadedAt = clock().toISOString();
      delete progress.upload;
      await saveVideo(request, progress);
    }
    if (request.content.thumbnail && !progress.thumbnail) {
      const outcome = await setThumbnail(request, progress.videoId);
      if (outcome) {
        progress.thumbnail = outcome;
        await saveVideo(request, progress);
      }
    }
    return settle(request, video, progress);
  }

  /**
   * Looks for the post among the channel's recent uploads (its uploads playlist, newest first):
   * same title (when known) and description, published inside the window.
   */
  async function findUpload(
    account: { accessToken: string },
    video: VideoPlan,
    window: { from: Date; to: Date },
    signal?: AbortSignal,
  ): Promise<{ videoId: string | null; complete: boolean }> {
    const channels = await call(
      `${api}/channels?${new URLSearchParams({ part: 'contentDetails', mine: 'true' }).toString()}`,
      {},
      account.accessToken,
      SETUP,
      signal,
    );
    const channel = ChannelList.safeParse(channels.body);
    const playlistId = channel.success
      ? channel.data.items[0]?.contentDetails.relatedPlaylists.uploads
      : undefined;
    if (!playlistId) {
      throw new RetryablePublishError("YouTube did not say where the channel's uploads are.");
    }
    const from = window.from.getTime() - SLACK_MS;
    const to = window.to.getTime() + SLACK_MS;
    let pageToken: string | undefined;
    for (let page = 0; page < MAX_UPLOAD_PAGES; page += 1) {
      const query = new URLSearchParams({ part: 'snippet', playlistId, maxResults: '50' });
      if (pageToken) query.set('pageToken', pageToken);
      const { body } = await call(
        `${api}/playlistItems?${query.toString()}`,
        {},
        account.accessToken,
        SETUP,
        signal,
      );
      const parsed = PlaylistItems.safeParse(body);
      if (!parsed.success) {
        throw new RetryablePublishError(
          "YouTube answered the channel's uploads in a form Herald does not understand.",
        );
      }
      for (const { snippet } of parsed.data.items) {
        const at = Date.parse(snippet.publishedAt);
        if (at > to) continue;
        if (at < from) return { videoId: null, complete: true };
        if (
          (video.title === null || snippet.title === video.title) &&
          sameText(snippet.description, video.description)
        ) {
          return { videoId: snippet.resourceId.videoId, complete: true };
        }
      }
      pageToken = parsed.data.nextPageToken;
      if (!pageToken) return { videoId: null, complete: true };
    }
    return { videoId: null, complete: false };
  }

  async function reconcile(request: ReconcileRequest): Promise<ReconcileOutcome> {
    const progress = progressOf(request.progress);
    const planned = planVideo(request.content);
    if (!planned.ok) return { status: 'unknown', reason: planned.problem };
    const video = planned.plan;
    const token = request.account.accessToken;
    const found = (videoId: string): ReconcileOutcome => ({
      status: 'published',
      post: { externalId: videoId, url: watchUrl(videoId, video.short) },
    });
    if (progress.videoId) {
      const item = await listStatus(progress.videoId, token, request.signal);
      const status = item?.status?.uploadStatus;
      // A refused or missing video is not a post: publishing again reports why, from progress.
      if (!item || status === 'failed' || status === 'rejected' || status === 'deleted') {
        return { status: 'not_published' };
      }
      return found(progress.videoId);
    }
    if (progress.upload) {
      const state = await querySession(progress.upload, token, request.signal);
      if (state.kind === 'complete') return found(state.videoId);
      // Unfinished: publishing again continues at the confirmed byte.
      if (state.kind === 'incomplete') return { status: 'not_published' };
    }
    const search = await findUpload(request.account, video, request.window, request.signal);
    if (search.videoId) return found(search.videoId);
    if (!search.complete) {
      return {
        status: 'unknown',
        reason: `The channel uploaded more than ${MAX_UPLOAD_PAGES * 50} videos around the attempt; Herald stopped looking.`,
      };
    }
    return { status: 'not_published' };
  }

  async function refreshToken({
    refreshToken: current,
  }: RefreshTokenRequest): Promise<RefreshedToken> {
    if (!current) {
      throw new AuthPublishError(
        'Google gave no refresh token for this channel: reconnect it (Herald asks for offline access).',
      );
    }
    if (!config.oauth) {
      throw new PermanentPublishError(
        'Herald has no Google OAuth client configured (YOUTUBE_CLIENT_ID, YOUTUBE_CLIENT_SECRET), so it cannot refresh YouTube tokens.',
      );
    }
    let tokens;
    try {
      tokens = readTokens(
        await googleClient(config.oauth, null).refreshAccessToken(
          googleEndpoints(config.oauth).token,
          current,
          [],
        ),
        clock(),
      );
    } catch (error) {
      throw classifyGoogleOAuthError(error, 'refresh the YouTube access token');
    }
    return {
      accessToken: tokens.accessToken,
      expiresAt: tokens.expiresAt,
      // Google may rotate it; a new one replaces the old, which may stop working.
      ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
    };
  }

  async function fetchMetrics({
    account,
    post,
    signal,
  }: MetricsRequest): Promise<EngagementMetrics> {
    const query = new URLSearchParams({ part: 'statistics', id: post.externalId });
    const { body } = await call(
      `${api}/videos?${query.toString()}`,
      {},
      account.accessToken,
      SETUP,
      signal,
    );
    const parsed = StatisticsList.safeParse(body);
    if (!parsed.success) {
      throw new RetryablePublishError(
        "YouTube answered the video's statistics in a form Herald does not understand.",
      );
    }
    const item = parsed.data.items[0];
    if (!item) {
      throw new PermanentPublishError(`The video (${post.externalId}) is no longer on YouTube.`, {
        platformCode: 'video_missing',
      });
    }
    const stats = item.statistics ?? {};
    return {
      likes: stats.likeCount ?? null,
      comments: stats.commentCount ?? null,
      shares: null,
      // The Data API counts views; impressions are YouTube Analytics' (not asked for).
      impressions: stats.viewCount ?? null,
      views: stats.viewCount ?? null,
    };
  }

  return {
    platform: 'youtube',
    rules: PLATFORM_RULES.youtube,
    publish,
    reconcile: unknownOnFailure('YouTube', reconcile),
    refreshToken,
    fetchMetrics,
  };
}

/** `Range: bytes=0-N` → N + 1; no header: nothing kept. */
function confirmedBytes(headers: Headers): number {
  const match = /^bytes=0-(\d+)$/.exec(headers.get('range')?.trim() ?? '');
  return match ? Number(match[1]) + 1 : 0;
}

function sameOrigin(url: string, base: string): boolean {
  try {
    return new URL(url).origin === new URL(base).origin;
  } catch {
    return false;
  }
}

/** Descriptions as compared: YouTube may turn CRLF into LF and trim the ends. */
const comparable = (text: string) => text.replace(/\r\n/g, '\n').normalize('NFC').trim();
const sameText = (a: string, b: string) => comparable(a) === comparable(b);

function progressOf(progress: ProviderProgress | null): YouTubeProgress {
  const parsed = YouTubeProgress.safeParse(progress ?? {});
  return parsed.success ? parsed.data : {};
}

function toJson(progress: YouTubeProgress): ProviderProgress {
  return JSON.parse(JSON.stringify(progress)) as ProviderProgress;
}

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
