// Facebook post engagement against the sandbox over HTTP, with the sandbox's clock moved
// instead of waited for: the numbers grow with the post's age, and Graph's failures keep their
// meaning.
import { startSandbox, type Sandbox } from '@herald/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuthPublishError, PermanentPublishError, RateLimitedPublishError } from '../errors.ts';
import type { MetricsRequest, PublishedPost } from '../types.ts';
import { createFacebookAdapter } from './adapter.ts';

const PAGE = '1000000301';
const TOKEN = `sbx-page-${PAGE}-metrics`;
const HOUR = 3_600_000;

let sandbox: Sandbox;
/** How far the sandbox's clock is ahead of the real one. */
let aheadMs = 0;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, now: () => new Date(Date.now() + aheadMs) });
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.clearFaults();
  aheadMs = 0;
});

const adapter = () => createFacebookAdapter({ baseUrl: sandbox.facebookBaseUrl });
const unique = (label: string) => `${label} ${Math.random().toString(36).slice(2)}`;

async function publishPost(): Promise<PublishedPost> {
  return adapter().publish({
    account: { externalId: PAGE, accessToken: TOKEN },
    content: { caption: unique('Metrics'), media: [] },
    progress: null,
    saveProgress: () => Promise.resolve(),
  });
}

const metricsOf = (post: PublishedPost, accessToken = TOKEN): MetricsRequest => ({
  account: { externalId: PAGE, accessToken },
  post,
});

describe('Facebook fetchMetrics', () => {
  it('reads reactions, comments, shares and media views, growing with the post’s age', async () => {
    const post = await publishPost();
    const fetchMetrics = (request: MetricsRequest) => adapter().fetchMetrics!(request);
    // Before it existed, nobody had seen it (and Graph leaves the unshared `shares` out).
    aheadMs = -HOUR;
    const before = await fetchMetrics(metricsOf(post));
    expect(before).toEqual({ likes: 0, comments: 0, shares: 0, impressions: 0, views: null });

    aheadMs = HOUR;
    const hour = await fetchMetrics(metricsOf(post));
    aheadMs = 24 * HOUR;
    const day = await fetchMetrics(metricsOf(post));
    aheadMs = 7 * 24 * HOUR;
    const week = await fetchMetrics(metricsOf(post));

    expect(hour.impressions).toBeGreaterThan(0);
    expect(hour.likes).toBeGreaterThan(0);
    for (const key of ['likes', 'comments', 'shares', 'impressions'] as const) {
      expect(day[key]!).toBeGreaterThanOrEqual(hour[key]!);
      expect(week[key]!).toBeGreaterThanOrEqual(day[key]!);
    }
    expect(day.impressions!).toBeGreaterThan(hour.impressions!);
    expect(week.shares!).toBeGreaterThan(0);
    // The same instant gives the same numbers: they are the post's, not chance.
    expect(await fetchMetrics(metricsOf(post))).toEqual(week);
  });

  it('keeps the counts when insights are refused, with impressions null', async () => {
    const post = await publishPost();
    aheadMs = 24 * HOUR;
    // The post read passes (a delay of nothing); the insights read after it is refused for a
    // missing permission.
    sandbox.injectFault({ platform: 'facebook', on: 'read', fault: { type: 'delay', ms: 0 } });
    sandbox.injectFault({
      platform: 'facebook',
      on: 'read',
      fault: {
        type: 'graph_error',
        status: 403,
        code: 10,
        message: '(#10) Requires read_insights',
      },
    });
    const metrics = await adapter().fetchMetrics!(metricsOf(post));
    expect(metrics.impressions).toBeNull();
    expect(metrics.likes).toBeGreaterThan(0);
    expect(metrics.shares).not.toBeNull();
  });

  it('says a revoked token is an auth problem and a throttle is a rate limit', async () => {
    const post = await publishPost();
    const revoked = `sbx-page-${PAGE}-revokedmetrics`;
    sandbox.revokeToken(revoked, 460);
    await expect(adapter().fetchMetrics!(metricsOf(post, revoked))).rejects.toBeInstanceOf(
      AuthPublishError,
    );
    sandbox.injectFault({
      platform: 'facebook',
      on: 'read',
      fault: { type: 'graph_error', status: 400, code: 32 },
    });
    await expect(adapter().fetchMetrics!(metricsOf(post))).rejects.toBeInstanceOf(
      RateLimitedPublishError,
    );
  });

  it('a post Facebook does not have is permanent', async () => {
    const error = await adapter().fetchMetrics!(
      metricsOf({ externalId: `${PAGE}_1`, url: 'x' }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentPublishError);
    expect((error as PermanentPublishError).platformCode).toBe('100/33');
  });
});
