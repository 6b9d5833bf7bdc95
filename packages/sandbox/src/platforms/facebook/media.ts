// Photos and videos on a Page, as Graph takes them by URL: `POST /{page-id}/photos` (a photo
// post, or with published=false a photo kept for a multi-photo post's `attached_media`) and
// `POST /{page-id}/videos` (served on graph-video.facebook.com by the real API). The files
// fetched are kept and served at /facebook/media/{id}, so the post pages can show them.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { replyUnderFault } from '../../faults.ts';
import { json, text, send, type Reply } from '../../http.ts';
import { fetchRemoteMedia, signatures, type MediaSpec } from '../../remote-media.ts';
import type { SandboxContext } from '../../router.ts';
import type { RecordedMedia, RecordedPost, SandboxStore } from '../../store.ts';
import { graphErrorReply, graphErrors, injectedGraphError, type GraphError } from './errors.ts';
import { isGraphError, pageRefusal, readGraphRequest } from './request.ts';

const MB = 1024 * 1024;

/** Page photos: JPEG, PNG, GIF or WebP, at most 10 MB. */
export const PHOTO_SPEC: MediaSpec = {
  types: {
    'image/jpeg': signatures.jpeg,
    'image/png': signatures.png,
    'image/gif': signatures.gif,
    'image/webp': signatures.webp,
  },
  maxBytes: 10 * MB,
};

/** Page videos by `file_url`: MP4, QuickTime or WebM, at most 1 GB. */
export const VIDEO_SPEC: MediaSpec = {
  types: {
    'video/mp4': signatures.mp4,
    'video/quicktime': signatures.quicktime,
    'video/webm': signatures.webm,
  },
  maxBytes: 1024 * MB,
};

/** Graph booleans arrive as text: `false` or `0` (a JSON body's false becomes "false"). */
const isFalse = (value: string | undefined) => value === 'false' || value === '0';

export async function publishPhoto(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  pageId: string,
  ctx: SandboxContext,
): Promise<void> {
  const request = await readGraphRequest(req, url);
  const fault = ctx.store.takeFault('facebook', 'publish', pageId);
  const act = async (): Promise<Reply> => {
    if (isGraphError(request)) return graphErrorReply(request);
    const refused = pageRefusal(request.token, pageId, 'post', ctx.store);
    if (refused) return graphErrorReply(refused);
    const { url: fileUrl, caption, published } = request.params;
    // The sandbox reads no multipart bodies, so a `source` upload lands here too.
    if (!fileUrl) return graphErrorReply(graphErrors.requiresUploadFile());
    const fetched = await fetchRemoteMedia(
      fileUrl,
      PHOTO_SPEC,
      ctx.closing,
      ctx.mediaFetchTimeoutMs,
    );
    if (!fetched.ok) {
      return graphErrorReply(
        fetched.problem === 'unreachable'
          ? graphErrors.unfetchablePhotoUrl()
          : graphErrors.invalidImage(),
      );
    }
    const photo: RecordedMedia = {
      platform: 'facebook',
      accountId: pageId,
      id: ctx.store.nextNumericId(),
      kind: 'image',
      contentType: fetched.contentType,
      sizeBytes: fetched.bytes.length,
      postId: null,
      createdAt: new Date().toISOString(),
    };
    if (isFalse(published)) {
      // Kept off the feed until a feed post names it in attached_media.
      ctx.store.recordMedia(photo, fetched.bytes);
      return json(200, { id: photo.id });
    }
    const post: RecordedPost = {
      platform: 'facebook',
      accountId: pageId,
      id: `${pageId}_${ctx.store.nextNumericId()}`,
      message: caption ?? '',
      media: [{ id: photo.id, kind: 'image' }],
      createdAt: photo.createdAt,
    };
    ctx.store.recordMedia({ ...photo, postId: post.id }, fetched.bytes);
    ctx.store.recordPost(post);
    return json(200, { id: photo.id, post_id: post.id });
  };
  await replyUnderFault(req, res, fault, act, injectedGraphError, ctx.closing);
}

