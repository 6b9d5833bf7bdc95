// TikTok's Content Posting API, Direct Post (developers.tiktok.com "Content Posting API — Direct
// Post", "Media Transfer Guide", "Get Post Status"):
//   POST /v2/post/publish/creator_info/query/  what the creator may choose (privacy options, …)
//   POST /v2/post/publish/video/init/          post_info + source_info (FILE_UPLOAD | PULL_FROM_URL)
//   PUT  {upload_url}                           the bytes, chunk by chunk, `Content-Range: bytes a-b/total`
//   POST /v2/post/publish/status/fetch/        PROCESSING_UPLOAD | PROCESSING_DOWNLOAD | PUBLISH_COMPLETE | FAILED
// The video is published as soon as it is in (the last chunk, or the download at init); the
// status catches up after `settings.processingPolls` fetches, never after wall-clock time.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { replyUnderFault } from '../../faults.ts';
import { json, send, type Reply } from '../../http.ts';
import { fetchRemoteMedia, signatures } from '../../remote-media.ts';
import type { SandboxContext } from '../../router.ts';
import { errorReply, injectedError, logId, okReply, tiktokErrors } from './errors.ts';
import { mp4DurationSeconds } from './mp4.ts';
import { identify, isError, readJson, readRaw, withScope } from './request.ts';
import {
  creatorOf,
  nowOf,
  PRIVACY_LEVELS,
  tiktokState,
  withinRateLimit,
  type Publish,
  type TikTokState,
} from './state.ts';

const MIB = 1024 * 1024;
/** The Media Transfer Guide's chunk rules ("5 MB" read as 5,000,000 bytes, "64 MB" as 64 MiB). */
const MIN_CHUNK_BYTES = 5_000_000;
const MAX_CHUNK_BYTES = 64 * MIB;
const MAX_FINAL_CHUNK_BYTES = 128 * MIB;
const MAX_CHUNKS = 1000;
/** TikTok takes videos up to 4 GB. */
const MAX_VIDEO_BYTES = 4 * 1024 * MIB;
/** post_info.title: at most 2,200 UTF-16 code units. */
export const TITLE_MAX_UTF16 = 2200;
/** upload_url is valid for one hour. */
const UPLOAD_URL_TTL_MS = 60 * 60_000;

export const VIDEO_TYPES: Record<string, (head: Buffer) => boolean> = {
  'video/mp4': signatures.mp4,
  'video/quicktime': signatures.quicktime,
  'video/webm': signatures.webm,
};

const PostInfo = z.object({
  title: z.string().max(TITLE_MAX_UTF16).optional(),
  privacy_level: z.enum(PRIVACY_LEVELS),
  disable_duet: z.boolean().optional(),
  disable_comment: z.boolean().optional(),
  disable_stitch: z.boolean().optional(),
  video_cover_timestamp_ms: z.int().min(0).optional(),
  brand_content_toggle: z.boolean(),
  brand_organic_toggle: z.boolean().optional(),
  is_aigc: z.boolean().optional(),
});

const SourceInfo = z.discriminatedUnion('source', [
  z.object({
    source: z.literal('FILE_UPLOAD'),
    video_size: z.int().min(1),
    chunk_size: z.int().min(1),
    total_chunk_count: z.int().min(1),
  }),
  z.object({ source: z.literal('PULL_FROM_URL'), video_url: z.string().min(1) }),
]);

const InitBody = z.object({ post_info: PostInfo, source_info: SourceInfo });

