// TikTok's Display API, as Herald reads it (developers.tiktok.com "Get User Info", "List Videos",
// "Query Videos", "Video Object"): `GET /v2/user/info/?fields=…`, `POST /v2/video/list/?fields=…`
// (`{cursor, max_count}`, newest first) and `POST /v2/video/query/?fields=…`
// (`{filters:{video_ids}}`). Each field needs a scope; video.list reads public videos only.
// Engagement counts are made up but deterministic: they follow from the video's id and its age
// on the sandbox's clock, and only ever grow.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { replyUnderFault } from '../../faults.ts';
import { escapeHtml, layout, mediaPath } from '../../html.ts';
import { html, send, text, type Reply } from '../../http.ts';
import type { SandboxContext } from '../../router.ts';
import { errorReply, injectedError, okReply, tiktokErrors } from './errors.ts';
import { identify, isError, readJson, withScope, type Caller } from './request.ts';
import {
  creatorOf,
  nowOf,
  tiktokState,
  withinRateLimit,
  type TikTokState,
  type Video,
} from './state.ts';

/** The scope each user field needs ("Get User Info", User Object). */
const USER_FIELD_SCOPES: Record<string, string> = {
  open_id: 'user.info.basic',
  union_id: 'user.info.basic',
  avatar_url: 'user.info.basic',
  avatar_url_100: 'user.info.basic',
  avatar_large_url: 'user.info.basic',
  display_name: 'user.info.basic',
  bio_description: 'user.info.profile',
  profile_deep_link: 'user.info.profile',
  is_verified: 'user.info.profile',
  username: 'user.info.profile',
  follower_count: 'user.info.stats',
  following_count: 'user.info.stats',
  likes_count: 'user.info.stats',
  video_count: 'user.info.stats',
};

const VIDEO_FIELDS = new Set([
  'id',
  'create_time',
  'cover_image_url',
  'share_url',
  'video_description',
  'duration',
  'height',
  'width',
  'title',
  'embed_html',
  'embed_link',
  'like_count',
  'comment_count',
  'share_count',
  'view_count',
]);
/** The Video Object's video_description holds at most 150 characters. */
const DESCRIPTION_MAX = 150;
const MAX_PAGE = 20;

/** The `fields` query parameter, or TikTok's invalid_params. */
function fieldsOf(url: URL, known: ReadonlySet<string>) {
  const fields = (url.searchParams.get('fields') ?? '').split(',').filter(Boolean);
  if (fields.length === 0) return tiktokErrors.invalid('fields is required.');
  const unknown = fields.find((f) => !known.has(f));
  if (unknown) return tiktokErrors.invalid(`The field ${unknown} is not valid.`);
  return fields;
}

/** `GET /v2/user/info/?fields=…`. */
export async function userInfo(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: SandboxContext,
) {
  const caller = identify(req, ctx);
  const fault = ctx.store.takeFault('tiktok', 'read', isError(caller) ? undefined : caller.openId);
  const act = (): Reply => {
    if (isError(caller)) return errorReply(caller);
    const state = tiktokState(ctx.store);
    if (!withinRateLimit(state, caller.token, 'user/info')) {
      return errorReply(tiktokErrors.rateLimited());
    }
    const fields = fieldsOf(url, new Set(Object.keys(USER_FIELD_SCOPES)));
    if (!Array.isArray(fields)) return errorReply(fields);
    const missing = fields.filter((f) => !caller.scopes.includes(USER_FIELD_SCOPES[f]!));
    if (missing.length > 0) return errorReply(tiktokErrors.scopePermissionMissed(missing));
    const creator = creatorOf(state, caller.openId);
    const videos = [...state.videos.values()].filter((v) => v.openId === caller.openId);
    const values: Record<string, unknown> = {
      open_id: creator.openId,
      union_id: createHash('sha256').update(`union:${creator.openId}`).digest('hex').slice(0, 32),
      avatar_url: `${ctx.publicUrl}/tiktok/avatars/${encodeURIComponent(creator.openId)}.png`,
      avatar_url_100: `${ctx.publicUrl}/tiktok/avatars/${encodeURIComponent(creator.openId)}.png`,
      avatar_large_url: `${ctx.publicUrl}/tiktok/avatars/${encodeURIComponent(creator.openId)}.png`,
      display_name: creator.nickname,
      bio_description: '',
      profile_deep_link: `${ctx.publicUrl}/tiktok/@${encodeURIComponent(creator.username)}`,
      is_verified: false,
      username: creator.username,
      follower_count: 0,
      following_count: 0,
      likes_count: 0,
      video_count: videos.length,
    };
    return okReply({ user: Object.fromEntries(fields.map((f) => [f, values[f]])) });
  };
  await replyUnderFault(req, res, fault, act, injectedError, ctx.closing);
}

