// YouTube's resumable upload (developers.google.com/youtube/v3/guides/using_resumable_upload_protocol)
// and thumbnails.set:
//   POST /upload/youtube/v3/videos?uploadType=resumable&part=snippet,status   (videos.insert)
//     JSON video resource, X-Upload-Content-Length / X-Upload-Content-Type
//     → 200, the session URI in Location
//   PUT <session URI>  Content-Range: bytes FIRST-LAST/TOTAL, the bytes
//     → 308 Resume Incomplete with Range: bytes=0-N (what is kept), or 201 and the video
//   PUT <session URI>  Content-Range: bytes */TOTAL, no body   (where is the upload?)
//     → 308 with Range (none when nothing arrived), or 200 and the video once complete
//   POST /upload/youtube/v3/thumbnails/set?videoId=…   the image bytes → thumbnailSetResponse
// Like Google's resumable uploads elsewhere, the session URI itself identifies the upload (a
// request to it need not carry a fresh token), bytes are kept in whole 256 KiB blocks until the
// last, and a session lives a week. Metadata is checked when the session starts, as
// videos.insert checks it; the bytes when the last one arrives.
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { replyUnderFault } from '../../faults.ts';
import { json, type Reply } from '../../http.ts';
import { signatures } from '../../remote-media.ts';
import type { SandboxContext } from '../../router.ts';
import {
  googleErrorReply,
  injectedGoogleError,
  youtubeErrors,
  type GoogleError,
} from './errors.ts';
import {
  authorize,
  contentTypeOf,
  hasQuota,
  isGoogleError,
  parts as partsOf,
  readRaw,
  spendQuota,
  type Caller,
} from './request.ts';
import { mediaUrl, VIDEO_PARTS, videoResource } from './resources.ts';
import {
  channelOf,
  newVideoId,
  nowMs,
  youtubeState,
  type SandboxVideo,
  type UploadSession,
  type VideoSnippet,
} from './state.ts';

const KIB = 1024;
const MIB = 1024 * KIB;
/** Bytes are kept in whole blocks of this size until the last (Google's chunk granularity). */
export const UPLOAD_BLOCK = 256 * KIB;
/** One PUT takes at most this much here (YouTube takes far more; the sandbox keeps it in memory). */
const MAX_CHUNK_BYTES = 64 * MIB;
const MAX_VIDEO_BYTES = 1024 * MIB;
const SESSION_LIFETIME_MS = 7 * 24 * 3600_000;
const MAX_THUMBNAIL_BYTES = 2 * MIB;
const DAY_MS = 24 * 3600_000;

/** Categories a video may be put in (videoCategories.list, regionCode=US, assignable). */
const ASSIGNABLE_CATEGORIES = new Set([
  '1',
  '2',
  '10',
  '15',
  '17',
  '19',
  '20',
  '22',
  '23',
  '24',
  '25',
  '26',
  '27',
  '28',
  '29',
]);
const PRIVACY = new Set(['public', 'unlisted', 'private']);
const VIDEO_SIGNATURES = [signatures.mp4, signatures.quicktime, signatures.webm];

const reply = (error: GoogleError) => googleErrorReply(error);

/** `Range: bytes=0-N` for what is kept; no header while nothing is. */
const rangeHeader = (received: number): Record<string, string> =>
  received > 0 ? { range: `bytes=0-${received - 1}` } : {};

const resumeIncomplete = (received: number): Reply => ({
  status: 308,
  headers: rangeHeader(received),
  body: '',
});

/** Origin the client reached us at, so Location and media URLs work from where it stands. */
const originOf = (req: IncomingMessage) => `http://${req.headers.host ?? '127.0.0.1'}`;