/** What is wrong with a FILE_UPLOAD's sizes under the Media Transfer Guide's rules, if anything. */
export function chunkProblem(videoSize: number, chunkSize: number, count: number): string | null {
  if (videoSize > MAX_VIDEO_BYTES) return 'video_size must be at most 4 GB.';
  if (videoSize < MIN_CHUNK_BYTES) {
    return chunkSize === videoSize && count === 1
      ? null
      : 'A video under 5 MB must be uploaded whole: chunk_size equal to video_size and total_chunk_count 1.';
  }
  const whole = chunkSize === videoSize && count === 1 && videoSize <= MAX_CHUNK_BYTES;
  if (whole) return null;
  if (chunkSize < MIN_CHUNK_BYTES || chunkSize > MAX_CHUNK_BYTES) {
    return 'chunk_size must be between 5 MB and 64 MB.';
  }
  if (count !== Math.floor(videoSize / chunkSize)) {
    return `total_chunk_count must be video_size divided by chunk_size, rounded down (${Math.floor(videoSize / chunkSize)}).`;
  }
  if (count > MAX_CHUNKS) return 'There must be at most 1000 chunks.';
  if (videoSize - (count - 1) * chunkSize > MAX_FINAL_CHUNK_BYTES) {
    return 'The final chunk may be at most 128 MB.';
  }
  return null;
}

/** `POST /v2/post/publish/creator_info/query/`. */
export async function creatorInfo(req: IncomingMessage, res: ServerResponse, ctx: SandboxContext) {
  const request = await readJson(req, true);
  const caller = withScope(identify(req, ctx), 'video.publish');
  const fault = ctx.store.takeFault('tiktok', 'read', isError(caller) ? undefined : caller.openId);
  const act = (): Reply => {
    if (isError(caller)) return errorReply(caller);
    const state = tiktokState(ctx.store);
    if (!withinRateLimit(state, caller.token, 'creator_info/query')) {
      return errorReply(tiktokErrors.rateLimited());
    }
    if ('error' in request) return errorReply(request.error);
    const creator = creatorOf(state, caller.openId);
    return okReply({
      creator_avatar_url: `${ctx.publicUrl}/tiktok/avatars/${encodeURIComponent(creator.openId)}.png`,
      creator_username: creator.username,
      creator_nickname: creator.nickname,
      privacy_level_options: creator.privacyLevelOptions,
      comment_disabled: creator.commentDisabled,
      duet_disabled: creator.duetDisabled,
      stitch_disabled: creator.stitchDisabled,
      max_video_post_duration_sec: creator.maxVideoPostDurationSec,
    });
  };
  await replyUnderFault(req, res, fault, act, injectedError, ctx.closing);
}