/** The videos video.list may read: the caller's own, except private (SELF_ONLY) ones. */
const readable = (state: TikTokState, caller: Caller) =>
  [...state.videos.values()].filter(
    (v) => v.openId === caller.openId && v.privacyLevel !== 'SELF_ONLY',
  );

/** `POST /v2/video/list/?fields=…` with `{"cursor"?, "max_count"?}`. */
export async function listVideos(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: SandboxContext,
) {
  const request = await readJson(req, true);
  const caller = withScope(identify(req, ctx), 'video.list');
  const fault = ctx.store.takeFault('tiktok', 'read', isError(caller) ? undefined : caller.openId);
  const act = (): Reply => {
    if (isError(caller)) return errorReply(caller);
    const state = tiktokState(ctx.store);
    if (!withinRateLimit(state, caller.token, 'video/list')) {
      return errorReply(tiktokErrors.rateLimited());
    }
    if ('error' in request) return errorReply(request.error);
    const fields = fieldsOf(url, VIDEO_FIELDS);
    if (!Array.isArray(fields)) return errorReply(fields);
    const { cursor, max_count: maxCount = 10 } = request.body;
    if (
      typeof maxCount !== 'number' ||
      !Number.isInteger(maxCount) ||
      maxCount < 1 ||
      maxCount > MAX_PAGE
    ) {
      return errorReply(tiktokErrors.invalid('max_count must be an integer from 1 to 20.'));
    }
    if (
      cursor !== undefined &&
      (typeof cursor !== 'number' || !Number.isInteger(cursor) || cursor < 0)
    ) {
      return errorReply(
        tiktokErrors.invalid('cursor must be a UTC Unix timestamp in milliseconds.'),
      );
    }
    const before = cursor ?? Number.MAX_SAFE_INTEGER;
    const all = readable(state, caller)
      .filter((v) => v.createdAt < before)
      .sort((a, b) => b.createdAt - a.createdAt);
    const page = all.slice(0, maxCount);
    return okReply({
      videos: page.map((v) => videoFields(ctx, state, v, fields)),
      cursor: page.at(-1)?.createdAt ?? before,
      has_more: all.length > page.length,
    });
  };
  await replyUnderFault(req, res, fault, act, injectedError, ctx.closing);
}

/** `POST /v2/video/query/?fields=…` with `{"filters":{"video_ids":[…]}}` (1 to 20 ids). */
export async function queryVideos(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: SandboxContext,
) {
  const request = await readJson(req);
  const caller = withScope(identify(req, ctx), 'video.list');
  const fault = ctx.store.takeFault('tiktok', 'read', isError(caller) ? undefined : caller.openId);
  const act = (): Reply => {
    if (isError(caller)) return errorReply(caller);
    const state = tiktokState(ctx.store);
    if (!withinRateLimit(state, caller.token, 'video/query')) {
      return errorReply(tiktokErrors.rateLimited());
    }
    if ('error' in request) return errorReply(request.error);
    const fields = fieldsOf(url, VIDEO_FIELDS);
    if (!Array.isArray(fields)) return errorReply(fields);
    const filters = request.body.filters as { video_ids?: unknown } | undefined;
    const ids = filters?.video_ids;
    if (
      !Array.isArray(ids) ||
      ids.length < 1 ||
      ids.length > MAX_PAGE ||
      !ids.every((id) => typeof id === 'string' && id !== '')
    ) {
      return errorReply(
        tiktokErrors.invalid('filters.video_ids must list 1 to 20 video ids (strings).'),
      );
    }
    const videos = readable(state, caller).filter((v) => ids.includes(v.id));
    return okReply({ videos: videos.map((v) => videoFields(ctx, state, v, fields)) });
  };
  await replyUnderFault(req, res, fault, act, injectedError, ctx.closing);
}

