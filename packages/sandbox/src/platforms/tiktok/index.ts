// TikTok, as much as Herald uses, mounted under /tiktok: open.tiktokapis.com's v2 API (Content
// Posting API Direct Post in ./publish.ts, the Display API in ./display.ts, OAuth tokens in
// ./oauth.ts) and www.tiktok.com's consent page (`/v2/auth/authorize/`). Paths keep TikTok's
// trailing slashes. Sandbox-only: `GET|POST /tiktok/__sandbox/settings` (processing and
// moderation polls, an unaudited client, the daily post cap, verified URL prefixes, the clock,
// per-creator overrides), `/tiktok/@{username}/video/{id}` and `/tiktok/posts/{id}` (the
// video's page), `/tiktok/media/{id}` (its file).
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { json, readBody, send, type Reply } from '../../http.ts';
import type { PlatformRoutes, SandboxContext } from '../../router.ts';
import { avatar, listVideos, queryVideos, serveMedia, userInfo, videoPage } from './display.ts';
import { errorReply, tiktokErrors } from './errors.ts';
import { authorizePage, confirm, revoke, token } from './oauth.ts';
import { creatorInfo, fetchStatus, initVideo, uploadChunk } from './publish.ts';
import { PRIVACY_LEVELS, tiktokState } from './state.ts';

export { SANDBOX_CREATORS } from './state.ts';
export { tiktokRefreshToken } from './oauth.ts';

export const tiktok: PlatformRoutes = {
  prefix: '/tiktok',
  async handle(req, res, url, path, ctx) {
    // TikTok answers its paths with or without the trailing slash; the docs write it.
    const route = `${req.method} ${path.replace(/\/?$/, '/')}`;
    switch (route) {
      case 'POST /v2/post/publish/creator_info/query/':
        return creatorInfo(req, res, ctx);
      case 'POST /v2/post/publish/video/init/':
        return initVideo(req, res, ctx);
      case 'POST /v2/post/publish/status/fetch/':
        return fetchStatus(req, res, ctx);
      case 'PUT /upload/video/':
        return uploadChunk(req, res, url, ctx);
      case 'GET /v2/user/info/':
        return userInfo(req, res, url, ctx);
      case 'POST /v2/video/list/':
        return listVideos(req, res, url, ctx);
      case 'POST /v2/video/query/':
        return queryVideos(req, res, url, ctx);
      case 'GET /v2/auth/authorize/':
        return send(res, authorizePage(url, ctx));
      case 'GET /v2/auth/authorize/confirm/':
        return send(res, confirm(url, ctx));
      case 'POST /v2/oauth/token/':
        return token(req, res, ctx);
      case 'POST /v2/oauth/revoke/':
        return revoke(req, res, ctx);
      case 'GET /__sandbox/settings/':
        return send(res, json(200, settingsJson(ctx)));
      case 'POST /__sandbox/settings/':
        return send(res, await changeSettings(req, ctx));
    }
    const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
    const [a, b, c, d] = segments;
    if (req.method === 'GET' && a?.startsWith('@') && b === 'video' && c && !d) {
      return send(res, videoPage(ctx, c));
    }
    if (req.method === 'GET' && a === 'posts' && b && !c) return send(res, videoPage(ctx, b));
    if ((req.method === 'GET' || req.method === 'HEAD') && a === 'media' && b && !c) {
      return serveMedia(req, res, b, ctx);
    }
    if (req.method === 'GET' && a === 'avatars' && b && !c) return avatar(res);
    send(res, errorReply(tiktokErrors.notFound(path)));
  },
};

const CreatorOverride = z.strictObject({
  username: z.string().min(1).optional(),
  nickname: z.string().min(1).optional(),
  privacyLevelOptions: z.array(z.enum(PRIVACY_LEVELS)).optional(),
  commentDisabled: z.boolean().optional(),
  duetDisabled: z.boolean().optional(),
  stitchDisabled: z.boolean().optional(),
  maxVideoPostDurationSec: z.int().min(1).optional(),
});

const Settings = z.strictObject({
  processingPolls: z.int().min(0).max(100).optional(),
  moderationPolls: z.int().min(0).max(100).optional(),
  auditedClient: z.boolean().optional(),
  postsPer24h: z.int().min(1).optional(),
  verifiedUrlPrefixes: z.array(z.url()).optional(),
  /** An ISO instant the sandbox's TikTok takes as now; null goes back to the real clock. */
  now: z.iso.datetime({ offset: true }).nullable().optional(),
  /** Merged into what creator_info answers for these open ids. */
  creators: z.record(z.string(), CreatorOverride).optional(),
});

function settingsJson(ctx: SandboxContext) {
  const { creators, nowMs, ...rest } = tiktokState(ctx.store).settings;
  return {
    settings: {
      ...rest,
      now: nowMs === null ? null : new Date(nowMs).toISOString(),
      creators: Object.fromEntries(creators),
    },
  };
}

async function changeSettings(req: IncomingMessage, ctx: SandboxContext): Promise<Reply> {
  let body: unknown;
  try {
    body = JSON.parse(await readBody(req));
  } catch {
    return json(400, { error: 'Send the settings as a JSON object.' });
  }
  const parsed = Settings.safeParse(body);
  if (!parsed.success) return json(400, { error: z.prettifyError(parsed.error) });
  const { now, creators, ...rest } = parsed.data;
  const { settings } = tiktokState(ctx.store);
  Object.assign(settings, rest);
  if (now !== undefined) settings.nowMs = now === null ? null : Date.parse(now);
  for (const [openId, override] of Object.entries(creators ?? {})) {
    settings.creators.set(openId, { ...settings.creators.get(openId), ...override });
  }
  return json(200, settingsJson(ctx));
}
