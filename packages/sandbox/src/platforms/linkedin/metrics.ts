// Engagement on LinkedIn posts, the two ways the versioned REST API offers it (Microsoft Learn,
// "Social Actions API" and "Organization Share Statistics"):
//   GET /rest/socialActions/{post urn}: likes and comments on any post the caller may read
//     (`likesSummary.totalLikes`, `commentsSummary.aggregatedTotalComments`);
//   GET /rest/organizationalEntityShareStatistics?q=organizationalEntity&organizationalEntity=
//     {org urn}&shares=List({share urn})|ugcPosts=List({ugcPost urn}): an organization's lifetime
//     statistics per post (impressions, clicks, likes, comments, shares), for its administrators
//     only, and only for posts of the last 12 months (older ones are left out).
// Numbers come from ../../engagement.ts at the sandbox's clock.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { engagementAt } from '../../engagement.ts';
import { replyUnderFault } from '../../faults.ts';
import { json, type Reply } from '../../http.ts';
import type { SandboxContext } from '../../router.ts';
import { injectedLinkedInError, linkedinErrorReply, linkedinErrors } from './errors.ts';
import { isLinkedInError, restRefusal } from './request.ts';
import { linkedinState, type LinkedInPost } from './state.ts';

/** Statistics cover a rolling 12 months (Organization Share Statistics). */
const STATISTICS_WINDOW_MS = 365 * 24 * 60 * 60_000;
const POST_URN = /^urn:li:(?:share|ugcPost):\d+$/;
const ORGANIZATION = /^urn:li:organization:\d+$/;

/** Route entries for index.ts (segments are already decoded), else null. */
export function metricsRoute(
  method: string,
  segments: readonly string[],
): { socialActions: string } | 'statistics' | null {
  const [first, second, third, fourth] = segments;
  if (method !== 'GET' || first !== 'rest') return null;
  if (second === 'socialActions' && third && !fourth) return { socialActions: third };
  if (second === 'organizationalEntityShareStatistics' && !third) return 'statistics';
  return null;
}

export function serveMetrics(
  route: { socialActions: string } | 'statistics',
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: SandboxContext,
): Promise<void> {
  return route === 'statistics'
    ? shareStatistics(req, res, url, ctx)
    : socialActions(req, res, route.socialActions, ctx);
}

const findPost = (ctx: SandboxContext, urn: string): LinkedInPost | undefined =>
  linkedinState(ctx.store).posts.find((p) => p.id === urn);

async function socialActions(
  req: IncomingMessage,
  res: ServerResponse,
  urn: string,
  ctx: SandboxContext,
): Promise<void> {
  const fault = ctx.store.takeFault('linkedin', 'read', findPost(ctx, urn)?.author);
  const act = (): Reply => {
    const auth = restRefusal(req, ctx.store, ctx.now());
    if (isLinkedInError(auth)) return linkedinErrorReply(auth);
    const post = POST_URN.test(urn) ? findPost(ctx, urn) : undefined;
    if (!post) return linkedinErrorReply(linkedinErrors.notFound(`/socialActions/${urn}`));
    // The sandbox lets an author read their own posts' social actions (r_member_social or
    // r_organization_social); anyone else's is refused.
    if (post.author !== auth.accountId) {
      return linkedinErrorReply(linkedinErrors.accessDenied('GET', `/socialActions/${urn}`));
    }
    const now = engagementAt(`linkedin:${post.id}`, post.createdAt, ctx.now());
    // Top-level comments are most of them; replies make up the aggregate's rest.
    const firstLevel = Math.ceil(now.comments * 0.8);
    return json(200, {
      target: post.id,
      likesSummary: {
        selectedLikes: [],
        likedByCurrentUser: false,
        totalLikes: now.likes,
        aggregatedTotalLikes: now.likes,
      },
      commentsSummary: {
        selectedComments: [],
        commentsState: 'OPEN',
        totalFirstLevelComments: firstLevel,
        aggregatedTotalComments: now.comments,
      },
    });
  };
  await replyUnderFault(req, res, fault, act, injectedLinkedInError, ctx.closing);
}

