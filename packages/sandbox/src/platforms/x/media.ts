// X's v2 media upload: one request for an image (`POST /2/media/upload`, multipart `media`,
// `media_category`), or a chunked session for a video (`POST /2/media/upload/initialize` with
// JSON `{media_type,total_bytes,media_category}`, `POST /2/media/upload/{id}/append` with
// multipart `media` and `segment_index`, `POST /2/media/upload/{id}/finalize`), then
// `GET /2/media/upload?command=STATUS&media_id=…` until `processing_info.state` is `succeeded`.
// Processing takes `settings.processingPolls` STATUS calls, never wall-clock time.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { replyUnderFault } from '../../faults.ts';
import { json, send, text, type Reply } from '../../http.ts';
import { signatures } from '../../remote-media.ts';
import type { SandboxContext } from '../../router.ts';
import { injectedProblem, problemReply, xErrors } from './errors.ts';
import { authorize, isProblem, readForm, readJson } from './request.ts';
import { xState, type UploadSession } from './state.ts';

const MB = 1024 * 1024;
/** X's limits by media category (docs.x.com media best practices). */
const CATEGORY_MAX_BYTES: Record<string, number> = {
  tweet_image: 5 * MB,
  tweet_gif: 15 * MB,
  tweet_video: 512 * MB,
  amplify_video: 512 * MB,
};
const IMAGE_TYPES: Record<string, (head: Buffer) => boolean> = {
  'image/jpeg': signatures.jpeg,
  'image/png': signatures.png,
  'image/webp': signatures.webp,
  'image/gif': signatures.gif,
};
const VIDEO_TYPES: Record<string, (head: Buffer) => boolean> = {
  'video/mp4': signatures.mp4,
  'video/quicktime': signatures.quicktime,
};
/** An APPEND's chunk may be at most 5 MB. */
const MAX_SEGMENT_BYTES = 5 * MB;
const MAX_SEGMENT_INDEX = 999;
const EXPIRES_AFTER_SECS = 86_400;

/** A text field of a form; undefined when absent or a file. */
const formText = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === 'string' ? value : undefined;
};

const mediaKey = (session: UploadSession) => `${session.kind === 'video' ? 7 : 3}_${session.id}`;

/** `POST /2/media/upload`: an image in one request. */
export async function uploadOneShot(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: SandboxContext,
) {
  const form = await readForm(req);
  const fault = ctx.store.takeFault('x', 'publish');
  const act = async (): Promise<Reply> => {
    const caller = authorize(req, ctx, 'POST /2/media/upload');
    if ('problem' in caller) return problemReply(caller.problem, caller.headers);
    const headers = caller.limit.headers;
    if (isProblem(form)) return problemReply(form, headers);
    const media = form.get('media');
    if (!(media instanceof Blob)) {
      return problemReply(xErrors.invalid('The `media` field is required.', 'media'), headers);
    }
    const category = formText(form, 'media_category') ?? 'tweet_image';
    if (category !== 'tweet_image') {
      return problemReply(
        xErrors.invalid(
          'One-shot upload takes images (media_category tweet_image); use the chunked upload for videos and GIFs.',
          'media_category',
          category,
        ),
        headers,
      );
    }
    const bytes = Buffer.from(await media.arrayBuffer());
    const declared = (formText(form, 'media_type') ?? media.type).toLowerCase();
    const type = Object.keys(IMAGE_TYPES).find((t) => IMAGE_TYPES[t]!(bytes));
    if (!type || (declared && declared !== 'application/octet-stream' && declared !== type)) {
      return problemReply(xErrors.badMedia('media type unrecognized.'), headers);
    }
    if (bytes.length > CATEGORY_MAX_BYTES.tweet_image!) {
      return problemReply(xErrors.badMedia('File size exceeds 5242880 bytes.'), headers);
    }
    const session = newSession(ctx, caller.userId, type, category, bytes.length, 'image');
    session.bytes = bytes;
    session.finalized = true;
    session.ready = true;
    return json(
      200,
      {
        data: {
          id: session.id,
          media_key: mediaKey(session),
          size: bytes.length,
          expires_after_secs: EXPIRES_AFTER_SECS,
          image: { image_type: type },
        },
      },
      headers,
    );
  };
  await replyUnderFault(req, res, fault, act, injectedProblem, ctx.closing);
}

function newSession(
  ctx: SandboxContext,
  ownerId: string,
  mediaType: string,
  category: string,
  totalBytes: number,
  kind: 'image' | 'video',
): UploadSession {
  const session: UploadSession = {
    id: ctx.store.nextNumericId(),
    ownerId,
    mediaType,
    category,
    totalBytes,
    segments: new Map(),
    finalized: false,
    polls: 0,
    ready: false,
    kind,
    contentType: mediaType,
  };
  xState(ctx.store).uploads.set(session.id, session);
  return session;
}

