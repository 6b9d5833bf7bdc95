// A published media object's engagement from the Instagram Graph API, in two reads: the IG Media
// fields `like_count` and `comments_count` (left out for stories, and like_count when the owner
// hides likes), then IG Media Insights `shares` and `views`, the two metrics every product type
// (FEED, REELS, STORY) has since v22.0 replaced impressions and plays (Meta's "Instagram Media
// Insights" reference). Instagram has no impressions any more: null. Insights may be missing for
// reasons that are no fault of the request — "(#10) Not enough viewers for the media to show
// insights", a story older than a day (an empty data set), an album's child — and then the two
// counts still stand with shares and views null.
import { z } from 'zod';
import { PublishError, RetryablePublishError } from '../errors.ts';
import type { GraphGet } from '../facebook/metrics.ts';
import type { EngagementMetrics, MetricsRequest } from '../types.ts';

const Counts = z.object({
  like_count: z.number().int().min(0).optional(),
  comments_count: z.number().int().min(0).optional(),
});
const Insights = z.object({
  data: z.array(z.object({ name: z.string(), values: z.array(z.object({ value: z.unknown() })) })),
});

export async function fetchInstagramMetrics(
  get: GraphGet,
  request: MetricsRequest,
): Promise<EngagementMetrics> {
  const id = encodeURIComponent(request.post.externalId);
  const counts = Counts.safeParse(await get(`${id}?fields=like_count,comments_count`, request));
  if (!counts.success) {
    throw new RetryablePublishError(
      "Instagram answered a post's like and comment counts in a form Herald does not understand.",
    );
  }
  const insights = await mediaInsights(get, request, id);
  return {
    likes: counts.data.like_count ?? null,
    comments: counts.data.comments_count ?? null,
    shares: insights.shares,
    impressions: null,
    views: insights.views,
  };
}

async function mediaInsights(get: GraphGet, request: MetricsRequest, id: string) {
  const none = { shares: null, views: null };
  let body: unknown;
  try {
    body = await get(`${id}/insights?metric=shares,views`, request);
  } catch (error) {
    // Too few viewers (code 10, which reads as a permission problem), a product type without
    // these metrics (100): nothing to retry. Throttling and outages are tried again.
    if (error instanceof PublishError && (error.kind === 'auth' || error.kind === 'permanent')) {
      return none;
    }
    throw error;
  }
  const parsed = Insights.safeParse(body);
  if (!parsed.success) return none;
  const value = (name: string) => {
    const v = parsed.data.data.find((m) => m.name === name)?.values.at(-1)?.value;
    return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null;
  };
  return { shares: value('shares'), views: value('views') };
}