/** `List(a,b)` as Rest.li 2.0 writes a list in a query (each item URL-encoded, already decoded). */
function restliList(value: string | null): string[] | null {
  if (value === null) return [];
  const match = /^List\((.*)\)$/.exec(value);
  if (!match) return null;
  return match[1]!
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

async function shareStatistics(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: SandboxContext,
): Promise<void> {
  const params = url.searchParams;
  const organization = params.get('organizationalEntity') ?? undefined;
  const fault = ctx.store.takeFault('linkedin', 'read', organization);
  const act = (): Reply => {
    const auth = restRefusal(req, ctx.store, ctx.now());
    if (isLinkedInError(auth)) return linkedinErrorReply(auth);
    if (params.get('q') !== 'organizationalEntity') {
      return linkedinErrorReply(linkedinErrors.badFinderParameter('q'));
    }
    if (!organization || !ORGANIZATION.test(organization)) {
      return linkedinErrorReply(linkedinErrors.badFinderParameter('organizationalEntity'));
    }
    // Statistics are for the organization's administrators (rw_organization_admin).
    if (organization !== auth.accountId) {
      return linkedinErrorReply(
        linkedinErrors.accessDenied('GET', '/organizationalEntityShareStatistics'),
      );
    }
    const shares = restliList(params.get('shares'));
    const ugcPosts = restliList(params.get('ugcPosts'));
    if (shares === null) return linkedinErrorReply(linkedinErrors.badFinderParameter('shares'));
    if (ugcPosts === null) return linkedinErrorReply(linkedinErrors.badFinderParameter('ugcPosts'));
    if (shares.some((s) => !s.startsWith('urn:li:share:'))) {
      return linkedinErrorReply(linkedinErrors.badFinderParameter('shares'));
    }
    if (ugcPosts.some((u) => !u.startsWith('urn:li:ugcPost:'))) {
      return linkedinErrorReply(linkedinErrors.badFinderParameter('ugcPosts'));
    }
    const at = ctx.now();
    const recent = (post: LinkedInPost) =>
      post.author === organization && at.getTime() - post.createdAt < STATISTICS_WINDOW_MS;
    const statistics = (posts: readonly LinkedInPost[]) => {
      const sum = { impressions: 0, reach: 0, likes: 0, comments: 0, shares: 0, clicks: 0 };
      for (const post of posts) {
        const e = engagementAt(`linkedin:${post.id}`, post.createdAt, at);
        sum.impressions += e.impressions;
        sum.reach += e.reach;
        sum.likes += e.likes;
        sum.comments += e.comments;
        sum.shares += e.shares;
        sum.clicks += Math.floor(e.views / 10);
      }
      const interactions = sum.clicks + sum.likes + sum.comments + sum.shares;
      return {
        uniqueImpressionsCount: sum.reach,
        shareCount: sum.shares,
        engagement: sum.impressions === 0 ? 0 : interactions / sum.impressions,
        clickCount: sum.clicks,
        likeCount: sum.likes,
        impressionCount: sum.impressions,
        commentCount: sum.comments,
      };
    };
    const named = [...shares, ...ugcPosts];
    const elements =
      named.length === 0
        ? [
            {
              organizationalEntity: organization,
              totalShareStatistics: statistics(linkedinState(ctx.store).posts.filter(recent)),
            },
          ]
        : named.flatMap((urn) => {
            const post = findPost(ctx, urn);
            if (!post || !recent(post)) return [];
            const key = urn.startsWith('urn:li:share:') ? 'share' : 'ugcPost';
            return [
              {
                organizationalEntity: organization,
                [key]: urn,
                totalShareStatistics: statistics([post]),
              },
            ];
          });
    return json(200, {
      paging: { start: 0, count: 10, links: [] },
      elements,
    });
  };
  await replyUnderFault(req, res, fault, act, injectedLinkedInError, ctx.closing);
}
