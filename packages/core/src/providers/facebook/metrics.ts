// A Page post's engagement from the Graph API, in two reads: the post node with its reactions
// and comments summaries and its shares (`?fields=reactions.limit(0).summary(total_count),
// comments.limit(0).summary(total_count),shares`; Graph leaves `shares` out until someone
// shares), then Page Post Insights for views (`/{post-id}/insights?metric=post_media_view`).
// Meta replaced the `post_impressions` family with views for every version in November 2025
// ("Page Insights API Updates", developers.facebook.com blog, 15 Aug 2025); a post's media views
// are the times it was on screen, which is what Herald calls impressions. Insights need the
// read_insights permission and a Page of 100+ likes: without them the counts still come back,
// with impressions null. A video post's id is the video's, which has no `shares` field.
import { z } from 'zod';
import { PublishError, RetryablePublishError } from '../errors.ts';
import type { EngagementMetrics, MetricsRequest } from '../types.ts';

/** A Graph GET that answers the body of a 2xx or throws the classified PublishError. */
export type GraphGet = (path: string, request: MetricsRequest) => Promise<unknown>;

const Summary = z.object({ summary: z.object({ total_count: z.number().int().min(0) }) });
const PostEngagement = z.object({
  reactions: Summary.optional(),
  comments: Summary.optional(),
  shares: z.object({ count: z.number().int().min(0) }).optional(),
});
const Insights = z.object({
  data: z.array(
    z.object({
      name: z.string(),
      values: z.array(z.object({ value: z.unknown() })),
    }),
  ),
});

const WITH_SHARES =
  'reactions.limit(0).summary(total_count),comments.limit(0).summary(total_count),shares';
const WITHOUT_SHARES =
  'reactions.limit(0).summary(total_count),comments.limit(0).summary(total_count)';

export async function fetchFacebookMetrics(
  get: GraphGet,
  request: MetricsRequest,
): Promise<EngagementMetrics> {
  const id = encodeURIComponent(request.post.externalId);
  const read = (fields: string) =>
    get(`${id}?${new URLSearchParams({ fields }).toString()}`, request);
  let body: unknown;
  let sharesAsked = true;
  try {
    body = await read(WITH_SHARES);
  } catch (error) {
    // A video (the post's id is the video's) has reactions and comments but no shares field.
    if (!(error instanceof PublishError && isMissingField(error, 'shares'))) throw error;
    sharesAsked = false;
    body = await read(WITHOUT_SHARES);
  }
  const parsed = PostEngagement.safeParse(body);
  if (!parsed.success) {
    throw new RetryablePublishError(
      "Facebook answered a post's engagement in a form Herald does not understand.",
    );
  }
  const { reactions, comments, shares } = parsed.data;
  return {
    likes: reactions?.summary.total_count ?? null,
    comments: comments?.summary.total_count ?? null,
    // Left out means nobody shared it yet.
    shares: sharesAsked ? (shares?.count ?? 0) : null,
    impressions: await mediaViews(get, request, id),
    views: null,
  };
}

/** The post's lifetime media views, or null when Graph will not give insights for it. */
async function mediaViews(get: GraphGet, request: MetricsRequest, id: string) {
  let body: unknown;
  try {
    body = await get(`${id}/insights?metric=post_media_view&period=lifetime`, request);
  } catch (error) {
    // No read_insights permission (auth kind) or no insights for this object (invalid
    // parameter): the counts above still stand. Throttling and outages are tried again.
    if (error instanceof PublishError && (error.kind === 'auth' || error.kind === 'permanent')) {
      return null;
    }
    throw error;
  }
  const parsed = Insights.safeParse(body);
  const value = parsed.success
    ? parsed.data.data.find((m) => m.name === 'post_media_view')?.values.at(-1)?.value
    : undefined;
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null;
}

const isMissingField = (error: PublishError, field: string) =>
  error.kind === 'permanent' && new RegExp(`nonexisting field \\(${field}\\)`).test(error.message);
