// A published media object's engagement, as the Instagram Graph API gives it: the IG Media
// fields `like_count` and `comments_count` (left out for stories, which show neither), and IG
// Media Insights (`GET /{ig-media-id}/insights?metric=…`, lifetime values), whose metrics depend
// on the media product type (Meta's "Instagram Media Insights" reference: FEED and REELS have
// likes, comments, shares, saved, reach, views and total_interactions; STORY has reach, replies,
// shares, views, navigation and total_interactions). `impressions`, `plays` and `video_views`
// are deprecated for every version, so they are refused like any unknown metric. A story's
// insights last 24 hours; after that the data set is empty, as Instagram answers for data it
// no longer has. Numbers come from ../../engagement.ts at the sandbox's clock.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { engagementAt, type Engagement } from '../../engagement.ts';
import { replyUnderFault } from '../../faults.ts';
import { json, type Reply } from '../../http.ts';
import type { SandboxContext } from '../../router.ts';
import type { RecordedPost } from '../../store.ts';
import { checkToken } from '../../tokens.ts';
import {
  graphErrorReply,
  graphErrors,
  injectedGraphError,
  type GraphError,
} from '../facebook/errors.ts';
import { isGraphError, readGraphRequest, type GraphRequest } from '../facebook/request.ts';
import { instagramState } from './containers.ts';

const DAY_MS = 24 * 60 * 60_000;
const COUNT_FIELDS = new Set(['like_count', 'comments_count']);
const PLAIN_FIELDS = new Set(['id', 'media_product_type', 'media_type', 'timestamp']);

const METRICS_BY_TYPE: Record<'FEED' | 'REELS' | 'STORY', readonly string[]> = {
  FEED: ['likes', 'comments', 'shares', 'saved', 'reach', 'views', 'total_interactions'],
  REELS: ['likes', 'comments', 'shares', 'saved', 'reach', 'views', 'total_interactions'],
  STORY: ['reach', 'replies', 'shares', 'views', 'navigation', 'total_interactions'],
};

const TITLES: Record<string, string> = {
  likes: 'Likes',
  comments: 'Comments',
  shares: 'Shares',
  saved: 'Saved',
  reach: 'Accounts reached',
  views: 'Views',
  total_interactions: 'Interactions',
  replies: 'Replies',
  navigation: 'Navigation',
};

/** True when a media read asks for its counts: this module answers it instead of index.ts. */
export function wantsCounts(url: URL): boolean {
  const fields = url.searchParams.get('fields') ?? '';
  return fields.split(',').some((f) => COUNT_FIELDS.has(f.trim()));
}

/** Route entries for index.ts: the counts read and the insights edge; null for anything else. */
export function metricsRoute(
  req: IncomingMessage,
  url: URL,
  edges: readonly string[],
): 'counts' | 'insights' | null {
  if (req.method !== 'GET') return null;
  if (edges.length === 0 && wantsCounts(url)) return 'counts';
  if (edges.length === 1 && edges[0] === 'insights') return 'insights';
  return null;
}

export async function serveMetrics(
  route: 'counts' | 'insights',
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  node: string,
  ctx: SandboxContext,
): Promise<void> {
  const request = await readGraphRequest(req, url);
  const owner = ctx.store.findPost('instagram', node)?.accountId;
  const fault = ctx.store.takeFault('instagram', 'read', owner);
  const act = (): Reply => {
    if (isGraphError(request)) return graphErrorReply(request);
    const post = ownMedia(request, node, ctx);
    if (!('platform' in post)) return graphErrorReply(post);
    const product = instagramState(ctx).published.get(post.id)?.productType ?? 'FEED';
    const now = engagementAt(`instagram:${post.id}`, post.createdAt, ctx.now());
    return route === 'counts'
      ? counts(request, post, product, now)
      : insights(request, post, product, now, ctx.now());
  };
  await replyUnderFault(req, res, fault, act, injectedGraphError, ctx.closing);
}

function ownMedia(
  request: GraphRequest,
  id: string,
  ctx: SandboxContext,
): RecordedPost | GraphError {
  const check = checkToken('instagram', request.token, ctx.store);
  if (!check.ok) {
    if (check.reason === 'missing') return graphErrors.missingToken();
    if (check.reason === 'revoked') {
      return graphErrors.revokedToken(ctx.store.revocation(request.token!)!);
    }
    return graphErrors.invalidToken();
  }
  const post = ctx.store.findPost('instagram', id);
  if (!post || post.accountId !== check.accountId) return graphErrors.unsupported('get', id);
  return post;
}

function counts(
  request: GraphRequest,
  post: RecordedPost,
  product: 'FEED' | 'REELS' | 'STORY',
  now: Engagement,
): Reply {
  const fields = (request.params.fields ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  const unknown = fields.find((f) => !COUNT_FIELDS.has(f) && !PLAIN_FIELDS.has(f));
  if (unknown) {
    return graphErrorReply({
      ...graphErrors.nonexistingField(unknown),
      message: `(#100) Tried accessing nonexisting field (${unknown}) on node type (IGMedia)`,
    });
  }
  const body: Record<string, unknown> = {};
  // Stories show no likes or comments: Graph leaves the fields out.
  if (fields.includes('like_count') && product !== 'STORY') body.like_count = now.likes;
  if (fields.includes('comments_count') && product !== 'STORY') body.comments_count = now.comments;
  if (fields.includes('media_product_type')) body.media_product_type = product;
  return json(200, { ...body, id: post.id });
}

function insights(
  request: GraphRequest,
  post: RecordedPost,
  product: 'FEED' | 'REELS' | 'STORY',
  now: Engagement,
  at: Date,
): Reply {
  const metrics = (request.params.metric ?? '')
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean);
  const allowed = METRICS_BY_TYPE[product];
  if (metrics.length === 0) {
    return graphErrorReply(graphErrors.requiredParameter('metric'));
  }
  const refused = metrics.filter((m) => !allowed.includes(m));
  if (refused.length > 0) {
    const known = Object.values(METRICS_BY_TYPE).some((list) =>
      refused.every((m) => list.includes(m)),
    );
    return graphErrorReply({
      status: 400,
      code: 100,
      type: 'OAuthException',
      message: known
        ? `(#100) The Media Insights API does not support the ${refused.join(', ')} metric for this media product type.`
        : `(#100) metric[${metrics.indexOf(refused[0]!)}] must be one of the following values: ${allowed.join(', ')}`,
    });
  }
  // A story's insights are kept for a day; after that Instagram has nothing to give.
  if (product === 'STORY' && at.getTime() - Date.parse(post.createdAt) > DAY_MS) {
    return json(200, { data: [] });
  }
  const values: Record<string, number> = {
    likes: now.likes,
    comments: now.comments,
    shares: now.shares,
    saved: Math.floor(now.likes / 4),
    reach: now.reach,
    views: now.views,
    total_interactions: now.likes + now.comments + now.shares + Math.floor(now.likes / 4),
    replies: now.comments,
    navigation: Math.floor(now.views / 3),
  };
  return json(200, {
    data: metrics.map((name) => ({
      name,
      period: 'lifetime',
      values: [{ value: values[name] }],
      title: TITLES[name],
      id: `${post.id}/insights/${name}/lifetime`,
    })),
  });
}
