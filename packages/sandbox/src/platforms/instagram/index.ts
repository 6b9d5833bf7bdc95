// Instagram's Graph API content publishing (Instagram API with Facebook Login), as much as Herald
// uses: containers (./containers.ts), media_publish, a media object's fields (permalink),
// an account's media listing for reconcile, content_publishing_limit, and Facebook Login's token
// calls (`GET /oauth/access_token`: a code, or `grant_type=fb_exchange_token`; `GET
// /me/accounts` with `instagram_business_account`). Mounted under /instagram, so
// `{sandbox}/instagram` stands in for https://graph.facebook.com for Instagram calls.
// Tokens: the sandbox convention `sbx-instagram-<ig user id>-<suffix>` (../../tokens.ts) speaks
// for that account; a user token from the Facebook Login dialog (../facebook/oauth.ts) speaks for
// the Instagram accounts linked to the Pages it was granted, as a real user token does.
// Sandbox-only: the settings (processing polls, the publishing cap) are containers.ts's
// InstagramSettings.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { replyUnderFault } from '../../faults.ts';
import { escapeHtml, layout, mediaPath, postPath } from '../../html.ts';
import { html, json, send, text, type Reply } from '../../http.ts';
import type { PlatformRoutes, SandboxContext } from '../../router.ts';
import type { RecordedPost } from '../../store.ts';
import { checkToken } from '../../tokens.ts';
import {
  graphErrorReply,
  graphErrors,
  injectedGraphError,
  type GraphError,
} from '../facebook/errors.ts';
import {
  accountsReply,
  exchangeToken as exchangeFacebookToken,
  instagramAccountsOf,
  userToken,
} from '../facebook/oauth.ts';
import { isGraphError, readGraphRequest, type GraphRequest } from '../facebook/request.ts';
import { createContainer, instagramState, statusOf, type InstagramState } from './containers.ts';
import { instagramErrors } from './errors.ts';
import { metricsRoute, serveMetrics } from './metrics.ts';

const VERSION = /^v\d+\.\d+$/;
const DAY_MS = 24 * 60 * 60_000;
/** How long an exchanged token lives, as Graph answers it (about 60 days). */
const LONG_LIVED_SECONDS = 60 * 24 * 60 * 60;

export const instagram: PlatformRoutes = {
  prefix: '/instagram',
  async handle(req, res, url, path, ctx) {
    const segments = path.split('/').filter(Boolean);
    if (req.method === 'GET' && segments[0] === 'posts' && segments.length === 2) {
      return send(res, postPage(ctx, segments[1]!));
    }
    if (req.method === 'GET' && segments[0] === 'media' && segments.length === 2) {
      return serveMedia(res, ctx, segments[1]!);
    }
    const [version, node, ...edges] = segments;
    if (!version || !VERSION.test(version) || !node) {
      return send(res, graphErrorReply(graphErrors.unknownPath(`/${segments.join('/')}`)));
    }
    if (req.method === 'GET' && node === 'oauth' && edges.join('/') === 'access_token') {
      return exchangeToken(req, res, url, ctx);
    }
    if (req.method === 'GET' && node === 'me' && edges.join('/') === 'accounts') {
      const request = await readGraphRequest(req, url);
      if (isGraphError(request)) return send(res, graphErrorReply(request));
      return send(res, accountsReply(request, ctx));
    }
    const edge = edges.join('/');
    // A media object's like and comment counts, and its insights (./metrics.ts).
    const metrics = metricsRoute(req, url, edges);
    if (metrics) return serveMetrics(metrics, req, res, url, node, ctx);
    if (req.method === 'POST' && edge === 'media')
      return publishStep(req, res, url, node, ctx, 'create');
    if (req.method === 'POST' && edge === 'media_publish') {
      return publishStep(req, res, url, node, ctx, 'publish');
    }
    if (req.method === 'GET' && edge === 'media') return readStep(req, res, url, node, ctx, 'list');
    if (req.method === 'GET' && edge === 'content_publishing_limit') {
      return readStep(req, res, url, node, ctx, 'limit');
    }
    if (req.method === 'GET' && edges.length === 0)
      return readStep(req, res, url, node, ctx, 'node');
    const error = edges.length
      ? graphErrors.unknownPath(`/${edge}`)
      : graphErrors.unsupported(req.method ?? 'GET', node);
    send(res, graphErrorReply(error));
  },
};

