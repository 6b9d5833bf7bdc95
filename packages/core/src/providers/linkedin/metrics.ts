// A post's engagement from LinkedIn's versioned REST API, chosen by who wrote it:
//   an organization's post: Organization Share Statistics (`GET /rest/
//     organizationalEntityShareStatistics?q=organizationalEntity&organizationalEntity={org}&
//     shares=List({urn})`, or `ugcPosts=List(…)`), lifetime likes, comments, shares and
//     impressions in one read, for the Page's administrators (rw_organization_admin);
//   a member's post: Social Actions (`GET /rest/socialActions/{urn}`), likes and comments only —
//     LinkedIn offers members' impressions and reshares to no general app — so shares and
//     impressions are null. Reading it needs r_member_social, which LinkedIn grants to approved
//     partners only: a refusal there is permanent for this account, not a token to repair.
// Statistics cover a rolling 12 months; a post outside them has no element. Sources: Microsoft
// Learn, "Organization Share Statistics" and "Social Actions API"; Rest.li 2.0 query encoding.
import { z } from 'zod';
import { PermanentPublishError, PublishError, RetryablePublishError } from '../errors.ts';
import type { EngagementMetrics, MetricsRequest } from '../types.ts';

/** A versioned REST GET (full URL) that answers the body of a 2xx or throws a PublishError. */
export type RestGet = (url: string, request: MetricsRequest) => Promise<unknown>;

const count = z.number().int().min(0);
const ShareStatistics = z.object({
  elements: z.array(
    z.object({
      share: z.string().optional(),
      ugcPost: z.string().optional(),
      totalShareStatistics: z.object({
        likeCount: count,
        commentCount: count,
        shareCount: count,
        impressionCount: count,
      }),
    }),
  ),
});
const SocialActions = z.object({
  likesSummary: z.object({ totalLikes: count }).optional(),
  commentsSummary: z.object({ aggregatedTotalComments: count }).optional(),
});

export async function fetchLinkedInMetrics(
  get: RestGet,
  rest: string,
  request: MetricsRequest,
): Promise<EngagementMetrics> {
  const urn = request.post.externalId;
  const author = request.account.externalId;
  return author.startsWith('urn:li:organization:')
    ? organizationStatistics(get, rest, request, author, urn)
    : memberSocialActions(get, rest, request, urn);
}

async function organizationStatistics(
  get: RestGet,
  rest: string,
  request: MetricsRequest,
  organization: string,
  urn: string,
): Promise<EngagementMetrics> {
  const kind = urn.startsWith('urn:li:ugcPost:') ? 'ugcPosts' : 'shares';
  // Rest.li 2.0: the URN inside List() is URL-encoded, the List syntax itself is not.
  const query = `q=organizationalEntity&organizationalEntity=${encodeURIComponent(organization)}&${kind}=List(${encodeURIComponent(urn)})`;
  const parsed = ShareStatistics.safeParse(
    await get(`${rest}/organizationalEntityShareStatistics?${query}`, request),
  );
  if (!parsed.success) {
    throw new RetryablePublishError(
      "LinkedIn answered a post's statistics in a form Herald does not understand.",
    );
  }
  const element = parsed.data.elements.find((e) => (e.share ?? e.ugcPost) === urn);
  if (!element) {
    throw new PermanentPublishError(
      'LinkedIn has no statistics for this post: it was deleted, or is more than 12 months old.',
      { platformCode: 'no_statistics' },
    );
  }
  const s = element.totalShareStatistics;
  return {
    likes: s.likeCount,
    comments: s.commentCount,
    shares: s.shareCount,
    impressions: s.impressionCount,
    views: null,
  };
}

async function memberSocialActions(
  get: RestGet,
  rest: string,
  request: MetricsRequest,
  urn: string,
): Promise<EngagementMetrics> {
  let body: unknown;
  try {
    body = await get(`${rest}/socialActions/${encodeURIComponent(urn)}`, request);
  } catch (error) {
    if (error instanceof PublishError && error.platformCode === 'ACCESS_DENIED') {
      throw new PermanentPublishError(
        "LinkedIn does not let Herald read the likes and comments on this member's posts (that needs the r_member_social permission, which LinkedIn grants to approved partners).",
        { platformCode: 'ACCESS_DENIED', cause: error },
      );
    }
    throw error;
  }
  const parsed = SocialActions.safeParse(body);
  if (!parsed.success) {
    throw new RetryablePublishError(
      "LinkedIn answered a post's likes and comments in a form Herald does not understand.",
    );
  }
  return {
    likes: parsed.data.likesSummary?.totalLikes ?? null,
    comments: parsed.data.commentsSummary?.aggregatedTotalComments ?? null,
    shares: null,
    impressions: null,
    views: null,
  };
}
