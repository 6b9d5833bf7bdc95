// Facebook Graph API, as much as Herald uses: publish to a Page feed (text, link, or photos
// named in attached_media), publish photos and videos (./media.ts), read a post back, and list
// a Page's feed (newest first, `since`/`until` in Unix seconds, cursor paging). Mounted under
// /facebook, so `{sandbox}/facebook` stands in for https://graph.facebook.com (and for
// graph-video.facebook.com, where the real API takes videos).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { replyUnderFault } from '../../faults.ts';
import { escapeHtml, layout, mediaPath, postPath } from '../../html.ts';
import { html, json, send, type Reply } from '../../http.ts';
import type { PlatformRoutes, SandboxContext } from '../../router.ts';
import type { RecordedPost } from '../../store.ts';
import { graphErrorReply, graphErrors, injectedGraphError } from './errors.ts';
import { attachedMedia, publishPhoto, publishVideo, serveMedia } from './media.ts';
import { engagementRoute, serveEngagement } from './metrics.ts';
import { authenticate, isGraphError, pageRefusal, readGraphRequest } from './request.ts';
import { accessToken, confirm, dialog, meAccounts } from './oauth.ts';

const VERSION = /^v\d+\.\d+$/;
/** `{page}_{post}`, or a video's own id (the sandbox files video posts under it). */
const POST_ID = /^\d+(?:_\d+)?$/;

export const facebook: PlatformRoutes = {
  prefix: '/facebook',
  async handle(req, res, url, path, ctx) {
    const segments = path.split('/').filter(Boolean);
    if (req.method === 'GET' && segments[0] === 'posts' && segments.length === 2) {
      return send(res, postPage(ctx, segments[1]!));
    }
    if ((req.method === 'GET' || req.method === 'HEAD') && segments[0] === 'media') {
      if (segments.length === 2) return serveMedia(req, res, segments[1]!, ctx);
    }
    const [version, node, ...edges] = segments;
    if (!version || !VERSION.test(version) || !node) {
      return send(res, graphErrorReply(graphErrors.unknownPath(`/${segments.join('/')}`)));
    }
    // Facebook Login (oauth.ts): the dialog (www.facebook.com in production), the token
    // exchange and the granted Pages.
    if (req.method === 'GET' && node === 'dialog' && edges[0] === 'oauth') {
      if (edges.length === 1) return send(res, dialog(url));
      if (edges.length === 2 && edges[1] === 'confirm') return send(res, confirm(url, ctx));
    }
    if (req.method === 'GET' && node === 'oauth' && edges.join('/') === 'access_token') {
      return accessToken(req, res, url, ctx);
    }
    if (req.method === 'GET' && node === 'me' && edges.join('/') === 'accounts') {
      return meAccounts(req, res, url, ctx);
    }
    if (req.method === 'POST' && edges.length === 1 && edges[0] === 'feed') {
      return publish(req, res, url, node, ctx);
    }
    if (req.method === 'POST' && edges.length === 1 && edges[0] === 'photos') {
      return publishPhoto(req, res, url, node, ctx);
    }
    if (req.method === 'POST' && edges.length === 1 && edges[0] === 'videos') {
      return publishVideo(req, res, url, node, ctx);
    }
    // A post's reactions, comments and shares, and its insights (./metrics.ts).
    const engagement = engagementRoute(req, url, node, edges);
    if (engagement) return serveEngagement(engagement, req, res, url, node, ctx);
    if (req.method === 'GET' && edges.length === 1 && edges[0] === 'feed') {
      return listFeed(req, res, url, node, ctx);
    }
    if (req.method === 'GET' && edges.length === 0) return read(req, res, url, node, ctx);
    const error = edges.length
      ? graphErrors.unknownPath(`/${edges.join('/')}`)
      : graphErrors.unsupported(req.method ?? 'GET', node);
    send(res, graphErrorReply(error));
  },
};

