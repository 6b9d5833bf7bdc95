// X API v2, as much as Herald uses: create a post (`POST /2/tweets`: text, media ids, a reply
// for threads), list a user's posts (`GET /2/users/{id}/tweets` with start_time/end_time and
// pagination), the signed-in user (`GET /2/users/me`), upload media (./media.ts), and OAuth 2.0
// (./oauth.ts: the consent page x.com serves at /i/oauth2/authorize, the token and revoke
// endpoints). Every answer to an authenticated call carries x-rate-limit-* headers; posts are
// capped per user per 15 minutes. Mounted under /x, standing in for https://api.x.com (and for
// https://x.com's consent page).
// Sandbox-only: `GET /x/posts/{id}` is the post's page and `/x/media/{id}` its files; the
// settings (processing polls, check_after_secs, the post cap) are state.ts's XSettings.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { replyUnderFault } from '../../faults.ts';
import { escapeHtml, layout, mediaPath } from '../../html.ts';
import { html, json, send, type Reply } from '../../http.ts';
import type { PlatformRoutes, SandboxContext } from '../../router.ts';
import { injectedProblem, problemReply, xErrors } from './errors.ts';
import { append, finalize, initialize, serveMedia, status, uploadOneShot } from './media.ts';
import { lookupRoute, lookupTweet } from './metrics.ts';
import {
  authorizePage,
  authorizeSubmit,
  revokeEndpoint,
  sandboxXUser,
  tokenEndpoint,
} from './oauth.ts';
import { authorize, readJson } from './request.ts';
import { xState, type XState, type XTweet } from './state.ts';
import { MAX_WEIGHTED_LENGTH, renderedText, weightedLength } from './text.ts';

export const x: PlatformRoutes = {
  prefix: '/x',
  async handle(req, res, url, path, ctx) {
    const route = `${req.method} ${path}`;
    const segments = path.split('/').filter(Boolean);
    if (route === 'POST /2/tweets') return createTweet(req, res, ctx);
    if (route === 'POST /2/media/upload') return uploadOneShot(req, res, ctx);
    if (route === 'GET /2/media/upload') return status(req, res, url, ctx);
    if (route === 'POST /2/media/upload/initialize') return initialize(req, res, ctx);
    if (route === 'POST /2/oauth2/token') return tokenEndpoint(req, res, ctx);
    if (route === 'POST /2/oauth2/revoke') return revokeEndpoint(req, res, ctx);
    if (route === 'GET /i/oauth2/authorize') return send(res, authorizePage(url));
    if (route === 'POST /i/oauth2/authorize') return send(res, await authorizeSubmit(req, ctx));
    if (route === 'GET /2/users/me') return usersMe(req, res, ctx);
    const [a, b, c, d, e] = segments;
    if (
      req.method === 'POST' &&
      a === '2' &&
      b === 'media' &&
      c === 'upload' &&
      d &&
      !segments[5]
    ) {
      if (e === 'append') return append(req, res, ctx, d);
      if (e === 'finalize') return finalize(req, res, ctx, d);
    }
    if (req.method === 'GET' && a === '2' && b === 'users' && c && d === 'tweets' && !e) {
      return listTweets(req, res, url, c, ctx);
    }
    // One post by id, with its public metrics (./metrics.ts).
    const lookup = lookupRoute(req, segments);
    if (lookup) return lookupTweet(req, res, url, lookup, ctx);
    if (req.method === 'GET' && a === 'posts' && b && !c) return send(res, postPage(ctx, b));
    if ((req.method === 'GET' || req.method === 'HEAD') && a === 'media' && b && !c) {
      return serveMedia(req, res, b, ctx);
    }
    send(res, problemReply(xErrors.notFound(path)));
  },
};

const TweetBody = z.object({
  text: z.string().optional(),
  media: z.object({ media_ids: z.array(z.string()) }).optional(),
  reply: z.object({ in_reply_to_tweet_id: z.string() }).optional(),
});

const MAX_MEDIA = 4;

