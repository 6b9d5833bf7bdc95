// The LinkedIn adapter against the real sandbox over HTTP: text posts in little text, LinkedIn's
// errors classified, ambiguous answers settled by reconcile, and token refresh.
import { sandboxToken, startSandbox, type FaultRequest, type Sandbox } from '@herald/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AmbiguousPublishError,
  AuthPublishError,
  PermanentPublishError,
  RateLimitedPublishError,
  type PublishError,
} from '../errors.ts';
import { createAdapterRegistry } from '../registry.ts';
import type { ProviderProgress, PublishRequest } from '../types.ts';
import { createLinkedInAdapter, type LinkedInAdapterConfig } from './adapter.ts';

const MEMBER = 'urn:li:person:herald1';
const ORG = 'urn:li:organization:5550001';
const TOKEN = sandboxToken('linkedin', MEMBER, 'adapter');
const ORG_TOKEN = sandboxToken('linkedin', ORG, 'adapter');
/** The version the sandbox serves today (it keeps a year of monthly versions active). */
const VERSION = `${new Date().getUTCFullYear()}${String(new Date().getUTCMonth() + 1).padStart(2, '0')}`;

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.clearFaults());

const adapter = (config: Partial<LinkedInAdapterConfig> = {}) =>
  createLinkedInAdapter({ baseUrl: sandbox.baseUrl('linkedin'), apiVersion: VERSION, ...config });
const unique = (label: string) => `${label} ${Math.random().toString(36).slice(2)}`;
const postsWith = (caption: string) =>
  sandbox.posts().filter((p) => p.platform === 'linkedin' && p.message === caption);
const fault = (request: Omit<FaultRequest, 'platform'>) =>
  sandbox.injectFault({ platform: 'linkedin', ...request });

function request(caption: string, account = { externalId: MEMBER, accessToken: TOKEN }) {
  const saved: ProviderProgress[] = [];
  const req: PublishRequest = {
    account,
    content: { caption, media: [] },
    progress: null,
    saveProgress: (next) => {
      saved.push(structuredClone(next));
      return Promise.resolve();
    },
  };
  return { req, saved };
}

async function failure(promise: Promise<unknown>): Promise<PublishError> {
  return (await promise.then(
    () => expect.unreachable('publish should have failed'),
    (e: unknown) => e,
  )) as PublishError;
}

describe('text posts', () => {
  it('publishes as the member, escaped so LinkedIn shows the caption exactly', async () => {
    const caption = unique('Launch (v2) #news @team: 50% off_today ~ [link] <3 \\o/ *');
    const { req, saved } = request(caption);
    const published = await adapter().publish(req);
    const [post] = postsWith(caption);
    expect(post).toBeDefined();
    expect(published.externalId).toBe(post!.id);
    expect(published.externalId).toMatch(/^urn:li:share:\d+$/);
    expect(published.url).toBe(`${sandbox.baseUrl('linkedin')}/feed/update/${post!.id}`);
    const page = await fetch(published.url);
    expect(page.status).toBe(200);
    expect(saved).toEqual([]);
  });

  it('publishes as an organization, with a URL left inline in the text', async () => {
    const caption = unique('Read the story: https://example.com/news?id=7');
    const published = await adapter().publish(
      request(caption, { externalId: ORG, accessToken: ORG_TOKEN }).req,
    );
    expect(postsWith(caption)[0]).toMatchObject({ accountId: ORG, id: published.externalId });
  });

  it('is registered when configured, next to Facebook', () => {
    const adapterFor = createAdapterRegistry({
      facebook: { baseUrl: 'http://127.0.0.1:9/facebook' },
      linkedin: { baseUrl: 'http://127.0.0.1:9/linkedin' },
    });
    expect(adapterFor('linkedin').platform).toBe('linkedin');
    expect(adapterFor('linkedin').rules.maxCaptionLength).toBe(3000);
  });
});