async function publish(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  pageId: string,
  ctx: SandboxContext,
): Promise<void> {
  const request = await readGraphRequest(req, url);
  const fault = ctx.store.takeFault('facebook', 'publish', pageId);
  const act = (): Reply => {
    if (isGraphError(request)) return graphErrorReply(request);
    const refused = pageRefusal(request.token, pageId, 'post', ctx.store);
    if (refused) return graphErrorReply(refused);
    const { message, link } = request.params;
    const photos = attachedMedia(request.params, pageId, ctx.store);
    if (isGraphError(photos)) return graphErrorReply(photos);
    if (!message && !link && photos.length === 0) {
      return graphErrorReply(graphErrors.missingMessage());
    }
    if (link !== undefined && !isWebUrl(link)) return graphErrorReply(graphErrors.badLink());
    // `published=false` (unpublished page posts) is accepted and ignored: Herald never sends it.
    const post: RecordedPost = {
      platform: 'facebook',
      accountId: pageId,
      id: `${pageId}_${ctx.store.nextNumericId()}`,
      message: message ?? '',
      ...(link ? { link } : {}),
      ...(photos.length ? { media: photos.map((id) => ({ id, kind: 'image' as const })) } : {}),
      createdAt: new Date().toISOString(),
    };
    ctx.store.recordPost(post);
    ctx.store.attachMedia('facebook', photos, post.id);
    return json(200, { id: post.id });
  };
  await replyUnderFault(req, res, fault, act, injectedGraphError, ctx.closing);
}

const POST_FIELDS = ['id', 'message', 'created_time', 'permalink_url', 'link'] as const;
type PostField = (typeof POST_FIELDS)[number];
const isPostField = (field: string): field is PostField => POST_FIELDS.includes(field as PostField);

async function read(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  node: string,
  ctx: SandboxContext,
): Promise<void> {
  const request = await readGraphRequest(req, url);
  const fault = ctx.store.takeFault('facebook', 'read');
  const act = (): Reply => {
    if (isGraphError(request)) return graphErrorReply(request);
    const auth = authenticate(request.token, ctx.store);
    if (isGraphError(auth)) return graphErrorReply(auth);
    const post = POST_ID.test(node) ? ctx.store.findPost('facebook', node) : undefined;
    if (!post) return graphErrorReply(graphErrors.unsupported('get', node));
    if (auth.pageId !== post.accountId) return graphErrorReply(graphErrors.invalidToken());
    // Graph's default fields for a post when none are asked for.
    const fields = request.params.fields
      ?.split(',')
      .map((f) => f.trim())
      .filter(Boolean) ?? ['created_time', 'message'];
    const unknown = fields.find((f) => !isPostField(f));
    if (unknown) return graphErrorReply(graphErrors.nonexistingField(unknown));
    // Graph always answers with the id.
    return json(200, { ...postFields(ctx, post, fields), id: post.id });
  };
  await replyUnderFault(req, res, fault, act, injectedGraphError, ctx.closing);
}

const MAX_FEED_LIMIT = 100;
const DEFAULT_FEED_LIMIT = 25;