async function createTweet(req: IncomingMessage, res: ServerResponse, ctx: SandboxContext) {
  const request = await readJson(req);
  const fault = ctx.store.takeFault('x', 'publish');
  const act = (): Reply => {
    const caller = authorize(req, ctx, 'POST /2/tweets');
    if ('problem' in caller) return problemReply(caller.problem, caller.headers);
    const headers = caller.limit.headers;
    const fail = (problem: Parameters<typeof problemReply>[0]) => problemReply(problem, headers);
    if ('problem' in request) return fail(request.problem);
    const parsed = TweetBody.safeParse(request.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return fail(
        xErrors.invalid(`${issue.path.join('.')}: ${issue.message}`, issue.path.join('.')),
      );
    }
    const { text = '', media, reply } = parsed.data;
    const state = xState(ctx.store);
    const mediaIds = media?.media_ids ?? [];
    if (!text && mediaIds.length === 0) {
      return fail(xErrors.invalid('You must provide text or media for the post.', 'text'));
    }
    if (weightedLength(text) > MAX_WEIGHTED_LENGTH) return fail(xErrors.textTooLong());
    if (media && (mediaIds.length < 1 || mediaIds.length > MAX_MEDIA)) {
      return fail(xErrors.invalid('media.media_ids must name 1 to 4 media.', 'media.media_ids'));
    }
    const uploads = [];
    for (const id of mediaIds) {
      const upload = state.uploads.get(id);
      if (!upload || upload.ownerId !== caller.userId || !upload.ready) {
        return fail(xErrors.mediaNotUsable(id));
      }
      uploads.push(upload);
    }
    if (uploads.some((u) => u.kind === 'video') && uploads.length > 1) {
      return fail(
        xErrors.invalid('A post takes up to 4 images or 1 video, not both.', 'media.media_ids'),
      );
    }
    let parent: XTweet | undefined;
    if (reply) {
      parent = state.tweets.get(reply.in_reply_to_tweet_id);
      if (!parent) return fail(xErrors.replyTargetGone());
    }
    if (text && isDuplicate(state, caller.userId, text)) return fail(xErrors.duplicate());

    const id = ctx.store.nextNumericId();
    const createdAt = new Date().toISOString();
    const tweet: XTweet = {
      id,
      authorId: caller.userId,
      text: renderedText(text, uploads.length > 0, () => tcoLink()),
      sentText: text,
      ...(parent ? { inReplyTo: parent.id } : {}),
      conversationId: parent?.conversationId ?? id,
      mediaIds,
      createdAt,
    };
    state.tweets.set(id, tweet);
    for (const upload of uploads) {
      ctx.store.recordMedia(
        {
          platform: 'x',
          accountId: caller.userId,
          id: upload.id,
          kind: upload.kind,
          contentType: upload.mediaType,
          sizeBytes: upload.bytes?.length ?? 0,
          postId: id,
          createdAt,
        },
        upload.bytes ?? Buffer.alloc(0),
      );
    }
    ctx.store.recordPost({
      platform: 'x',
      accountId: caller.userId,
      id,
      message: text,
      ...(uploads.length ? { media: uploads.map((u) => ({ id: u.id, kind: u.kind })) } : {}),
      createdAt,
    });
    return json(201, { data: { id, text: tweet.text, edit_history_tweet_ids: [id] } }, headers);
  };
  await replyUnderFault(req, res, fault, act, injectedProblem, ctx.closing);
}

/** X refuses a post whose text matches one of the user's recent posts (sandbox: the last 24 h). */
function isDuplicate(state: XState, userId: string, text: string): boolean {
  const since = Date.now() - 24 * 3600_000;
  return [...state.tweets.values()].some(
    (t) => t.authorId === userId && t.sentText === text && Date.parse(t.createdAt) >= since,
  );
}

const TCO = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
function tcoLink(): string {
  let slug = '';
  for (let i = 0; i < 10; i += 1) slug += TCO[Math.floor(Math.random() * TCO.length)];
  return `https://t.co/${slug}`;
}

const TWEET_FIELDS = new Set([
  'id',
  'text',
  'created_at',
  'author_id',
  'conversation_id',
  'in_reply_to_user_id',
  'referenced_tweets',
  'attachments',
  'edit_history_tweet_ids',
]);
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/** `GET /2/users/me`: the user the token speaks for (id, name, username by default). */
async function usersMe(req: IncomingMessage, res: ServerResponse, ctx: SandboxContext) {
  const fault = ctx.store.takeFault('x', 'read');
  const act = (): Reply => {
    const caller = authorize(req, ctx, 'GET /2/users/me');
    if ('problem' in caller) return problemReply(caller.problem, caller.headers);
    return json(200, { data: sandboxXUser(caller.userId) }, caller.limit.headers);
  };
  await replyUnderFault(req, res, fault, act, injectedProblem, ctx.closing);
}