/** The Instagram accounts a token speaks for, or Graph's error for a bad one. */
function authenticate(
  request: GraphRequest,
  ctx: SandboxContext,
): { igUserIds: string[] } | GraphError {
  const check = checkToken('instagram', request.token, ctx.store);
  if (check.ok) return { igUserIds: [check.accountId] };
  switch (check.reason) {
    case 'missing':
      return graphErrors.missingToken();
    case 'revoked':
      return graphErrors.revokedToken(ctx.store.revocation(request.token!)!);
  }
  // A Facebook Login user token: the accounts linked to the Pages it was granted.
  const user = userToken(ctx, request.token);
  if (!user) return graphErrors.invalidToken();
  if (isGraphError(user)) return user;
  return { igUserIds: instagramAccountsOf(user.pageIds) };
}

/** Why a request on an account's edge is refused: a bad token, or another account's. */
function accountRefusal(
  request: GraphRequest,
  igUserId: string,
  method: 'get' | 'post',
  ctx: SandboxContext,
): GraphError | undefined {
  const auth = authenticate(request, ctx);
  if (isGraphError(auth)) return auth;
  if (!auth.igUserIds.includes(igUserId)) return graphErrors.unsupported(method, igUserId);
  return undefined;
}

async function publishStep(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  igUserId: string,
  ctx: SandboxContext,
  step: 'create' | 'publish',
): Promise<void> {
  const request = await readGraphRequest(req, url);
  const fault = ctx.store.takeFault('instagram', 'publish');
  const act = async (): Promise<Reply> => {
    if (isGraphError(request)) return graphErrorReply(request);
    const refused = accountRefusal(request, igUserId, 'post', ctx);
    if (refused) return graphErrorReply(refused);
    if (step === 'create') {
      const container = await createContainer(ctx, igUserId, request.params);
      return isGraphError(container) ? graphErrorReply(container) : json(200, { id: container.id });
    }
    return publishContainer(ctx, igUserId, request.params.creation_id);
  };
  await replyUnderFault(req, res, fault, act, injectedGraphError, ctx.closing);
}

function publishContainer(ctx: SandboxContext, igUserId: string, creationId?: string): Reply {
  const state = instagramState(ctx);
  if (!creationId) return graphErrorReply(graphErrors.requiredParameter('creation_id'));
  const container = state.containers.get(creationId);
  if (!container || container.igUserId !== igUserId || container.isCarouselItem) {
    return graphErrorReply(graphErrors.invalidParameter('creation_id'));
  }
  const { code } = statusOf(state, container, false);
  if (code === 'EXPIRED') return graphErrorReply(instagramErrors.expired());
  if (code !== 'FINISHED') return graphErrorReply(instagramErrors.notReady());
  if (publishedInLastDay(ctx, igUserId) >= ctx.platformSettings.instagram.publishCap) {
    return graphErrorReply(instagramErrors.publishLimit());
  }
  const items =
    container.mediaType === 'CAROUSEL'
      ? container.children.map((id) => state.containers.get(id)!.media!)
      : [container.media!];
  const post: RecordedPost = {
    platform: 'instagram',
    accountId: igUserId,
    id: ctx.store.nextNumericId(),
    message: container.caption,
    media: items.map(({ id, kind }) => ({ id, kind })),
    createdAt: new Date().toISOString(),
  };
  ctx.store.recordPost(post);
  ctx.store.attachMedia(
    'instagram',
    items.map((m) => m.id),
    post.id,
  );
  container.publishedId = post.id;
  for (const id of container.children) state.containers.get(id)!.publishedId = post.id;
  state.published.set(post.id, {
    mediaType:
      container.mediaType === 'CAROUSEL'
        ? 'CAROUSEL'
        : container.media!.kind === 'video'
          ? 'VIDEO'
          : 'IMAGE',
    productType:
      container.mediaType === 'STORIES'
        ? 'STORY'
        : container.mediaType === 'REELS'
          ? 'REELS'
          : 'FEED',
  });
  return json(200, { id: post.id });
}