/** `POST /upload/youtube/v3/videos?uploadType=resumable&part=…`: starts a session. */
export async function startUpload(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: SandboxContext,
) {
  const raw = await readRaw(req, MIB);
  const caller = authorize(req, ctx, 'upload');
  const fault = ctx.store.takeFault(
    'youtube',
    'publish',
    isGoogleError(caller) ? undefined : caller.channelId,
  );
  const act = (): Reply => {
    if (isGoogleError(caller)) return reply(caller);
    if (!hasQuota(ctx, caller.project, 'videos.insert'))
      return reply(youtubeErrors.quotaExceeded());
    const started = openSession(req, url, raw, ctx, caller);
    spendQuota(ctx, caller.project, 'videos.insert', !isGoogleError(started));
    if (isGoogleError(started)) return reply(started);
    const location = `${originOf(req)}${url.pathname}?${new URLSearchParams({
      uploadType: 'resumable',
      upload_id: started.id,
      part: started.parts.join(','),
    }).toString()}`;
    return { status: 200, headers: { location, 'x-guploader-uploadid': started.id }, body: '' };
  };
  await replyUnderFault(req, res, fault, act, injectedGoogleError, ctx.closing);
}

function openSession(
  req: IncomingMessage,
  url: URL,
  raw: Buffer,
  ctx: SandboxContext,
  caller: Caller,
): UploadSession | GoogleError {
  const state = youtubeState(ctx.store);
  if (url.searchParams.get('uploadType') !== 'resumable') {
    // Sandbox wording: YouTube also takes `media` and `multipart` uploads; Herald uses resumable.
    return youtubeErrors.badRequest(
      'The sandbox emulates uploadType=resumable only: start a session, then send the bytes to its URI.',
    );
  }
  const parts = partsOf(url, VIDEO_PARTS);
  if (!Array.isArray(parts)) return parts;
  const now = nowMs(ctx);
  const recent = (state.uploadsStarted.get(caller.channelId) ?? []).filter((t) => t > now - DAY_MS);
  if (recent.length >= state.settings.uploadsPerChannelPerDay) {
    return youtubeErrors.uploadLimitExceeded();
  }
  const mediaType = (req.headers['x-upload-content-type'] as string | undefined)?.toLowerCase();
  if (mediaType && !mediaType.startsWith('video/') && mediaType !== 'application/octet-stream') {
    return youtubeErrors.badContent(mediaType, 'video/*, application/octet-stream');
  }
  const lengthHeader = req.headers['x-upload-content-length'] as string | undefined;
  let totalBytes: number | null = null;
  if (lengthHeader !== undefined) {
    if (!/^\d+$/.test(lengthHeader)) {
      return youtubeErrors.badRequest(`X-Upload-Content-Length "${lengthHeader}" is not a number.`);
    }
    totalBytes = Number(lengthHeader);
    if (totalBytes === 0) return youtubeErrors.mediaBodyRequired();
    if (totalBytes > MAX_VIDEO_BYTES) return youtubeErrors.uploadTooLarge(MAX_VIDEO_BYTES);
  }
  const metadata = readMetadata(req, raw);
  if (isGoogleError(metadata)) return metadata;
  const session: UploadSession = {
    id: randomBytes(24).toString('base64url'),
    channelId: caller.channelId,
    project: caller.project,
    ...metadata,
    parts,
    totalBytes,
    contentType: mediaType ?? 'application/octet-stream',
    chunks: [],
    received: 0,
    startedAt: now,
  };
  state.sessions.set(session.id, session);
  state.uploadsStarted.set(caller.channelId, [...recent, now]);
  return session;
}

/** A tag with a space counts as if quoted ("Foo Baz" is 9 characters); commas count too. */
export function tagsLength(tags: readonly string[]): number {
  return tags.reduce(
    (sum, tag, i) => sum + [...tag].length + (tag.includes(' ') ? 2 : 0) + (i ? 1 : 0),
    0,
  );
}

const FORBIDDEN_CHARS = /[<>]/;