/** `POST /2/media/upload/initialize`. */
export async function initialize(req: IncomingMessage, res: ServerResponse, ctx: SandboxContext) {
  const request = await readJson(req);
  const fault = ctx.store.takeFault('x', 'publish');
  const act = (): Reply => {
    const caller = authorize(req, ctx, 'POST /2/media/upload');
    if ('problem' in caller) return problemReply(caller.problem, caller.headers);
    const headers = caller.limit.headers;
    if ('problem' in request) return problemReply(request.problem, headers);
    const {
      media_type: mediaType,
      total_bytes: totalBytes,
      media_category: category,
    } = request.body;
    if (typeof mediaType !== 'string' || !(mediaType in VIDEO_TYPES || mediaType in IMAGE_TYPES)) {
      return problemReply(
        xErrors.invalid(
          'The `media_type` field is required and must be a supported type.',
          'media_type',
        ),
        headers,
      );
    }
    if (typeof totalBytes !== 'number' || !Number.isInteger(totalBytes) || totalBytes < 1) {
      return problemReply(
        xErrors.invalid('The `total_bytes` field must be a positive integer.', 'total_bytes'),
        headers,
      );
    }
    const kind = mediaType in VIDEO_TYPES ? 'video' : 'image';
    const cat =
      typeof category === 'string'
        ? category
        : kind === 'video'
          ? 'tweet_video'
          : mediaType === 'image/gif'
            ? 'tweet_gif'
            : 'tweet_image';
    const max = CATEGORY_MAX_BYTES[cat];
    if (max === undefined) {
      return problemReply(
        xErrors.invalid('Unknown media_category.', 'media_category', cat),
        headers,
      );
    }
    if (totalBytes > max) {
      return problemReply(xErrors.badMedia(`File size exceeds ${max} bytes.`), headers);
    }
    const session = newSession(ctx, caller.userId, mediaType, cat, totalBytes, kind);
    return json(
      200,
      {
        data: {
          id: session.id,
          media_key: mediaKey(session),
          expires_after_secs: EXPIRES_AFTER_SECS,
        },
      },
      headers,
    );
  };
  await replyUnderFault(req, res, fault, act, injectedProblem, ctx.closing);
}

/** The caller's own upload session named in the path, or the problem to answer. */
function sessionFor(ctx: SandboxContext, userId: string, id: string) {
  const session = xState(ctx.store).uploads.get(id);
  if (!session || session.ownerId !== userId) {
    return xErrors.invalid(`Media id ${id} was not found.`, 'id', id);
  }
  return session;
}

/** `POST /2/media/upload/{id}/append`: one chunk, multipart `media` and `segment_index`. */
export async function append(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: SandboxContext,
  id: string,
) {
  const form = await readForm(req);
  const fault = ctx.store.takeFault('x', 'publish');
  const act = async (): Promise<Reply> => {
    const caller = authorize(req, ctx, 'POST /2/media/upload');
    if ('problem' in caller) return problemReply(caller.problem, caller.headers);
    const headers = caller.limit.headers;
    if (isProblem(form)) return problemReply(form, headers);
    const session = sessionFor(ctx, caller.userId, id);
    if (isProblem(session)) return problemReply(session, headers);
    if (session.finalized) {
      return problemReply(xErrors.invalid('This upload has already been finalized.'), headers);
    }
    const index = Number(formText(form, 'segment_index') ?? Number.NaN);
    if (!Number.isInteger(index) || index < 0 || index > MAX_SEGMENT_INDEX) {
      return problemReply(
        xErrors.invalid('`segment_index` must be an integer from 0 to 999.', 'segment_index'),
        headers,
      );
    }
    const media = form.get('media');
    if (!(media instanceof Blob)) {
      return problemReply(xErrors.invalid('The `media` field is required.', 'media'), headers);
    }
    if (media.size > MAX_SEGMENT_BYTES) {
      return problemReply(xErrors.badMedia('A segment must be at most 5 MB.'), headers);
    }
    // Sending a segment again replaces it, so a retried APPEND does no harm.
    session.segments.set(index, Buffer.from(await media.arrayBuffer()));
    return json(
      200,
      { data: { expires_at: Math.floor(Date.now() / 1000) + EXPIRES_AFTER_SECS } },
      headers,
    );
  };
  await replyUnderFault(req, res, fault, act, injectedProblem, ctx.closing);
}

const processingInfo = (session: UploadSession, checkAfterSecs: number) => {
  if (session.ready) return { state: 'succeeded', progress_percent: 100 };
  if (session.failure) {
    return {
      state: 'failed',
      progress_percent: 100,
      error: { code: 1, name: 'InvalidMedia', message: session.failure },
    };
  }
  return {
    state: session.polls === 0 ? 'pending' : 'in_progress',
    check_after_secs: checkAfterSecs,
    progress_percent: Math.min(99, session.polls * 25),
  };
};