/** `POST /v2/post/publish/video/init/`. */
export async function initVideo(req: IncomingMessage, res: ServerResponse, ctx: SandboxContext) {
  const request = await readJson(req);
  const caller = withScope(identify(req, ctx), 'video.publish');
  const fault = ctx.store.takeFault(
    'tiktok',
    'publish',
    isError(caller) ? undefined : caller.openId,
  );
  const act = async (): Promise<Reply> => {
    if (isError(caller)) return errorReply(caller);
    const state = tiktokState(ctx.store);
    if (!withinRateLimit(state, caller.token, 'video/init')) {
      return errorReply(tiktokErrors.rateLimited());
    }
    if ('error' in request) return errorReply(request.error);
    const parsed = InitBody.safeParse(request.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return errorReply(tiktokErrors.invalid(`${issue.path.join('.')}: ${issue.message}`));
    }
    const { post_info: post, source_info: source } = parsed.data;
    if (source.source === 'FILE_UPLOAD') {
      const problem = chunkProblem(source.video_size, source.chunk_size, source.total_chunk_count);
      if (problem) return errorReply(tiktokErrors.invalid(problem));
    }
    if (post.brand_content_toggle && post.privacy_level === 'SELF_ONLY') {
      return errorReply(
        tiktokErrors.invalid('Branded content cannot be posted with privacy_level SELF_ONLY.'),
      );
    }
    const now = nowOf(state);
    const creator = creatorOf(state, caller.openId);
    const recent = [...state.publishes.values()].filter(
      (p) => p.openId === caller.openId && p.createdAt > now - 24 * 3600_000,
    );
    if (recent.length >= state.settings.postsPer24h) {
      return errorReply(tiktokErrors.tooManyPosts());
    }
    if (!creator.privacyLevelOptions.includes(post.privacy_level)) {
      return errorReply(tiktokErrors.privacyMismatch(creator.privacyLevelOptions));
    }
    if (!state.settings.auditedClient && post.privacy_level !== 'SELF_ONLY') {
      return errorReply(tiktokErrors.unaudited());
    }
    if (
      source.source === 'PULL_FROM_URL' &&
      !state.settings.verifiedUrlPrefixes.some((prefix) => source.video_url.startsWith(prefix))
    ) {
      return errorReply(tiktokErrors.urlUnverified());
    }

    const kind = source.source === 'FILE_UPLOAD' ? 'file' : 'url';
    const publish: Publish = {
      publishId: `v_pub_${kind}~v2-1.${ctx.store.nextNumericId()}`,
      openId: caller.openId,
      source: source.source,
      title: post.title ?? '',
      privacyLevel: post.privacy_level,
      // The creator's own switches win: TikTok keeps off what the account has turned off.
      disableComment: (post.disable_comment ?? false) || creator.commentDisabled,
      disableDuet: (post.disable_duet ?? false) || creator.duetDisabled,
      disableStitch: (post.disable_stitch ?? false) || creator.stitchDisabled,
      brandContent: post.brand_content_toggle,
      brandOrganic: post.brand_organic_toggle ?? false,
      upload: null,
      downloadedBytes: 0,
      videoId: null,
      failReason: null,
      polls: 0,
      createdAt: now,
    };
    state.publishes.set(publish.publishId, publish);
    if (source.source === 'PULL_FROM_URL') {
      // TikTok downloads on its own time; the sandbox does it now so the outcome is settled.
      const fetched = await fetchRemoteMedia(
        source.video_url,
        { types: VIDEO_TYPES, maxBytes: MAX_VIDEO_BYTES },
        ctx.closing,
        ctx.mediaFetchTimeoutMs,
      );
      if (fetched.ok) {
        publish.downloadedBytes = fetched.bytes.length;
        finishVideo(ctx, state, publish, fetched.bytes, fetched.contentType);
      } else {
        publish.failReason =
          fetched.problem === 'type' || fetched.problem === 'signature'
            ? 'file_format_check_failed'
            : 'video_pull_failed';
      }
      return okReply({ publish_id: publish.publishId });
    }
    const uploadId = ctx.store.nextNumericId();
    const uploadToken = randomBytes(12).toString('hex');
    publish.upload = {
      uploadId,
      uploadToken,
      videoSize: source.video_size,
      chunkSize: source.chunk_size,
      totalChunkCount: source.total_chunk_count,
      chunks: [],
      received: 0,
      expiresAt: now + UPLOAD_URL_TTL_MS,
    };
    state.uploads.set(uploadId, publish.publishId);
    const query = new URLSearchParams({ upload_id: uploadId, upload_token: uploadToken });
    return okReply({
      publish_id: publish.publishId,
      upload_url: `${ctx.publicUrl}/tiktok/upload/video/?${query.toString()}`,
    });
  };
  await replyUnderFault(req, res, fault, act, injectedError, ctx.closing);
}

/**
 * The video is in: TikTok checks it (format, the creator's longest duration) and publishes it.
 * A failure is kept as the publish's fail_reason, reported once processing is over.
 */