describe('errors', () => {
  it('an expired token is an auth error naming the cause', async () => {
    const expired = sandboxToken('linkedin', MEMBER, 'expired');
    sandbox.revokeToken(expired, 463);
    const error = await failure(
      adapter().publish(request('x', { externalId: MEMBER, accessToken: expired }).req),
    );
    expect(error).toBeInstanceOf(AuthPublishError);
    expect(error.platformCode).toBe('EXPIRED_ACCESS_TOKEN');
    expect(error.message).toMatch(/access token expired.*Reconnect/);
  });

  it('posting as a Page the token does not speak for is a permission (auth) error', async () => {
    const error = await failure(
      adapter().publish(request('x', { externalId: ORG, accessToken: TOKEN }).req),
    );
    expect(error).toBeInstanceOf(AuthPublishError);
    expect(error.platformCode).toBe('ACCESS_DENIED');
  });

  it('a daily throttle is rate limited until the next midnight UTC', async () => {
    fault({ fault: { type: 'graph_error', status: 429, code: 101 } });
    const now = new Date('2026-12-03T15:20:00Z');
    const error = await failure(adapter({ now: () => now }).publish(request('x').req));
    expect(error).toBeInstanceOf(RateLimitedPublishError);
    expect(error.retryAt).toEqual(new Date('2026-12-04T00:00:00Z'));
  });

  it("a caption over 3,000 characters is permanent, in LinkedIn's words", async () => {
    const caption = `${'a'.repeat(2999)}()`;
    const error = await failure(adapter().publish(request(caption).req));
    expect(error).toBeInstanceOf(PermanentPublishError);
    expect(error.platformCode).toBe('FIELD_ARRAY_SIZE_TOO_HIGH');
    expect(error.message).toBe(
      'ShareCommentary text length (3001 characters) exceeded the maximum allowed (3000 characters)',
    );
  });

  it('a sunset API version is permanent and names the setting to change', async () => {
    const error = await failure(adapter({ apiVersion: '202001' }).publish(request('x').req));
    expect(error).toBeInstanceOf(PermanentPublishError);
    expect(error.platformCode).toBe('NONEXISTENT_VERSION');
    expect(error.message).toMatch(/Requested version 20200101 is not active.*LINKEDIN_API_VERSION/);
  });

  it('a 503 on the post is ambiguous; nothing was published, and reconcile says so', async () => {
    fault({ fault: { type: 'graph_error', status: 503, code: 0 } });
    const caption = unique('Unlucky');
    const from = new Date();
    const error = await failure(adapter().publish(request(caption).req));
    expect(error).toBeInstanceOf(AmbiguousPublishError);
    const outcome = await adapter().reconcile({
      account: { externalId: MEMBER, accessToken: TOKEN },
      content: { caption, media: [] },
      progress: null,
      window: { from, to: new Date() },
    });
    expect(outcome).toEqual({ status: 'not_published' });
  });
});

