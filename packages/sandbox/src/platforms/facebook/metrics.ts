// A Page post's engagement, as Graph gives it: the post node's `reactions` and `comments` edges
// with `.summary(total_count)` (and `.limit(0)` for no items), its `shares` field (`{"count"}`,
// left out while nobody has shared it), and Page Post Insights
// (`GET /{post-id}/insights?metric=post_media_view`, lifetime values). Graph's `post_impressions`
// family was deprecated for all versions in November 2025 in favour of views, so asking for it
// gets Graph's invalid-metric error here too. Numbers come from ../../engagement.ts at the
// sandbox's clock.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { engagementAt } from '../../engagement.ts';
import { replyUnderFault } from '../../faults.ts';
import { json, type Reply } from '../../http.ts';
import type { SandboxContext } from '../../router.ts';
import type { RecordedPost } from '../../store.ts';
import { graphErrorReply, graphErrors, injectedGraphError, type GraphError } from './errors.ts';
import { authenticate, isGraphError, readGraphRequest } from './request.ts';

/** The fields a post read answers besides its own (index.ts); an edge with modifiers is one. */
const ENGAGEMENT_FIELDS = new Set(['reactions', 'comments', 'shares']);
const PLAIN_FIELDS = new Set(['id', 'created_time', 'message']);

/** True when a post read asks for engagement: this module answers it instead of index.ts. */
export function wantsEngagement(url: URL): boolean {
  const fields = url.searchParams.get('fields');
  return fields !== null && splitFields(fields).some((f) => ENGAGEMENT_FIELDS.has(f.name));
}

interface FieldRequest {
  name: string;
  /** `limit(0)` → limit: '0'; `summary(total_count)` → summary: 'total_count'. */
  modifiers: Record<string, string>;
}

/** Graph's field syntax, as far as Herald uses it: `a,b.limit(0).summary(total_count)`. */
function splitFields(fields: string): FieldRequest[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of fields) {
    if (char === '(') depth += 1;
    if (char === ')') depth -= 1;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [name, ...rest] = part.split('.');
      const modifiers: Record<string, string> = {};
      for (const modifier of rest) {
        const match = /^(\w+)\(([^)]*)\)$/.exec(modifier);
        modifiers[match?.[1] ?? modifier] = match?.[2] ?? '';
      }
      return { name: name!, modifiers };
    });
}

/** The post node, read by its Page's token, or Graph's refusal. */
function ownPost(
  token: string | undefined,
  node: string,
  ctx: SandboxContext,
): RecordedPost | GraphError {
  const auth = authenticate(token, ctx.store);
  if (isGraphError(auth)) return auth;
  const post = ctx.store.findPost('facebook', node);
  if (!post) return graphErrors.unsupported('get', node);
  if (auth.pageId !== post.accountId) return graphErrors.invalidToken();
  return post;
}

/** The Page a post belongs to, so a fault aimed at one account hits its reads only. */
const pageOf = (node: string, ctx: SandboxContext) =>
  ctx.store.findPost('facebook', node)?.accountId ?? node.split('_')[0];

const isPost = (value: RecordedPost | GraphError): value is RecordedPost => 'platform' in value;

/** `GET /{post-id}?fields=reactions.limit(0).summary(total_count),comments…,shares`. */
export async function readEngagement(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  node: string,
  ctx: SandboxContext,
): Promise<void> {
  const request = await readGraphRequest(req, url);
  const fault = ctx.store.takeFault('facebook', 'read', pageOf(node, ctx));
  const act = (): Reply => {
    if (isGraphError(request)) return graphErrorReply(request);
    const post = ownPost(request.token, node, ctx);
    if (!isPost(post)) return graphErrorReply(post);
    const fields = splitFields(request.params.fields ?? '');
    const unknown = fields.find((f) => !ENGAGEMENT_FIELDS.has(f.name) && !PLAIN_FIELDS.has(f.name));
    if (unknown) return graphErrorReply(graphErrors.nonexistingField(unknown.name));
    const now = engagementAt(`facebook:${post.id}`, post.createdAt, ctx.now());
    const body: Record<string, unknown> = {};
    for (const { name, modifiers } of fields) {
      if (name === 'shares') {
        // Graph leaves `shares` out of a post nobody has shared.
        if (now.shares > 0) body.shares = { count: now.shares };
      } else if (name === 'reactions' || name === 'comments') {
        const total = name === 'reactions' ? now.likes : now.comments;
        const summary =
          modifiers.summary === undefined || modifiers.summary === 'false'
            ? undefined
            : name === 'reactions'
              ? { total_count: total, viewer_reaction: 'NONE' }
              : { order: 'ranked', total_count: total, can_comment: true };
        // The sandbox keeps no individual reactions or comments: the lists are always empty.
        body[name] = { data: [], ...(summary ? { summary } : {}) };
      } else if (name === 'id') {
        body.id = post.id;
      } else if (name === 'created_time') {
        body.created_time = `${post.createdAt.slice(0, 19)}+0000`;
      } else if (name === 'message' && post.message) {
        body.message = post.message;
      }
    }
    return json(200, { ...body, id: post.id });
  };
  await replyUnderFault(req, res, fault, act, injectedGraphError, ctx.closing);
}

