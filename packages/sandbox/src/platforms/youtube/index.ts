// YouTube Data API v3, as much as Herald uses, mounted under /youtube: the prefix stands in for
// www.googleapis.com (`/upload/youtube/v3/…` and `/youtube/v3/…`) and for Google's OAuth hosts
// (accounts.google.com's `/o/oauth2/v2/auth`, oauth2.googleapis.com's `/token` and `/revoke`).
//   uploads and thumbnails ./upload.ts · reads ./videos.ts · OAuth ./oauth.ts
// Sandbox-only: `POST /youtube/__sandbox/settings` (processing polls, daily quota units, upload
// cap, refresh rotation, duplicate rejection), `POST /youtube/__sandbox/clock` `{"advanceMs"}`
// moves YouTube's clock (metrics, quota days, session and token lifetimes) forward;
// `/youtube/watch?v=…`, `/youtube/shorts/…` and `/youtube/posts/…` show a video, and
// `/youtube/media/…` serves its file and thumbnail.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { escapeHtml, layout } from '../../html.ts';
import { html, json, send, text, type Reply } from '../../http.ts';
import type { PlatformRoutes, SandboxContext } from '../../router.ts';
import { googleErrorReply, youtubeErrors } from './errors.ts';
import { authorizePage, confirmConsent, revoke, token } from './oauth.ts';
import { readRaw } from './request.ts';
import { statistics } from './resources.ts';
import { channelOf, youtubeState } from './state.ts';
import { putUpload, setThumbnail, startUpload } from './upload.ts';
import { listChannels, listPlaylistItems, listVideos } from './videos.ts';

export const youtube: PlatformRoutes = {
  prefix: '/youtube',
  async handle(req, res, url, path, ctx) {
    switch (`${req.method} ${path}`) {
      case 'GET /o/oauth2/v2/auth':
        return send(res, authorizePage(url));
      case 'GET /o/oauth2/v2/auth/confirm':
        return send(res, confirmConsent(url, ctx));
      case 'POST /token':
        return token(req, res, ctx);
      case 'POST /revoke':
        return revoke(req, res, url, ctx);
      case 'POST /upload/youtube/v3/videos':
        return startUpload(req, res, url, ctx);
      case 'PUT /upload/youtube/v3/videos':
        return putUpload(req, res, url, ctx);
      case 'POST /upload/youtube/v3/thumbnails/set':
        return setThumbnail(req, res, url, ctx);
      case 'GET /youtube/v3/videos':
        return listVideos(req, res, url, ctx);
      case 'GET /youtube/v3/channels':
        return listChannels(req, res, url, ctx);
      case 'GET /youtube/v3/playlistItems':
        return listPlaylistItems(req, res, url, ctx);
      case 'GET /watch':
        return send(res, videoPage(ctx, url.searchParams.get('v') ?? ''));
      case 'POST /__sandbox/settings':
        return send(res, await changeSettings(req, ctx));
      case 'POST /__sandbox/clock':
        return send(res, await moveClock(req, ctx));
    }
    const [a, b, c] = path.split('/').filter(Boolean);
    if (req.method === 'GET' && (a === 'shorts' || a === 'posts') && b && !c) {
      return send(res, videoPage(ctx, decodeURIComponent(b)));
    }
    if ((req.method === 'GET' || req.method === 'HEAD') && a === 'media' && b && !c) {
      return serveMedia(req, res, decodeURIComponent(b), ctx);
    }
    send(res, googleErrorReply(youtubeErrors.notFound(`${req.method} ${path}`)));
  },
};

const Settings = z.strictObject({
  processingPolls: z.int().min(0).max(100).optional(),
  dailyQuotaUnits: z.int().min(0).optional(),
  uploadsPerChannelPerDay: z.int().min(0).optional(),
  rotateRefreshTokens: z.boolean().optional(),
  rejectDuplicates: z.boolean().optional(),
});

async function readJson(req: IncomingMessage): Promise<unknown> {
  try {
    return JSON.parse((await readRaw(req, 64 * 1024)).toString('utf8'));
  } catch {
    return undefined;
  }
}

async function changeSettings(req: IncomingMessage, ctx: SandboxContext): Promise<Reply> {
  const parsed = Settings.safeParse(await readJson(req));
  if (!parsed.success) return json(400, { error: z.prettifyError(parsed.error) });
  const state = youtubeState(ctx.store);
  Object.assign(state.settings, parsed.data);
  return json(200, { settings: state.settings });
}

const Clock = z.strictObject({ advanceMs: z.int().min(0) });

async function moveClock(req: IncomingMessage, ctx: SandboxContext): Promise<Reply> {
  const parsed = Clock.safeParse(await readJson(req));
  if (!parsed.success) return json(400, { error: z.prettifyError(parsed.error) });
  const state = youtubeState(ctx.store);
  state.clockOffsetMs += parsed.data.advanceMs;
  return json(200, { now: new Date(Date.now() + state.clockOffsetMs).toISOString() });
}

function videoPage(ctx: SandboxContext, id: string): Reply {
  const video = youtubeState(ctx.store).videos.get(id);
  if (!video) {
    return html(
      404,
      layout('Video unavailable', '<h1>Video unavailable</h1><p><a href="/">All posts</a></p>'),
    );
  }
  const status =
    video.pollsLeft > 0
      ? 'processing'
      : video.outcome.uploadStatus === 'processed'
        ? 'processed'
        : `${video.outcome.uploadStatus} (${'failureReason' in video.outcome ? video.outcome.failureReason : video.outcome.rejectionReason})`;
  const stats = statistics(ctx, video);
  const src = `/youtube/media/${encodeURIComponent(video.id)}`;
  const poster = video.customThumbnail ? ` poster="${src}.thumbnail"` : '';
  return html(
    200,
    layout(
      video.snippet.title,
      `<p><a href="/">All posts</a></p>
<h1>${escapeHtml(video.snippet.title)}</h1>
<p class="muted">${escapeHtml(channelOf(video.channelId).title)} · ${escapeHtml(video.privacyStatus)} · ${escapeHtml(status)} · <time datetime="${escapeHtml(video.publishedAt)}">${escapeHtml(video.publishedAt)}</time></p>
<div class="media"><video controls preload="metadata" src="${src}"${poster}></video></div>
<p class="muted">${stats.viewCount} views · ${stats.likeCount} likes · ${stats.commentCount} comments</p>
<div class="message">${escapeHtml(video.snippet.description)}</div>
${video.snippet.tags.length ? `<p class="muted">${video.snippet.tags.map((t) => escapeHtml(`#${t}`)).join(' ')}</p>` : ''}`,
    ),
  );
}

const RANGE = /^bytes=(\d*)-(\d*)$/;

function serveMedia(req: IncomingMessage, res: ServerResponse, id: string, ctx: SandboxContext) {
  const media = ctx.store.findMedia('youtube', id);
  const bytes = ctx.store.mediaBytes('youtube', id);
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