function finishVideo(
  ctx: SandboxContext,
  state: TikTokState,
  publish: Publish,
  bytes: Buffer,
  contentType: string,
): void {
  const type = Object.keys(VIDEO_TYPES).find((t) => VIDEO_TYPES[t]!(bytes));
  if (!type) {
    publish.failReason = 'file_format_check_failed';
    return;
  }
  const creator = creatorOf(state, publish.openId);
  const seconds = type === 'video/webm' ? null : mp4DurationSeconds(bytes);
  if (seconds !== null && seconds > creator.maxVideoPostDurationSec) {
    publish.failReason = 'duration_check_failed';
    return;
  }
  const now = nowOf(state);
  const createdAt = new Date(now).toISOString();
  // TikTok's video ids are 19-digit numbers (beyond JavaScript's exact integers).
  const videoId = `7${ctx.store.nextNumericId().padStart(18, '0')}`;
  const mediaId = ctx.store.nextNumericId();
  publish.videoId = videoId;
  state.videos.set(videoId, {
    id: videoId,
    openId: publish.openId,
    title: publish.title,
    privacyLevel: publish.privacyLevel,
    durationSec: Math.round(seconds ?? 0),
    createdAt: now,
  });
  ctx.store.recordMedia(
    {
      platform: 'tiktok',
      accountId: publish.openId,
      id: mediaId,
      kind: 'video',
      contentType: contentType in VIDEO_TYPES ? contentType : type,
      sizeBytes: bytes.length,
      postId: videoId,
      createdAt,
    },
    bytes,
  );
  ctx.store.recordPost({
    platform: 'tiktok',
    accountId: publish.openId,
    id: videoId,
    message: publish.title,
    media: [{ id: mediaId, kind: 'video' }],
    createdAt,
  });
}

const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+)$/;

/**
 * `PUT {upload_url}`: one chunk, in order. TikTok answers 206 while chunks remain and 201 once the
 * video is whole. A chunk sent again (its answer was lost) is answered as if taken, without
 * keeping it twice; a chunk beyond what has arrived is 416 (with RFC 9110's unsatisfied-range
 * Content-Range, `bytes` then an asterisk and the size).
 */
export async function uploadChunk(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: SandboxContext,
) {
  const state = tiktokState(ctx.store);
  const publish = state.publishes.get(state.uploads.get(url.searchParams.get('upload_id') ?? '')!);
  const session = publish?.upload;
  if (!publish || !session || session.uploadToken !== url.searchParams.get('upload_token')) {
    // Drain what was sent so the client sees the answer rather than a reset.
    await readRaw(req, MAX_FINAL_CHUNK_BYTES + MIB).catch(() => undefined);
    return send(res, errorReply(tiktokErrors.invalid('The upload_url is not valid.')));
  }
  const body = await readRaw(req, MAX_FINAL_CHUNK_BYTES + MIB);
  const fault = ctx.store.takeFault('tiktok', 'publish', publish.openId);
  const act = (): Reply => {
    const total = session.videoSize;
    const held = () => ({ 'content-range': `bytes */${total}` });
    if (nowOf(state) > session.expiresAt) {
      return {
        ...errorReply(tiktokErrors.invalid('The upload_url has expired.')),
        status: 403,
      };
    }
    const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase() ?? '';
    if (!(type in VIDEO_TYPES)) {
      return errorReply(
        tiktokErrors.invalid('Content-Type must be video/mp4, video/quicktime or video/webm.'),
      );
    }
    const range = CONTENT_RANGE.exec(req.headers['content-range'] ?? '');
    if (!range) {
      return errorReply(
        tiktokErrors.invalid('Content-Range must be bytes {first}-{last}/{total}.'),
      );
    }
    const [first, last, size] = [Number(range[1]), Number(range[2]), Number(range[3])];
    if (size !== total) {
      return errorReply(tiktokErrors.invalid(`Content-Range total must be video_size (${total}).`));
    }
    const index = first / session.chunkSize;
    const lastIndex = session.totalChunkCount - 1;
    const expectedLast = index === lastIndex ? total - 1 : first + session.chunkSize - 1;
    if (!Number.isInteger(index) || index > lastIndex || last !== expectedLast) {
      return errorReply(
        tiktokErrors.invalid(
          `Content-Range must cover one whole chunk of chunk_size ${session.chunkSize} (the last one runs to byte ${total - 1}).`,
        ),
      );
    }
    if (body.length !== last - first + 1) {
      return errorReply(
        tiktokErrors.invalid(
          `The chunk has ${body.length} bytes; Content-Range says ${last - first + 1}.`,
        ),
      );
    }
    if (last < session.received) return uploadAnswer(session.received, total);
    if (first > session.received) {
      return {
        ...errorReply(
          tiktokErrors.invalid(
            `Chunks must be uploaded in order: the next one starts at byte ${session.received}.`,
          ),
        ),
        status: 416,
        headers: { 'content-type': 'application/json; charset=utf-8', ...held() },
      };
    }
    session.chunks.push(body);
    session.received += body.length;
    if (session.received === total) {
      const bytes = Buffer.concat(session.chunks);
      session.chunks = [];
      finishVideo(ctx, state, publish, bytes, type);
    }
    return uploadAnswer(session.received, total);
  };
  await replyUnderFault(req, res, fault, act, injectedError, ctx.closing);
}