async function listFeed(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  pageId: string,
  ctx: SandboxContext,
): Promise<void> {
  const request = await readGraphRequest(req, url);
  const fault = ctx.store.takeFault('facebook', 'read');
  const act = (): Reply => {
    if (isGraphError(request)) return graphErrorReply(request);
    const refused = pageRefusal(request.token, pageId, 'get', ctx.store);
    if (refused) return graphErrorReply(refused);
    const { since, until, limit, after, fields } = request.params;
    const from = unixSeconds(since);
    const to = unixSeconds(until);
    if (from === null) return graphErrorReply(graphErrors.invalidParameter('since'));
    if (to === null) return graphErrorReply(graphErrors.invalidParameter('until'));
    const size = limit === undefined ? DEFAULT_FEED_LIMIT : Number(limit);
    if (!Number.isInteger(size) || size < 1) {
      return graphErrorReply(graphErrors.invalidParameter('limit'));
    }
    const wanted = fields
      ?.split(',')
      .map((f) => f.trim())
      .filter(Boolean) ?? ['created_time', 'message'];
    const unknown = wanted.find((f) => !isPostField(f));
    if (unknown) return graphErrorReply(graphErrors.nonexistingField(unknown));

    const posts = ctx.store
      .posts()
      .filter((post) => post.platform === 'facebook' && post.accountId === pageId)
      .filter((post) => {
        const at = Date.parse(post.createdAt) / 1000;
        return (from === undefined || at >= from) && (to === undefined || at <= to);
      })
      .reverse();
    const start = after === undefined ? 0 : decodeCursor(after);
    if (start === null) return graphErrorReply(graphErrors.invalidParameter('after'));
    const page = posts.slice(start, start + Math.min(size, MAX_FEED_LIMIT));
    const data = page.map((post) => ({ ...postFields(ctx, post, wanted), id: post.id }));
    const end = start + page.length;
    const paging =
      page.length === 0
        ? undefined
        : {
            cursors: { before: encodeCursor(start), after: encodeCursor(end) },
            ...(end < posts.length
              ? { next: nextPageUrl(ctx, url, request.params, encodeCursor(end)) }
              : {}),
          };
    return json(200, paging ? { data, paging } : { data });
  };
  await replyUnderFault(req, res, fault, act, injectedGraphError, ctx.closing);
}

function postFields(ctx: SandboxContext, post: RecordedPost, fields: readonly string[]) {
  const values: Record<PostField, string | undefined> = {
    id: post.id,
    message: post.message || undefined,
    created_time: graphTime(post.createdAt),
    permalink_url: `${ctx.publicUrl}${postPath(post)}`,
    link: post.link,
  };
  // Graph leaves out fields the object has no value for.
  return Object.fromEntries(fields.map((f) => [f, values[f as PostField]]));
}

/** Graph takes Unix seconds (or strtotime text; the sandbox accepts ISO 8601 for that). */
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

/** The next page's URL, as Graph gives it: the same query with `after` (and the token). */
function nextPageUrl(
  ctx: SandboxContext,
  url: URL,
  params: Record<string, string>,
  after: string,
): string {
  const next = new URL(url.pathname, ctx.publicUrl);
  for (const [key, value] of Object.entries(params)) next.searchParams.set(key, value);
  next.searchParams.set('after', after);
  return next.toString();
}

function postPage(ctx: SandboxContext, id: string): Reply {
  const post = ctx.store.findPost('facebook', id);
  if (!post) {
    return html(
      404,
      layout('Post not found', `<h1>Post not found</h1><p><a href="/">All posts</a></p>`),
    );
  }
  const link = post.link
    ? `<p><a href="${escapeHtml(post.link)}" rel="nofollow">${escapeHtml(post.link)}</a></p>`
    : '';
  const title = post.title ? `<h2>${escapeHtml(post.title)}</h2>\n` : '';
  const media = (post.media ?? [])
    .map(({ id, kind }, i) => {
      const src = escapeHtml(mediaPath(post, id));
      return kind === 'video'
        ? `<video controls preload="metadata" src="${src}"></video>`
        : `<img src="${src}" alt="Photo ${i + 1} of ${post.media!.length}">`;
    })
    .join('\n');
  return html(
    200,
    layout(
      `Facebook post ${post.id}`,
      `<p><a href="/">All posts</a></p>
<h1>Facebook Page ${escapeHtml(post.accountId)}</h1>
<p class="muted">Post ${escapeHtml(post.id)} · <time datetime="${escapeHtml(post.createdAt)}">${escapeHtml(post.createdAt)}</time></p>
${title}<div class="message">${escapeHtml(post.message)}</div>
${link}${media ? `<div class="media">\n${media}\n</div>` : ''}`,
    ),
  );
}

/** Graph's timestamp format: 2024-05-01T12:00:00+0000. */
const graphTime = (iso: string) => `${iso.slice(0, 19)}+0000`;

function isWebUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}