async function listTweets(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  userId: string,
  ctx: SandboxContext,
) {
  const fault = ctx.store.takeFault('x', 'read');
  const act = (): Reply => {
    const caller = authorize(req, ctx, 'GET /2/users/:id/tweets');
    if ('problem' in caller) return problemReply(caller.problem, caller.headers);
    const headers = caller.limit.headers;
    const fail = (problem: Parameters<typeof problemReply>[0]) => problemReply(problem, headers);
    const q = url.searchParams;
    if (!/^\d{1,19}$/.test(userId)) {
      return fail(
        xErrors.invalid(`The \`id\` query parameter value [${userId}] is not valid`, 'id', userId),
      );
    }
    const maxResults = q.has('max_results') ? Number(q.get('max_results')) : 10;
    if (!Number.isInteger(maxResults) || maxResults < 5 || maxResults > 100) {
      return fail(
        xErrors.invalid(
          `The \`max_results\` query parameter value [${q.get('max_results')}] is not between 5 and 100`,
          'max_results',
          q.get('max_results') ?? '',
        ),
      );
    }
    const times: Record<'start_time' | 'end_time', number | undefined> = {
      start_time: undefined,
      end_time: undefined,
    };
    for (const name of ['start_time', 'end_time'] as const) {
      const value = q.get(name);
      if (value === null) continue;
      if (!RFC3339.test(value) || Number.isNaN(Date.parse(value))) {
        return fail(
          xErrors.invalid(
            `Invalid '${name}':'${value}'. '${name}' must be a minimum of 10 seconds prior to the request time and be a valid RFC3339 date.`,
            name,
            value,
          ),
        );
      }
      times[name] = Date.parse(value);
    }
    const fields = (q.get('tweet.fields') ?? '').split(',').filter(Boolean);
    const unknown = fields.find((f) => !TWEET_FIELDS.has(f));
    if (unknown) {
      return fail(
        xErrors.invalid(
          `The \`tweet.fields\` query parameter value [${unknown}] is not one of [${[...TWEET_FIELDS].join(',')}]`,
          'tweet.fields',
          unknown,
        ),
      );
    }
    const state = xState(ctx.store);
    const all = [...state.tweets.values()]
      .filter((t) => t.authorId === userId)
      .filter((t) => {
        const at = Date.parse(t.createdAt);
        return (
          (times.start_time === undefined || at >= times.start_time) &&
          (times.end_time === undefined || at <= times.end_time)
        );
      })
      .reverse();
    const token = q.get('pagination_token');
    const start = token === null ? 0 : decodeToken(token);
    if (start === null) {
      return fail(
        xErrors.invalid(
          'The `pagination_token` query parameter value is not valid.',
          'pagination_token',
        ),
      );
    }
    const page = all.slice(start, start + maxResults);
    const end = start + page.length;
    const meta = {
      result_count: page.length,
      ...(page.length ? { newest_id: page[0]!.id, oldest_id: page.at(-1)!.id } : {}),
      ...(end < all.length ? { next_token: encodeToken(end) } : {}),
    };
    if (page.length === 0) return json(200, { meta }, headers);
    return json(200, { data: page.map((t) => tweetFields(state, t, fields)), meta }, headers);
  };
  await replyUnderFault(req, res, fault, act, injectedProblem, ctx.closing);
}

function tweetFields(state: XState, tweet: XTweet, fields: readonly string[]) {
  const parent = tweet.inReplyTo ? state.tweets.get(tweet.inReplyTo) : undefined;
  const values: Record<string, unknown> = {
    created_at: tweet.createdAt,
    author_id: tweet.authorId,
    conversation_id: tweet.conversationId,
    in_reply_to_user_id: parent?.authorId,
    referenced_tweets: parent ? [{ type: 'replied_to', id: parent.id }] : undefined,
    attachments: tweet.mediaIds.length ? { media_keys: tweet.mediaIds } : undefined,
    edit_history_tweet_ids: [tweet.id],
  };
  // X always answers id, text and edit_history_tweet_ids; the rest when asked for and present.
  const out: Record<string, unknown> = {
    id: tweet.id,
    text: tweet.text,
    edit_history_tweet_ids: [tweet.id],
  };
  for (const field of fields) if (values[field] !== undefined) out[field] = values[field];
  return out;
}

const encodeToken = (index: number) => Buffer.from(`i:${index}`).toString('base64url');
function decodeToken(token: string): number | null {
  const match = /^i:(\d+)$/.exec(Buffer.from(token, 'base64url').toString());
  return match ? Number(match[1]) : null;
}

function postPage(ctx: SandboxContext, id: string): Reply {
  const post = ctx.store.findPost('x', id);
  const tweet = xState(ctx.store).tweets.get(id);
  if (!post || !tweet) {
    return html(
      404,
      layout('Post not found', `<h1>Post not found</h1><p><a href="/">All posts</a></p>`),
    );
  }
  const replyTo = tweet.inReplyTo
    ? `<p class="muted">Replying to <a href="/x/posts/${escapeHtml(tweet.inReplyTo)}">post ${escapeHtml(tweet.inReplyTo)}</a></p>\n`
    : '';
  const replies = [...xState(ctx.store).tweets.values()]
    .filter((t) => t.inReplyTo === id)
    .map(
      (t) =>
        `<p><a href="/x/posts/${escapeHtml(t.id)}">Next in thread: post ${escapeHtml(t.id)}</a></p>`,
    )
    .join('\n');
  const media = (post.media ?? [])
    .map(({ id: mediaId, kind }, i) => {
      const src = escapeHtml(mediaPath(post, mediaId));
      return kind === 'video'
        ? `<video controls preload="metadata" src="${src}"></video>`
        : `<img src="${src}" alt="Image ${i + 1} of ${post.media!.length}">`;
    })
    .join('\n');
  return html(
    200,
    layout(
      `X post ${post.id}`,
      `<p><a href="/">All posts</a></p>
<h1>X user ${escapeHtml(post.accountId)}</h1>
<p class="muted">Post ${escapeHtml(post.id)} · <time datetime="${escapeHtml(post.createdAt)}">${escapeHtml(post.createdAt)}</time></p>
${replyTo}<div class="message">${escapeHtml(post.message)}</div>
${media ? `<div class="media">\n${media}\n</div>\n` : ''}${replies}`,
    ),
  );
}