/** The video resource's snippet and status, checked as videos.insert checks them. */
function readMetadata(
  req: IncomingMessage,
  raw: Buffer,
): Pick<UploadSession, 'snippet' | 'status'> | GoogleError {
  if (raw.length > 0 && contentTypeOf(req) !== 'application/json') {
    return youtubeErrors.badContent(contentTypeOf(req) ?? 'none', 'application/json');
  }
  let body: unknown = {};
  if (raw.length > 0) {
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return youtubeErrors.invalidVideoMetadata();
    }
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return youtubeErrors.invalidVideoMetadata();
  }
  const { snippet = {}, status = {} } = body as { snippet?: unknown; status?: unknown };
  if (
    typeof snippet !== 'object' ||
    snippet === null ||
    typeof status !== 'object' ||
    status === null
  ) {
    return youtubeErrors.invalidVideoMetadata();
  }
  const s = snippet as Record<string, unknown>;
  const title = s.title;
  if (
    typeof title !== 'string' ||
    title.trim() === '' ||
    [...title].length > 100 ||
    FORBIDDEN_CHARS.test(title)
  ) {
    return youtubeErrors.invalidTitle();
  }
  const description = s.description ?? '';
  if (
    typeof description !== 'string' ||
    Buffer.byteLength(description, 'utf8') > 5000 ||
    FORBIDDEN_CHARS.test(description)
  ) {
    return youtubeErrors.invalidDescription();
  }
  const tags = s.tags ?? [];
  if (
    !Array.isArray(tags) ||
    !tags.every(
      (t): t is string => typeof t === 'string' && t.trim() !== '' && !FORBIDDEN_CHARS.test(t),
    ) ||
    tagsLength(tags) > 500
  ) {
    return youtubeErrors.invalidTags();
  }
  const categoryId = s.categoryId ?? '22';
  if (typeof categoryId !== 'string' || !ASSIGNABLE_CATEGORIES.has(categoryId)) {
    return youtubeErrors.invalidCategoryId();
  }
  const st = status as Record<string, unknown>;
  const privacyStatus = st.privacyStatus ?? 'public';
  const madeForKids = st.selfDeclaredMadeForKids ?? false;
  if (
    typeof privacyStatus !== 'string' ||
    !PRIVACY.has(privacyStatus) ||
    typeof madeForKids !== 'boolean'
  ) {
    return youtubeErrors.invalidVideoMetadata();
  }
  const clean: VideoSnippet = { title, description, tags, categoryId };
  return { snippet: clean, status: { privacyStatus, selfDeclaredMadeForKids: madeForKids } };
}

const CONTENT_RANGE = /^bytes (?:(\d+)-(\d+)|\*)\/(\d+|\*)$/;