/** Likes, comments, shares and views of `video` at the sandbox's now. */
export function engagement(video: Video, now: number) {
  const hash = createHash('sha256').update(video.id).digest();
  const unit = (i: number) => hash.readUInt16BE(i * 2) / 65_536;
  const minutes = Math.max(0, (now - video.createdAt) / 60_000);
  const views = Math.floor((20 + unit(0) * 80) * Math.log2(1 + minutes) * 10);
  const likes = Math.floor(views * (0.04 + unit(1) * 0.06));
  return {
    view_count: views,
    like_count: likes,
    comment_count: Math.floor(likes * (0.05 + unit(2) * 0.1)),
    share_count: Math.floor(likes * (0.02 + unit(3) * 0.08)),
  };
}

const shareUrl = (ctx: SandboxContext, state: TikTokState, video: Video) =>
  `${ctx.publicUrl}/tiktok/@${encodeURIComponent(creatorOf(state, video.openId).username)}/video/${video.id}`;

function videoFields(
  ctx: SandboxContext,
  state: TikTokState,
  video: Video,
  fields: readonly string[],
) {
  const url = shareUrl(ctx, state, video);
  const values: Record<string, unknown> = {
    id: video.id,
    create_time: Math.floor(video.createdAt / 1000),
    cover_image_url: `${ctx.publicUrl}/tiktok/avatars/${encodeURIComponent(video.openId)}.png`,
    share_url: url,
    video_description: [...video.title].slice(0, DESCRIPTION_MAX).join(''),
    duration: video.durationSec,
    height: 1920,
    width: 1080,
    title: '',
    embed_html: `<blockquote class="tiktok-embed" cite="${escapeHtml(url)}"></blockquote>`,
    embed_link: url,
    ...engagement(video, nowOf(state)),
  };
  return Object.fromEntries(fields.map((f) => [f, values[f]]));
}

/** `/tiktok/@{username}/video/{id}` (TikTok's own link shape) and `/tiktok/posts/{id}`. */
export function videoPage(ctx: SandboxContext, id: string): Reply {
  const state = tiktokState(ctx.store);
  const video = state.videos.get(id);
  const post = ctx.store.findPost('tiktok', id);
  if (!video || !post) {
    return html(
      404,
      layout('Video not found', '<h1>Video not found</h1><p><a href="/">All posts</a></p>'),
    );
  }
  const creator = creatorOf(state, video.openId);
  const media = (post.media ?? [])
    .map(
      ({ id: mediaId }) =>
        `<video controls preload="metadata" src="${escapeHtml(mediaPath(post, mediaId))}"></video>`,
    )
    .join('\n');
  const counts = engagement(video, nowOf(state));
  return html(
    200,
    layout(
      `TikTok video ${id}`,
      `<p><a href="/">All posts</a></p>
<h1>${escapeHtml(creator.nickname)} <span class="muted">@${escapeHtml(creator.username)}</span></h1>
<p class="muted">Video ${escapeHtml(id)} · ${escapeHtml(video.privacyLevel)} · <time datetime="${escapeHtml(post.createdAt)}">${escapeHtml(post.createdAt)}</time></p>
<div class="message">${escapeHtml(post.message)}</div>
${media ? `<div class="media">\n${media}\n</div>\n` : ''}<p class="muted">${counts.view_count} views · ${counts.like_count} likes · ${counts.comment_count} comments · ${counts.share_count} shares</p>`,
    ),
  );
}

/** A 1×1 PNG standing in for avatars and covers. */
const PIXEL = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

export function avatar(res: ServerResponse) {
  res.writeHead(200, { 'content-type': 'image/png', 'content-length': PIXEL.length });
  res.end(PIXEL);
}

const RANGE = /^bytes=(\d*)-(\d*)$/;

/** A kept video, with single byte ranges (browsers ask for them before playing). */
export function serveMedia(
  req: IncomingMessage,
  res: ServerResponse,
  id: string,
  ctx: SandboxContext,
) {
  const media = ctx.store.findMedia('tiktok', id);
  const bytes = ctx.store.mediaBytes('tiktok', id);
  if (!media || !bytes) return send(res, text(404, 'Not found'));
  const range = RANGE.exec(req.headers.range ?? '');
  const headers: Record<string, string | number> = {
    'content-type': media.contentType,
    'accept-ranges': 'bytes',
  };
  let body = bytes;
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
