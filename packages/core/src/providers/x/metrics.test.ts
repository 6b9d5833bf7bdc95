// X post engagement against the sandbox over HTTP, with the sandbox's clock moved instead of
// waited for: public metrics grow with the post's age; a deleted post and X's limits keep their
// meaning.
import { sandboxToken, startSandbox, type Sandbox } from '@herald/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuthPublishError, PermanentPublishError, RateLimitedPublishError } from '../errors.ts';
import type { MetricsRequest, PublishedPost } from '../types.ts';
import { createXAdapter } from './adapter.ts';

const USER = '7300001';
const TOKEN = sandboxToken('x', USER, 'metrics');
const HOUR = 3_600_000;

let sandbox: Sandbox;
let aheadMs = 0;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, now: () => new Date(Date.now() + aheadMs) });
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.clearFaults();
  aheadMs = 0;
});

const adapter = () => createXAdapter({ baseUrl: sandbox.baseUrl('x') });

async function publishPost(): Promise<PublishedPost> {
  return adapter().publish({
    account: { externalId: USER, accessToken: TOKEN },
    content: { caption: `Metrics ${Math.random().toString(36).slice(2)}`, media: [] },
    progress: null,
    saveProgress: () => Promise.resolve(),
  });
}

const metricsOf = (post: PublishedPost, accessToken = TOKEN): MetricsRequest => ({
  account: { externalId: USER, accessToken },
  post,
});

describe('X fetchMetrics', () => {
  it('reads likes, replies, reposts and quotes, and impressions, growing with age', async () => {
    const post = await publishPost();
    const fetchMetrics = (request: MetricsRequest) => adapter().fetchMetrics!(request);
    aheadMs = -HOUR;
    expect(await fetchMetrics(metricsOf(post))).toEqual({
      likes: 0,
      comments: 0,
      shares: 0,
      impressions: 0,
      views: null,
    });
    aheadMs = HOUR;
    const hour = await fetchMetrics(metricsOf(post));
    aheadMs = 7 * 24 * HOUR;
    const week = await fetchMetrics(metricsOf(post));
    expect(hour.impressions).toBeGreaterThan(0);
    for (const key of ['likes', 'comments', 'shares', 'impressions'] as const) {
      expect(week[key]!).toBeGreaterThanOrEqual(hour[key]!);
    }
    expect(week.impressions!).toBeGreaterThan(hour.impressions!);
    expect(week.shares!).toBeGreaterThan(0);
    expect(await fetchMetrics(metricsOf(post))).toEqual(week);
  });

  it('a post X no longer has is permanent (X answers 200 with errors)', async () => {
    const error = await adapter().fetchMetrics!(metricsOf({ externalId: '99', url: 'x' })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PermanentPublishError);
    expect((error as PermanentPublishError).platformCode).toBe('not_found');
    expect((error as Error).message).toMatch(/Could not find tweet with id: \[99\]/);
  });

  it('a dead token is an auth problem, a 429 is rate limited until X says', async () => {
    const post = await publishPost();
    const dead = sandboxToken('x', USER, 'dead');
    sandbox.revokeToken(dead);
    await expect(adapter().fetchMetrics!(metricsOf(post, dead))).rejects.toBeInstanceOf(
      AuthPublishError,
    );
    const reset = Math.floor(Date.now() / 1000) + 600;
    sandbox.injectFault({
      platform: 'x',
      on: 'read',
      fault: {
        type: 'http_status',
        status: 429,
        headers: { 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(reset) },
      },
    });
    const limited = await adapter().fetchMetrics!(metricsOf(post)).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitedPublishError);
    expect((limited as RateLimitedPublishError).retryAt).toEqual(new Date(reset * 1000));
  });
});