const uploadAnswer = (received: number, total: number): Reply => ({
  status: received === total ? 201 : 206,
  headers: {},
  body: '',
});

/** `POST /v2/post/publish/status/fetch/` with `{"publish_id"}`. */
export async function fetchStatus(req: IncomingMessage, res: ServerResponse, ctx: SandboxContext) {
  const request = await readJson(req);
  const identified = identify(req, ctx);
  const caller =
    !isError(identified) && identified.scopes.includes('video.upload')
      ? identified
      : withScope(identified, 'video.publish');
  const fault = ctx.store.takeFault('tiktok', 'read', isError(caller) ? undefined : caller.openId);
  const act = (): Reply => {
    if (isError(caller)) return errorReply(caller);
    const state = tiktokState(ctx.store);
    if (!withinRateLimit(state, caller.token, 'status/fetch')) {
      return errorReply(tiktokErrors.rateLimited());
    }
    if ('error' in request) return errorReply(request.error);
    const publishId = request.body.publish_id;
    if (typeof publishId !== 'string' || publishId === '') {
      return errorReply(tiktokErrors.invalid('publish_id is required.'));
    }
    const publish = state.publishes.get(publishId);
    if (!publish || publish.openId !== caller.openId) {
      return errorReply(tiktokErrors.invalid('The publish_id is invalid.'));
    }
    return statusReply(state, publish);
  };
  await replyUnderFault(req, res, fault, act, injectedError, ctx.closing);
}

function statusReply(state: TikTokState, publish: Publish): Reply {
  const processing = publish.source === 'FILE_UPLOAD' ? 'PROCESSING_UPLOAD' : 'PROCESSING_DOWNLOAD';
  const bytes =
    publish.source === 'FILE_UPLOAD'
      ? { uploaded_bytes: publish.upload?.received ?? 0 }
      : { downloaded_bytes: publish.downloadedBytes };
  const videoIn = publish.videoId !== null || publish.failReason !== null;
  let status: string = processing;
  let ids: string[] = [];
  let failReason: string | undefined;
  if (videoIn) {
    publish.polls += 1;
    const { processingPolls, moderationPolls } = state.settings;
    if (publish.polls > processingPolls) {
      if (publish.failReason) {
        status = 'FAILED';
        failReason = publish.failReason;
      } else {
        status = 'PUBLISH_COMPLETE';
        // Only a post others can see has a public id, once moderation is over.
        const moderated = publish.polls > processingPolls + moderationPolls;
        if (publish.privacyLevel !== 'SELF_ONLY' && moderated) ids = [publish.videoId!];
      }
    }
  }
  // publicaly_available_post_id is a list of int64: written as JSON numbers, as TikTok does,
  // though they exceed what a JavaScript number holds exactly.
  const data = [
    `"status":${JSON.stringify(status)}`,
    ...(failReason ? [`"fail_reason":${JSON.stringify(failReason)}`] : []),
    `"publicaly_available_post_id":[${ids.join(',')}]`,
    ...Object.entries(bytes).map(([k, v]) => `${JSON.stringify(k)}:${v}`),
  ].join(',');
  const error = JSON.stringify({ code: 'ok', message: '', log_id: logId() });
  return {
    ...json(200, {}),
    body: `{"data":{${data}},"error":${error}}`,
  };
}