const publishedInLastDay = (ctx: SandboxContext, igUserId: string) =>
  ctx.store
    .posts()
    .filter(
      (p) =>
        p.platform === 'instagram' &&
        p.accountId === igUserId &&
        Date.now() - Date.parse(p.createdAt) < DAY_MS,
    ).length;

const MEDIA_FIELDS = [
  'id',
  'caption',
  'timestamp',
  'permalink',
  'media_type',
  'media_product_type',
] as const;
const CONTAINER_FIELDS = ['id', 'status_code', 'status'] as const;
const LIMIT_FIELDS = ['quota_usage', 'config'] as const;

const fieldList = (value: string | undefined, defaults: readonly string[]) =>
  value
    ?.split(',')
    .map((f) => f.trim())
    .filter(Boolean) ?? [...defaults];

const nonexistingField = (field: string, nodeType: string): GraphError => ({
  ...graphErrors.nonexistingField(field),
  message: `(#100) Tried accessing nonexisting field (${field}) on node type (${nodeType})`,
});

async function readStep(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  node: string,
  ctx: SandboxContext,
  what: 'node' | 'list' | 'limit',
): Promise<void> {
  const request = await readGraphRequest(req, url);
  const fault = ctx.store.takeFault('instagram', 'read');
  const act = (): Reply => {
    if (isGraphError(request)) return graphErrorReply(request);
    if (what === 'list') return listMedia(ctx, url, node, request);
    if (what === 'limit') return publishingLimit(ctx, node, request);
    return readNode(ctx, node, request);
  };
  await replyUnderFault(req, res, fault, act, injectedGraphError, ctx.closing);
}

function readNode(ctx: SandboxContext, id: string, request: GraphRequest): Reply {
  const auth = authenticate(request, ctx);
  if (isGraphError(auth)) return graphErrorReply(auth);
  const state = instagramState(ctx);
  const container = state.containers.get(id);
  if (container && auth.igUserIds.includes(container.igUserId)) {
    const fields = fieldList(request.params.fields, ['id']);
    const unknown = fields.find((f) => !(CONTAINER_FIELDS as readonly string[]).includes(f));
    if (unknown) return graphErrorReply(nonexistingField(unknown, 'ShadowIGMediaBuilder'));
    const wantsStatus = fields.includes('status_code') || fields.includes('status');
    const status = wantsStatus ? statusOf(state, container, true) : undefined;
    const values: Record<string, string | undefined> = {
      id: container.id,
      status_code: status?.code,
      status: status?.status,
    };
    return json(200, { ...pick(values, fields), id: container.id });
  }
  const post = ctx.store.findPost('instagram', id);
  if (!post || !auth.igUserIds.includes(post.accountId)) {
    return graphErrorReply(graphErrors.unsupported('get', id));
  }
  const fields = fieldList(request.params.fields, ['id']);
  const unknown = fields.find((f) => !(MEDIA_FIELDS as readonly string[]).includes(f));
  if (unknown) return graphErrorReply(nonexistingField(unknown, 'IGMedia'));
  return json(200, { ...mediaFields(ctx, state, post, fields), id: post.id });
}

function mediaFields(
  ctx: SandboxContext,
  state: InstagramState,
  post: RecordedPost,
  fields: readonly string[],
) {
  const kind = state.published.get(post.id);
  const values: Record<string, string | undefined> = {
    id: post.id,
    caption: post.message || undefined,
    timestamp: graphTime(post.createdAt),
    permalink: `${ctx.publicUrl}${postPath(post)}`,
    media_type: kind?.mediaType === 'CAROUSEL' ? 'CAROUSEL_ALBUM' : kind?.mediaType,
    media_product_type: kind?.productType,
  };
  return pick(values, fields);
}