/** `POST /2/media/upload/{id}/finalize`. Finalizing again answers the same (the sandbox's choice). */
export async function finalize(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: SandboxContext,
  id: string,
) {
  await readRawIgnored(req);
  const fault = ctx.store.takeFault('x', 'publish');
  const act = (): Reply => {
    const caller = authorize(req, ctx, 'POST /2/media/upload');
    if ('problem' in caller) return problemReply(caller.problem, caller.headers);
    const headers = caller.limit.headers;
    const session = sessionFor(ctx, caller.userId, id);
    if (isProblem(session)) return problemReply(session, headers);
    const settings = ctx.platformSettings.x;
    if (!session.finalized) {
      const indexes = [...session.segments.keys()].sort((a, b) => a - b);
      if (indexes.some((index, i) => index !== i)) {
        return problemReply(
          xErrors.badMedia('Segments are missing: upload every segment_index from 0.'),
          headers,
        );
      }
      const bytes = Buffer.concat(indexes.map((i) => session.segments.get(i)!));
      if (bytes.length !== session.totalBytes) {
        return problemReply(
          xErrors.badMedia(
            `File size mismatch: received ${bytes.length} bytes, expected total_bytes ${session.totalBytes}.`,
          ),
          headers,
        );
      }
      session.bytes = bytes;
      session.segments.clear();
      session.finalized = true;
      const types = session.kind === 'video' ? VIDEO_TYPES : IMAGE_TYPES;
      if (!types[session.mediaType]?.(bytes)) session.failure = 'Unsupported video format';
      else if (session.kind === 'image') session.ready = true;
      else if (settings.processingPolls === 0) session.ready = true;
    }
    const info = session.kind === 'video' ? processingInfo(session, settings.checkAfterSecs) : null;
    return json(
      200,
      {
        data: {
          id: session.id,
          media_key: mediaKey(session),
          size: session.totalBytes,
          expires_after_secs: EXPIRES_AFTER_SECS,
          ...(info && info.state !== 'succeeded' ? { processing_info: info } : {}),
        },
      },
      headers,
    );
  };
  await replyUnderFault(req, res, fault, act, injectedProblem, ctx.closing);
}

async function readRawIgnored(req: IncomingMessage) {
  for await (const _ of req as AsyncIterable<Buffer>) {
    // FINALIZE takes no body; whatever comes is read and dropped.
  }
}

/** `GET /2/media/upload?command=STATUS&media_id=…`. */
export async function status(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: SandboxContext,
) {
  const fault = ctx.store.takeFault('x', 'read');
  const act = (): Reply => {
    const caller = authorize(req, ctx, 'GET /2/media/upload');
    if ('problem' in caller) return problemReply(caller.problem, caller.headers);
    const headers = caller.limit.headers;
    if (url.searchParams.get('command') !== 'STATUS') {
      return problemReply(xErrors.invalid('`command` must be STATUS.', 'command'), headers);
    }
    const id = url.searchParams.get('media_id') ?? '';
    if (!/^\d{1,19}$/.test(id)) {
      return problemReply(
        xErrors.invalid('`media_id` must be a media id.', 'media_id', id),
        headers,
      );
    }
    const session = sessionFor(ctx, caller.userId, id);
    if (isProblem(session)) return problemReply(session, headers);
    const settings = ctx.platformSettings.x;
    if (session.finalized && !session.ready && !session.failure) {
      session.polls += 1;
      if (session.polls > settings.processingPolls) session.ready = true;
    }
    return json(
      200,
      {
        data: {
          id: session.id,
          media_key: mediaKey(session),
          size: session.totalBytes,
          expires_after_secs: EXPIRES_AFTER_SECS,
          processing_info: processingInfo(session, settings.checkAfterSecs),
        },
      },
      headers,
    );
  };
  await replyUnderFault(req, res, fault, act, injectedProblem, ctx.closing);
}

const RANGE = /^bytes=(\d*)-(\d*)$/;

/** A kept file, with single byte ranges (browsers ask for them before playing a video). */
export function serveMedia(
  req: IncomingMessage,
  res: ServerResponse,
  id: string,
  ctx: SandboxContext,
) {
  const media = ctx.store.findMedia('x', id);
  const bytes = ctx.store.mediaBytes('x', id);
  if (!media || !bytes) return send(res, text(404, 'Not found'));
  const range = RANGE.exec(req.headers.range ?? '');
  let body = bytes;
  const headers: Record<string, string | number> = {
    'content-type': media.contentType,
    'accept-ranges': 'bytes',
  };
  let code = 200;
  if (range && (range[1] || range[2])) {
    const start = range[1] ? Number(range[1]) : Math.max(0, bytes.length - Number(range[2]));
    const end =
      range[1] && range[2] ? Math.min(Number(range[2]), bytes.length - 1) : bytes.length - 1;
    if (start > end || start >= bytes.length) {
      res.writeHead(416, { 'content-range': `bytes */${bytes.length}` }).end();
      return;
    }
    body = bytes.subarray(start, end + 1);
    code = 206;
    headers['content-range'] = `bytes ${start}-${end}/${bytes.length}`;
  }
  headers['content-length'] = body.length;
  res.writeHead(code, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}