describe('ambiguous answers and reconcile', () => {
  it('a timeout after LinkedIn acted is ambiguous; reconcile finds the post by its text', async () => {
    fault({ fault: { type: 'delay', ms: 600_000 } });
    const caption = unique('Slow (but made) #post');
    const from = new Date();
    const error = await failure(adapter({ timeoutMs: 300 }).publish(request(caption).req));
    expect(error).toBeInstanceOf(AmbiguousPublishError);
    const [post] = postsWith(caption);
    expect(post).toBeDefined();
    const outcome = await adapter().reconcile({
      account: { externalId: MEMBER, accessToken: TOKEN },
      content: { caption, media: [] },
      progress: null,
      window: { from, to: new Date() },
    });
    expect(outcome).toEqual({
      status: 'published',
      post: { externalId: post!.id, url: `${sandbox.baseUrl('linkedin')}/feed/update/${post!.id}` },
    });
  });

  it('a retry refused as a duplicate is ambiguous, and reconcile finds the first post', async () => {
    const caption = unique('Twice');
    const from = new Date();
    const first = await adapter().publish(request(caption).req);
    const { req, saved } = request(caption);
    const error = await failure(adapter().publish(req));
    expect(error).toBeInstanceOf(AmbiguousPublishError);
    expect(error.platformCode).toBe('DUPLICATE_POST');
    expect(saved).toEqual([{ duplicateOf: first.externalId }]);
    const outcome = await adapter().reconcile({
      account: { externalId: MEMBER, accessToken: TOKEN },
      content: { caption, media: [] },
      progress: saved[0]!,
      window: { from, to: new Date() },
    });
    expect(outcome).toMatchObject({ status: 'published', post: { externalId: first.externalId } });
    expect(postsWith(caption)).toHaveLength(1);
  });

  it('a duplicate of a post outside the window is unknown, naming the post', async () => {
    const outcome = await adapter().reconcile({
      account: { externalId: MEMBER, accessToken: TOKEN },
      content: { caption: unique('Never posted'), media: [] },
      progress: { duplicateOf: 'urn:li:share:42' },
      window: { from: new Date(), to: new Date() },
    });
    expect(outcome).toMatchObject({ status: 'unknown' });
    expect((outcome as { reason: string }).reason).toContain('urn:li:share:42');
  });

  it('finds a post among more than one page of the author’s posts', async () => {
    const author = 'urn:li:person:busy1';
    const token = sandboxToken('linkedin', author, 'busy');
    const caption = unique('Needle');
    const from = new Date();
    await adapter().publish(request(caption, { externalId: author, accessToken: token }).req);
    for (let i = 0; i < 55; i += 1) {
      await adapter().publish(
        request(unique(`Hay ${i}`), { externalId: author, accessToken: token }).req,
      );
    }
    const outcome = await adapter().reconcile({
      account: { externalId: author, accessToken: token },
      content: { caption, media: [] },
      progress: null,
      window: { from, to: new Date() },
    });
    expect(outcome.status).toBe('published');
  });

  it('a listing that fails is unknown, never a guess', async () => {
    fault({ on: 'read', fault: { type: 'graph_error', status: 500, code: 0 } });
    const outcome = await adapter().reconcile({
      account: { externalId: MEMBER, accessToken: TOKEN },
      content: { caption: 'anything', media: [] },
      progress: null,
      window: { from: new Date(), to: new Date() },
    });
    expect(outcome.status).toBe('unknown');
  });
});

describe('refreshToken', () => {
  const credentials = { clientId: 'herald-app', clientSecret: 'shh' };

  it('gets a new 60-day access token that publishes, and keeps the refresh token LinkedIn returns', async () => {
    const now = new Date('2026-12-03T12:00:00Z');
    const refreshToken = `sbx-linkedin-refresh-${MEMBER}-one`;
    const refreshed = await adapter({ ...credentials, now: () => now }).refreshToken!({
      accessToken: TOKEN,
      refreshToken,
    });
    expect(refreshed.accessToken).not.toBe(TOKEN);
    expect(refreshed.expiresAt).toEqual(new Date(now.getTime() + 60 * 86_400_000));
    expect(refreshed.refreshToken).toBe(refreshToken);
    const caption = unique('After refresh');
    await adapter().publish(
      request(caption, { externalId: MEMBER, accessToken: refreshed.accessToken }).req,
    );
    expect(postsWith(caption)).toHaveLength(1);
  });

  it('a revoked refresh token is an auth error: reconnect', async () => {
    const refreshToken = `sbx-linkedin-refresh-${MEMBER}-gone`;
    sandbox.revokeToken(refreshToken);
    const error = await failure(
      adapter(credentials).refreshToken!({ accessToken: TOKEN, refreshToken }),
    );
    expect(error).toBeInstanceOf(AuthPublishError);
    expect(error.platformCode).toBe('invalid_grant');
  });

  it('is offered only with app credentials', () => {
    expect('refreshToken' in adapter()).toBe(false);
    expect('refreshToken' in adapter(credentials)).toBe(true);
  });
});