/** Graph leaves out fields without a value. */
function pick(
  values: Record<string, string | undefined>,
  fields: readonly string[],
): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const field of fields) {
    const value = values[field];
    if (value !== undefined) picked[field] = value;
  }
  return picked;
}

const MAX_LIST_LIMIT = 100;
const DEFAULT_LIST_LIMIT = 25;

/** `GET /{ig-user-id}/media`: newest first, `since`/`until` in Unix seconds, cursor paging. */
function listMedia(ctx: SandboxContext, url: URL, igUserId: string, request: GraphRequest): Reply {
  const refused = accountRefusal(request, igUserId, 'get', ctx);
  if (refused) return graphErrorReply(refused);
  const state = instagramState(ctx);
  const { since, until, limit, after } = request.params;
  const from = unixSeconds(since);
  const to = unixSeconds(until);
  if (from === null) return graphErrorReply(graphErrors.invalidParameter('since'));
  if (to === null) return graphErrorReply(graphErrors.invalidParameter('until'));
  const size = limit === undefined ? DEFAULT_LIST_LIMIT : Number(limit);
  if (!Number.isInteger(size) || size < 1) {
    return graphErrorReply(graphErrors.invalidParameter('limit'));
  }
  const fields = fieldList(request.params.fields, ['id']);
  const unknown = fields.find((f) => !(MEDIA_FIELDS as readonly string[]).includes(f));
  if (unknown) return graphErrorReply(nonexistingField(unknown, 'IGMedia'));
  const posts = ctx.store
    .posts()
    .filter((p) => p.platform === 'instagram' && p.accountId === igUserId)
    // Stories are listed on /stories, not /media.
    .filter((p) => state.published.get(p.id)?.productType !== 'STORY')
    .filter((p) => {
      const at = Date.parse(p.createdAt) / 1000;
      return (from === undefined || at >= from) && (to === undefined || at <= to);
    })
    .reverse();
  const start = after === undefined ? 0 : decodeCursor(after);
  if (start === null) return graphErrorReply(graphErrors.invalidParameter('after'));
  const page = posts.slice(start, start + Math.min(size, MAX_LIST_LIMIT));
  const data = page.map((p) => ({ ...mediaFields(ctx, state, p, fields), id: p.id }));
  const end = start + page.length;
  if (page.length === 0) return json(200, { data });
  const next = new URL(url.pathname, ctx.publicUrl);
  for (const [key, value] of Object.entries(request.params)) next.searchParams.set(key, value);
  next.searchParams.set('after', encodeCursor(end));
  return json(200, {
    data,
    paging: {
      cursors: { before: encodeCursor(start), after: encodeCursor(end) },
      ...(end < posts.length ? { next: next.toString() } : {}),
    },
  });
}

function publishingLimit(ctx: SandboxContext, igUserId: string, request: GraphRequest): Reply {
  const refused = accountRefusal(request, igUserId, 'get', ctx);
  if (refused) return graphErrorReply(refused);
  const fields = fieldList(request.params.fields, ['quota_usage']);
  const unknown = fields.find((f) => !(LIMIT_FIELDS as readonly string[]).includes(f));
  if (unknown) return graphErrorReply(nonexistingField(unknown, 'ContentPublishingLimitResponse'));
  const { publishCap } = ctx.platformSettings.instagram;
  const entry: Record<string, unknown> = {};
  if (fields.includes('quota_usage')) entry.quota_usage = publishedInLastDay(ctx, igUserId);
  if (fields.includes('config')) {
    entry.config = { quota_total: publishCap, quota_duration: DAY_MS / 1000 };
  }
  return json(200, { data: [entry] });
}

