// A post's engagement from X's v2 "Post lookup by ID" (`GET /2/tweets/:id?tweet.fields=
// public_metrics`): likes, replies, reposts plus quotes as shares, and impressions (X made
// impression_count public in 2023). A thread's numbers are its first post's. X answers a
// deleted or hidden post with HTTP 200, no `data` and a resource-not-found entry in `errors`.
import { z } from 'zod';
import { PermanentPublishError, RetryablePublishError } from '../errors.ts';
import type { EngagementMetrics, MetricsRequest } from '../types.ts';

/** An X GET that answers the body of a 2xx or throws the classified PublishError. */
export type XGet = (path: string, request: MetricsRequest) => Promise<unknown>;

const count = z.number().int().min(0);
const Lookup = z.object({
  data: z
    .object({
      public_metrics: z.object({
        retweet_count: count,
        reply_count: count,
        like_count: count,
        quote_count: count.optional(),
        impression_count: count.optional(),
      }),
    })
    .optional(),
  errors: z
    .array(z.object({ type: z.string().optional(), detail: z.string().optional() }))
    .optional(),
});

const NOT_FOUND = /\/problems\/resource-not-found$/;

export async function fetchXMetrics(
  get: XGet,
  request: MetricsRequest,
): Promise<EngagementMetrics> {
  const id = encodeURIComponent(request.post.externalId);
  const parsed = Lookup.safeParse(
    await get(`/2/tweets/${id}?tweet.fields=public_metrics`, request),
  );
  if (!parsed.success) {
    throw new RetryablePublishError(
      "X answered a post's metrics in a form Herald does not understand.",
    );
  }
  const { data, errors } = parsed.data;
  if (!data) {
    const gone = errors?.find((e) => e.type && NOT_FOUND.test(e.type));
    if (gone) {
      throw new PermanentPublishError(
        `X no longer shows this post (${gone.detail ?? 'not found'}); it was deleted or hidden.`,
        { platformCode: 'not_found' },
      );
    }
    throw new RetryablePublishError("X answered without the post's metrics.");
  }
  const m = data.public_metrics;
  return {
    likes: m.like_count,
    comments: m.reply_count,
    shares: m.retweet_count + (m.quote_count ?? 0),
    impressions: m.impression_count ?? null,
    views: null,
  };
}