// `PUT <session URI>`: a chunk, or (`bytes */TOTAL`, no body) a question about progress.
export async function putUpload(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: SandboxContext,
) {
  const body = await readRaw(req, MAX_CHUNK_BYTES);
  const state = youtubeState(ctx.store);
  const id = url.searchParams.get('upload_id') ?? '';
  const session = state.sessions.get(id);
  const alive = session && nowMs(ctx) - session.startedAt <= SESSION_LIFETIME_MS;
  if (session && !alive) state.sessions.delete(id);
  const range = CONTENT_RANGE.exec(String(req.headers['content-range'] ?? '').trim());
  const query = range !== null && range[1] === undefined;
  const fault = ctx.store.takeFault('youtube', query ? 'read' : 'publish', session?.channelId);
  const act = (): Reply => {
    if (!session || !alive) return reply(youtubeErrors.sessionNotFound());
    if (session.videoId) return finishedReply(req, ctx, session, 200);
    if (query) {
      if (body.length > 0)
        return reply(youtubeErrors.badContentRange('a status query has no body'));
      return resumeIncomplete(session.received);
    }
    let first: number;
    let last: number;
    let total: number | null;
    if (range) {
      first = Number(range[1]);
      last = Number(range[2]);
      total = range[3] === '*' ? null : Number(range[3]);
    } else if (body.length > 0) {
      // The whole file in one request: no Content-Range needed.
      first = 0;
      last = body.length - 1;
      total = body.length;
    } else {
      return reply(youtubeErrors.badContentRange('missing; send bytes FIRST-LAST/TOTAL'));
    }
    if (total !== null && session.totalBytes !== null && total !== session.totalBytes) {
      return reply(
        youtubeErrors.badContentRange(
          `the upload was started for ${session.totalBytes} bytes, not ${total}`,
        ),
      );
    }
    if (last < first || body.length !== last - first + 1) {
      return reply(
        youtubeErrors.badContentRange(
          `bytes ${first}-${last} do not match a body of ${body.length} bytes`,
        ),
      );
    }
    const size = total ?? session.totalBytes;
    if (size !== null && last >= size) {
      return reply(youtubeErrors.badContentRange(`byte ${last} is past the end (${size} bytes)`));
    }
    if (first > session.received) {
      return reply(
        youtubeErrors.badContentRange(
          `the upload has ${session.received} bytes; continue from byte ${session.received}`,
        ),
      );
    }
    if (total !== null) session.totalBytes = total;
    // Bytes already kept are skipped, as Google does when a chunk overlaps.
    const fresh = body.subarray(session.received - first);
    const end = last + 1;
    if (session.totalBytes !== null && end === session.totalBytes) {
      session.chunks.push(fresh);
      session.received = end;
      finishUpload(ctx, session);
      return finishedReply(req, ctx, session, 201);
    }
    // Not the end: only whole 256 KiB blocks are kept; the client resends the rest.
    const kept = Math.max(session.received, Math.floor(end / UPLOAD_BLOCK) * UPLOAD_BLOCK);
    if (kept > session.received) {
      session.chunks.push(fresh.subarray(0, kept - session.received));
      session.received = kept;
    }
    return resumeIncomplete(session.received);
  };
  await replyUnderFault(req, res, fault, act, injectedGoogleError, ctx.closing);
}

function finishedReply(
  req: IncomingMessage,
  ctx: SandboxContext,
  session: UploadSession,
  status: number,
) {
  const video = youtubeState(ctx.store).videos.get(session.videoId!)!;
  return json(status, videoResource(ctx, originOf(req), video, session.parts, true));
}

/** The last byte arrived: the video exists, and how processing will end is decided now. */
function finishUpload(ctx: SandboxContext, session: UploadSession) {
  const state = youtubeState(ctx.store);
  const bytes = Buffer.concat(session.chunks);
  session.chunks = [];
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const isVideo = VIDEO_SIGNATURES.some((starts) => starts(bytes));
  const duplicate =
    state.settings.rejectDuplicates &&
    [...state.videos.values()].some(
      (v) => v.channelId === session.channelId && v.sha256 === sha256,
    );
  const outcome: SandboxVideo['outcome'] = !isVideo
    ? { uploadStatus: 'failed', failureReason: 'invalidFile' }
    : duplicate
      ? { uploadStatus: 'rejected', rejectionReason: 'duplicate' }
      : { uploadStatus: 'processed' };
  const id = newVideoId(state);
  const publishedAt = new Date(nowMs(ctx)).toISOString();
  const video: SandboxVideo = {
    id,
    channelId: session.channelId,
    snippet: session.snippet,
    privacyStatus: session.status.privacyStatus,
    selfDeclaredMadeForKids: session.status.selfDeclaredMadeForKids,
    contentType: session.contentType,
    sizeBytes: bytes.length,
    sha256,
    publishedAt,
    pollsLeft: state.settings.processingPolls,
    outcome,
    customThumbnail: false,
  };
  state.videos.set(id, video);
  session.videoId = id;
  const kind = 'video' as const;
  const contentType =
    session.contentType === 'application/octet-stream' ? 'video/mp4' : session.contentType;
  ctx.store.recordMedia(
    {
      platform: 'youtube',
      accountId: session.channelId,
      id,
      kind,
      contentType,
      sizeBytes: bytes.length,
      postId: id,
      createdAt: publishedAt,
    },
    bytes,
  );
  ctx.store.recordPost({
    platform: 'youtube',
    accountId: session.channelId,
    id,
    message: session.snippet.description,
    title: session.snippet.title,
    media: [{ id, kind }],
    createdAt: publishedAt,
  });
}