/** Lifetime Page Post Insights the sandbox knows, with Graph's titles. */
const POST_METRICS: Record<string, { title: string; description: string }> = {
  post_media_view: {
    title: 'Lifetime Post Media Views',
    description: 'Lifetime: The number of times your post was on screen.',
  },
  post_total_media_view_unique: {
    title: 'Lifetime Post Total Media Views Unique',
    description: 'Lifetime: The number of people who saw your post at least once.',
  },
  post_video_views: {
    title: 'Lifetime Post Total Video Views',
    description: 'Lifetime: The number of times your video played for at least 3 seconds.',
  },
};

/** `GET /{post-id}/insights?metric=a,b` (period lifetime; `metric` may be a JSON array too). */
export async function readPostInsights(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  node: string,
  ctx: SandboxContext,
): Promise<void> {
  const request = await readGraphRequest(req, url);
  const fault = ctx.store.takeFault('facebook', 'read', pageOf(node, ctx));
  const act = (): Reply => {
    if (isGraphError(request)) return graphErrorReply(request);
    const post = ownPost(request.token, node, ctx);
    if (!isPost(post)) return graphErrorReply(post);
    const metrics = metricList(request.params.metric);
    if (metrics.length === 0) return graphErrorReply(noMetric());
    const unknown = metrics.find((m) => !POST_METRICS[m]);
    if (unknown) return graphErrorReply(invalidMetric());
    const period = request.params.period ?? 'lifetime';
    if (period !== 'lifetime') return graphErrorReply(graphErrors.invalidParameter('period'));
    const now = engagementAt(`facebook:${post.id}`, post.createdAt, ctx.now());
    const isVideo = post.media?.some((m) => m.kind === 'video') ?? false;
    const values: Record<string, number> = {
      post_media_view: now.impressions,
      post_total_media_view_unique: now.reach,
      post_video_views: isVideo ? now.views : 0,
    };
    return json(200, {
      data: metrics.map((name) => ({
        name,
        period: 'lifetime',
        values: [{ value: values[name] }],
        ...POST_METRICS[name],
        id: `${post.id}/insights/${name}/lifetime`,
      })),
    });
  };
  await replyUnderFault(req, res, fault, act, injectedGraphError, ctx.closing);
}

function metricList(raw: string | undefined): string[] {
  if (!raw) return [];
  if (raw.startsWith('[')) {
    try {
      const list: unknown = JSON.parse(raw);
      return Array.isArray(list) ? list.map(String) : [];
    } catch {
      return [];
    }
  }
  return raw
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean);
}

/** Graph's answer to an insights read without `metric` (Page Insights reference). */
const noMetric = (): GraphError => ({
  status: 400,
  code: 3001,
  subcode: 1504028,
  type: 'OAuthException',
  message: 'Invalid query',
  userTitle: 'No Metric Specified',
  userMsg:
    'No metric was specified to be fetched. Please specify one or more metrics to be fetched and try again.',
  isTransient: false,
});

/** A metric Graph does not have (or has deprecated, as `post_impressions`). */
const invalidMetric = (): GraphError => ({
  status: 400,
  code: 100,
  type: 'OAuthException',
  message: '(#100) The value must be a valid insights metric',
});

/** Route entries for index.ts: the engagement read and the insights edge. */
export function engagementRoute(
  req: IncomingMessage,
  url: URL,
  node: string,
  edges: readonly string[],
): 'engagement' | 'insights' | null {
  if (req.method !== 'GET') return null;
  if (edges.length === 0 && wantsEngagement(url)) return 'engagement';
  if (edges.length === 1 && edges[0] === 'insights' && /^\d+(?:_\d+)?$/.test(node)) {
    return 'insights';
  }
  return null;
}

export function serveEngagement(
  route: 'engagement' | 'insights',
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  node: string,
  ctx: SandboxContext,
): Promise<void> {
  return route === 'engagement'
    ? readEngagement(req, res, url, node, ctx)
    : readPostInsights(req, res, url, node, ctx);
}