/**
 * `GET /oauth/access_token`: a convention token (`sbx-instagram-…`) for a fresh long-lived one;
 * anything else is Facebook Login's (a code, or a user token to exchange: ../facebook/oauth.ts).
 */
async function exchangeToken(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: SandboxContext,
): Promise<void> {
  const request = await readGraphRequest(req, url);
  const fault = ctx.store.takeFault('instagram', 'read');
  const act = (): Reply => {
    if (isGraphError(request)) return graphErrorReply(request);
    const { grant_type: grant, client_id: clientId, client_secret: secret } = request.params;
    if (!clientId) return graphErrorReply(instagramErrors.missingClientId());
    if (!secret) return graphErrorReply(instagramErrors.missingClientSecret());
    if (grant !== undefined && grant !== 'fb_exchange_token') {
      return graphErrorReply(instagramErrors.unsupportedGrant());
    }
    const old = request.params.fb_exchange_token;
    if (grant === undefined || (old && !old.startsWith('sbx-instagram-'))) {
      return exchangeFacebookToken(
        request.params,
        ctx,
        ctx.accessTokenTtlSeconds.instagram ?? LONG_LIVED_SECONDS,
      );
    }
    const auth = authenticate({ params: {}, token: old }, ctx);
    if (isGraphError(auth)) return graphErrorReply(auth);
    const token = ctx.store.tokenIssued(
      `sbx-instagram-${auth.igUserIds[0]!}-${randomBytes(6).toString('hex')}`,
    );
    return json(200, { access_token: token, token_type: 'bearer', expires_in: LONG_LIVED_SECONDS });
  };
  await replyUnderFault(req, res, fault, act, injectedGraphError, ctx.closing);
}

/** A file Instagram kept, so the post pages can show it (whole files; no ranges). */
function serveMedia(res: ServerResponse, ctx: SandboxContext, id: string): void {
  const media = ctx.store.findMedia('instagram', id);
  const bytes = ctx.store.mediaBytes('instagram', id);
  if (!media || !bytes) return send(res, text(404, 'Not found'));
  res.writeHead(200, { 'content-type': media.contentType, 'content-length': bytes.length });
  res.end(bytes);
}

function postPage(ctx: SandboxContext, id: string): Reply {
  const post = ctx.store.findPost('instagram', id);
  if (!post) {
    return html(
      404,
      layout('Post not found', `<h1>Post not found</h1><p><a href="/">All posts</a></p>`),
    );
  }
  const kind = instagramState(ctx).published.get(post.id);
  const media = (post.media ?? [])
    .map(({ id: mediaId, kind: fileKind }, i) => {
      const src = escapeHtml(mediaPath(post, mediaId));
      return fileKind === 'video'
        ? `<video controls preload="metadata" src="${src}"></video>`
        : `<img src="${src}" alt="Item ${i + 1} of ${post.media!.length}">`;
    })
    .join('\n');
  const what =
    kind?.productType === 'STORY' ? 'story' : kind?.productType === 'REELS' ? 'reel' : 'post';
  return html(
    200,
    layout(
      `Instagram ${what} ${post.id}`,
      `<p><a href="/">All posts</a></p>
<h1>Instagram account ${escapeHtml(post.accountId)}</h1>
<p class="muted">${escapeHtml(what)} ${escapeHtml(post.id)} · <time datetime="${escapeHtml(post.createdAt)}">${escapeHtml(post.createdAt)}</time></p>
<div class="media">
${media}
</div>
<div class="message">${escapeHtml(post.message)}</div>`,
    ),
  );
}

/** Graph's timestamp format: 2024-05-01T12:00:00+0000. */
const graphTime = (iso: string) => `${iso.slice(0, 19)}+0000`;

function unixSeconds(value: string | undefined): number | undefined | null {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? null : parsed / 1000;
}

const encodeCursor = (index: number) => Buffer.from(`index:${index}`).toString('base64');
function decodeCursor(cursor: string): number | null {
  const match = /^index:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString());
  return match ? Number(match[1]) : null;
}