const THUMBNAIL_TYPES: Record<string, (head: Buffer) => boolean> = {
  'image/jpeg': signatures.jpeg,
  'image/png': signatures.png,
  'application/octet-stream': (head) => signatures.jpeg(head) || signatures.png(head),
};

/** `POST /upload/youtube/v3/thumbnails/set?videoId=…`: the image bytes become the thumbnail. */
export async function setThumbnail(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: SandboxContext,
) {
  const body = await readRaw(req, 4 * MAX_THUMBNAIL_BYTES);
  const caller = authorize(req, ctx, 'upload');
  const fault = ctx.store.takeFault(
    'youtube',
    'publish',
    isGoogleError(caller) ? undefined : caller.channelId,
  );
  const act = (): Reply => {
    if (isGoogleError(caller)) return reply(caller);
    if (!hasQuota(ctx, caller.project, 'thumbnails.set'))
      return reply(youtubeErrors.quotaExceeded());
    const done = applyThumbnail(req, url, body, ctx, caller);
    spendQuota(ctx, caller.project, 'thumbnails.set', !isGoogleError(done));
    return isGoogleError(done) ? reply(done) : json(200, done);
  };
  await replyUnderFault(req, res, fault, act, injectedGoogleError, ctx.closing);
}

function applyThumbnail(
  req: IncomingMessage,
  url: URL,
  body: Buffer,
  ctx: SandboxContext,
  caller: Caller,
): Record<string, unknown> | GoogleError {
  const uploadType = url.searchParams.get('uploadType');
  if (uploadType !== null && uploadType !== 'media') {
    return youtubeErrors.badRequest('The sandbox takes thumbnails as uploadType=media.');
  }
  const videoId = url.searchParams.get('videoId');
  if (!videoId) return youtubeErrors.required('videoId');
  const video = youtubeState(ctx.store).videos.get(videoId);
  if (!video || video.channelId !== caller.channelId)
    return youtubeErrors.videoNotFound('youtube.thumbnail');
  if (!channelOf(caller.channelId).verified) return youtubeErrors.thumbnailForbidden();
  const type = contentTypeOf(req) ?? 'none';
  const startsRight = THUMBNAIL_TYPES[type];
  if (!startsRight)
    return youtubeErrors.badContent(type, 'image/jpeg, image/png, application/octet-stream');
  if (body.length === 0) return youtubeErrors.imageBodyRequired();
  if (body.length > MAX_THUMBNAIL_BYTES) return youtubeErrors.uploadTooLarge(MAX_THUMBNAIL_BYTES);
  if (!startsRight(body)) return youtubeErrors.invalidImage();
  const id = `${video.id}.thumbnail`;
  ctx.store.recordMedia(
    {
      platform: 'youtube',
      accountId: caller.channelId,
      id,
      kind: 'image',
      contentType: signatures.png(body) ? 'image/png' : 'image/jpeg',
      sizeBytes: body.length,
      postId: video.id,
      createdAt: new Date(nowMs(ctx)).toISOString(),
    },
    body,
  );
  video.customThumbnail = true;
  const src = mediaUrl(originOf(req), id);
  const size = (width: number, height: number) => ({ url: src, width, height });
  return {
    kind: 'youtube#thumbnailSetResponse',
    etag: createHash('sha1').update(body).digest('base64url').slice(0, 27),
    items: [
      {
        default: size(120, 90),
        medium: size(320, 180),
        high: size(480, 360),
        standard: size(640, 480),
        maxres: size(1280, 720),
      },
    ],
  };
}
