// The sandbox's engagement numbers: the same for the same post at the same age, growing and
// never falling as the post ages, different from post to post; and the metrics endpoints'
// answers in each platform's own words, over HTTP, on an injected clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engagementAt, growth } from './engagement.ts';
import { startSandbox, type Sandbox } from './index.ts';
import { sandboxToken } from './tokens.ts';

const CREATED = Date.parse('2026-12-01T10:00:00Z');
const minutes = (m: number) => new Date(CREATED + m * 60_000);

describe('engagementAt', () => {
  it('is nothing before a post exists and grows, never falling, over its first weeks', () => {
    expect(engagementAt('facebook:1', CREATED, minutes(-5))).toEqual({
      impressions: 0,
      reach: 0,
      views: 0,
      likes: 0,
      comments: 0,
      shares: 0,
    });
    for (const seed of ['facebook:1', 'x:42', 'linkedin:urn:li:share:7']) {
      let previous = engagementAt(seed, CREATED, minutes(0));
      for (let m = 1; m <= 21 * 24 * 60; m += 37) {
        const next = engagementAt(seed, CREATED, minutes(m));
        for (const key of Object.keys(next) as (keyof typeof next)[]) {
          expect(next[key]).toBeGreaterThanOrEqual(previous[key]);
        }
        expect(next.reach).toBeLessThanOrEqual(next.impressions);
        previous = next;
      }
      expect(previous.impressions).toBeGreaterThan(300);
    }
  });

  it('is the same for the same post and age, and differs between posts', () => {
    const week = minutes(7 * 24 * 60);
    expect(engagementAt('x:42', CREATED, week)).toEqual(engagementAt('x:42', CREATED, week));
    expect(engagementAt('x:42', CREATED, week)).not.toEqual(engagementAt('x:43', CREATED, week));
    // Most of a post's life is its first day.
    expect(growth(24 * 60)).toBeGreaterThan(0.75);
    expect(growth(60)).toBeLessThan(0.2);
  });
});

describe('metrics endpoints over HTTP', () => {
  let sandbox: Sandbox;
  let aheadMs = 0;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, now: () => new Date(Date.now() + aheadMs) });
  });
  afterAll(() => sandbox.close());

  const get = async (url: string, token: string, headers: Record<string, string> = {}) => {
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${token}`, ...headers },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('Facebook: summaries, `shares` only once shared, and the insights Graph still has', async () => {
    const page = '1000000401';
    const token = `sbx-page-${page}-eng`;
    const created = await fetch(`${sandbox.facebookBaseUrl}/v24.0/${page}/feed`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: new URLSearchParams({ message: 'Engagement' }),
    });
    const { id } = (await created.json()) as { id: string };
    const fields = 'reactions.limit(0).summary(total_count),comments.limit(0).summary(true),shares';
    const read = () =>
      get(`${sandbox.facebookBaseUrl}/v24.0/${id}?fields=${encodeURIComponent(fields)}`, token);

    aheadMs = -60_000;
    expect((await read()).body).toEqual({
      reactions: { data: [], summary: { total_count: 0, viewer_reaction: 'NONE' } },
      comments: { data: [], summary: { order: 'ranked', total_count: 0, can_comment: true } },
      id,
    });
    aheadMs = 7 * 24 * 3_600_000;
    const week = (await read()).body as { shares?: { count: number } };
    expect(week.shares?.count).toBeGreaterThan(0);

    const insights = await get(
      `${sandbox.facebookBaseUrl}/v24.0/${id}/insights?metric=post_media_view`,
      token,
    );
    expect(insights.body).toEqual({
      data: [
        expect.objectContaining({
          name: 'post_media_view',
          period: 'lifetime',
          values: [{ value: expect.any(Number) }],
          id: `${id}/insights/post_media_view/lifetime`,
        }),
      ],
    });
    const deprecated = await get(
      `${sandbox.facebookBaseUrl}/v24.0/${id}/insights?metric=post_impressions`,
      token,
    );
    expect(deprecated.status).toBe(400);
    expect(deprecated.body).toMatchObject({
      error: { code: 100, message: '(#100) The value must be a valid insights metric' },
    });
    const none = await get(`${sandbox.facebookBaseUrl}/v24.0/${id}/insights`, token);
    expect(none.body).toMatchObject({ error: { code: 3001, error_subcode: 1504028 } });
  });

  it('X: a post that does not exist is HTTP 200 with errors and no data', async () => {
    const token = sandboxToken('x', '7400001', 'eng');
    const { status, body } = await get(
      `${sandbox.baseUrl('x')}/2/tweets/123?tweet.fields=public_metrics`,
      token,
    );
    expect(status).toBe(200);
    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([
      expect.objectContaining({
        title: 'Not Found Error',
        detail: 'Could not find tweet with id: [123].',
        type: 'https://api.twitter.com/2/problems/resource-not-found',
      }),
    ]);
  });

  it("LinkedIn: share statistics are for the organization's administrators only", async () => {
    aheadMs = 0;
    const org = 'urn:li:organization:5550401';
    const now = new Date();
    const version = `${now.getUTCFullYear()}${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
    const rest = { 'linkedin-version': version, 'x-restli-protocol-version': '2.0.0' };
    const query = `q=organizationalEntity&organizationalEntity=${encodeURIComponent(org)}`;
    const url = `${sandbox.baseUrl('linkedin')}/rest/organizationalEntityShareStatistics?${query}`;
    const admin = await get(url, sandboxToken('linkedin', org, 'eng'), rest);
    expect(admin.status).toBe(200);
    expect(admin.body.elements).toEqual([
      expect.objectContaining({
        organizationalEntity: org,
        totalShareStatistics: expect.any(Object),
      }),
    ]);
    const outsider = await get(url, sandboxToken('linkedin', 'urn:li:person:x1', 'eng'), rest);
    expect(outsider.status).toBe(403);
    expect(outsider.body).toMatchObject({ code: 'ACCESS_DENIED' });
  });
});