export async function publishVideo(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  pageId: string,
  ctx: SandboxContext,
): Promise<void> {
  const request = await readGraphRequest(req, url);
  const fault = ctx.store.takeFault('facebook', 'publish', pageId);
  const act = async (): Promise<Reply> => {
    if (isGraphError(request)) return graphErrorReply(request);
    const refused = pageRefusal(request.token, pageId, 'post', ctx.store);
    if (refused) return graphErrorReply(refused);
    const { file_url: fileUrl, description, title } = request.params;
    // Resumable uploads (upload_phase, multipart `source`) are not emulated.
    if (!fileUrl) return graphErrorReply(graphErrors.requiredParameter('file_url'));
    const fetched = await fetchRemoteMedia(
      fileUrl,
      VIDEO_SPEC,
      ctx.closing,
      ctx.mediaFetchTimeoutMs,
    );
    if (!fetched.ok) {
      const error: Record<typeof fetched.problem, () => GraphError> = {
        unreachable: graphErrors.unfetchableVideoUrl,
        status: graphErrors.unfetchableVideoUrl,
        type: graphErrors.unsupportedVideo,
        signature: graphErrors.unsupportedVideo,
        too_large: graphErrors.videoUploadProblem,
      };
      return graphErrorReply(error[fetched.problem]());
    }
    // Facebook lists a Page's videos in its feed; the sandbox files the post under the video's
    // id, the only id Graph answers with, so links built from it open the post.
    const id = ctx.store.nextNumericId();
    const createdAt = new Date().toISOString();
    ctx.store.recordMedia(
      {
        platform: 'facebook',
        accountId: pageId,
        id,
        kind: 'video',
        contentType: fetched.contentType,
        sizeBytes: fetched.bytes.length,
        postId: id,
        createdAt,
      },
      fetched.bytes,
    );
    ctx.store.recordPost({
      platform: 'facebook',
      accountId: pageId,
      id,
      message: description ?? '',
      ...(title ? { title } : {}),
      media: [{ id, kind: 'video' }],
      createdAt,
    });
    return json(200, { id });
  };
  await replyUnderFault(req, res, fault, act, injectedGraphError, ctx.closing);
}

const ATTACHED_KEY = /^attached_media\[(\d+)\]$/;

/**
 * The photos a feed post names in `attached_media`, in order: as form fields
 * `attached_media[0]={"media_fbid":"…"}`, `attached_media[1]=…`, or as a JSON array. Each must
 * be an unpublished photo of this Page, named once. Empty when the post names none.
 */
export function attachedMedia(
  params: Record<string, string>,
  pageId: string,
  store: SandboxStore,
): string[] | GraphError {
  let values: unknown[];
  if (params.attached_media !== undefined) {
    const parsed = parseJson(params.attached_media);
    if (!Array.isArray(parsed)) return graphErrors.attachedMediaNotArray();
    values = parsed;
  } else {
    values = Object.entries(params)
      .flatMap(([key, value]) => {
        const index = ATTACHED_KEY.exec(key)?.[1];
        return index === undefined ? [] : [{ index: Number(index), value: parseJson(value) }];
      })
      .sort((a, b) => a.index - b.index)
      .map(({ value }) => value);
  }
  const ids: string[] = [];
  for (const [index, value] of values.entries()) {
    const fbid = mediaFbid(value);
    const photo = fbid === undefined ? undefined : store.findMedia('facebook', fbid);
    const usable =
      photo?.kind === 'image' &&
      photo.accountId === pageId &&
      photo.postId === null &&
      !ids.includes(photo.id);
    if (!photo || !usable) return graphErrors.invalidAttachedMedia(index);
    ids.push(photo.id);
  }
  return ids;
}

function mediaFbid(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || !('media_fbid' in value)) return undefined;
  const fbid = value.media_fbid;
  return typeof fbid === 'string' || typeof fbid === 'number' ? String(fbid) : undefined;
}

function parseJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

const RANGE = /^bytes=(\d*)-(\d*)$/;

/**
 * A kept file with its content type and length, and single byte ranges (browsers ask for
 * ranges before they play a video).
 */
export function serveMedia(
  req: IncomingMessage,
  res: ServerResponse,
  id: string,
  ctx: SandboxContext,
): void {
  const media = ctx.store.findMedia('facebook', id);
  const bytes = ctx.store.mediaBytes('facebook', id);
  if (!media || !bytes) return send(res, text(404, 'Not found'));
  const headers: Record<string, string | number> = {
    'content-type': media.contentType,
    'accept-ranges': 'bytes',
  };
  const range = RANGE.exec(req.headers.range ?? '');
  let body = bytes;
  let status = 200;
  if (req.headers.range !== undefined && range && (range[1] || range[2])) {
    const size = bytes.length;
    // `bytes=-N` is the last N bytes; `bytes=N-` runs to the end.
    const start = range[1] ? Number(range[1]) : Math.max(0, size - Number(range[2]));
    const end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
    if (start > end || start >= size) {
      res.writeHead(416, { 'content-range': `bytes */${size}` });
      res.end();
      return;
    }
    body = bytes.subarray(start, end + 1);
    status = 206;
    headers['content-range'] = `bytes ${start}-${end}/${size}`;
  }
  headers['content-length'] = body.length;
  res.writeHead(status, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}
