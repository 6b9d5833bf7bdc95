// The X adapter against the real sandbox over HTTP: posts, threads, resuming, reconcile,
// errors and token refresh.
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
import { createXAdapter, threadParts } from './adapter.ts';

let sandbox: Sandbox;
let base: string;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  base = sandbox.baseUrl('x');
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.clearFaults());

let users = 7100;
/** A fresh X user per test: windows and duplicate checks are per user. */
function newAccount() {
  const externalId = String(++users);
  return { externalId, accessToken: sandboxToken('x', externalId) };
}

/** A publish request whose saved progress the test can read back. */
function request(
  account: { externalId: string; accessToken: string },
  caption: string,
  progress: ProviderProgress | null = null,
  onSave?: (progress: ProviderProgress) => void,
) {
  const saves: ProviderProgress[] = [];
  const req: PublishRequest = {
    account,
    content: { caption, media: [] },
    progress,
    saveProgress: (p) => {
      saves.push(p);
      onSave?.(p);
      return Promise.resolve();
    },
  };
  return { req, saves, last: () => saves.at(-1) ?? progress };
}

const userPosts = (userId: string) => sandbox.posts().filter((p) => p.accountId === userId);

async function failure(promise: Promise<unknown>): Promise<PublishError> {
  try {
    await promise;
  } catch (error) {
    return error as PublishError;
  }
  throw new Error('expected the promise to fail');
}

const adapter = () => createXAdapter({ baseUrl: base, clientId: 'herald-test' });

describe('publish', () => {
  it('posts text and answers a URL that opens the post', async () => {
    const account = newAccount();
    const { req, saves } = request(account, 'Hello X & friends <3');
    const post = await adapter().publish(req);
    expect(userPosts(account.externalId)).toEqual([
      expect.objectContaining({ id: post.externalId, message: 'Hello X & friends <3' }),
    ]);
    expect(post.url).toBe(`${base}/posts/${post.externalId}`);
    const page = await fetch(post.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Hello X &amp; friends &lt;3');
    // The part was marked as sent before the call, then recorded with its id.
    expect(saves.at(-1)).toEqual({ tweetIds: [post.externalId] });
    expect(saves[0]).toMatchObject({ pending: { part: 0 } });
  });

  it('splits a caption into a thread only at a separator line', () => {
    expect(threadParts('one\n---\ntwo\r\n---\r\nthree')).toEqual(['one', 'two', 'three']);
    expect(threadParts('no --- thread')).toEqual(['no --- thread']);
  });

  it('posts a thread, each part replying to the one before', async () => {
    const account = newAccount();
    const { req } = request(
      account,
      'First part\n---\nSecond part\n---\nThird https://example.com',
    );
    const post = await adapter().publish(req);
    const posts = userPosts(account.externalId);
    expect(posts.map((p) => p.message)).toEqual([
      'First part',
      'Second part',
      'Third https://example.com',
    ]);
    expect(post.externalId).toBe(posts[0]!.id);
    const third = await (await fetch(`${base}/posts/${posts[2]!.id}`)).text();
    expect(third).toContain(`Replying to <a href="/x/posts/${posts[1]!.id}"`);
  });

  it('resumes a thread after a lost answer without posting any part twice', async () => {
    const account = newAccount();
    const caption = 'Resume one\n---\nResume two\n---\nResume three';
    // X takes part two but the connection drops before its answer.
    const { req, last } = request(account, caption, null, (p) => {
      const ids = (p as { tweetIds?: string[] }).tweetIds ?? [];
      if (ids.length === 1 && !('pending' in p)) {
        sandbox.injectFault({
          platform: 'x',
          fault: { type: 'drop_connection', afterAccepting: true },
        } satisfies FaultRequest);
      }
    });
    const from = new Date();
    const error = await failure(adapter().publish(req));
    expect(error).toBeInstanceOf(AmbiguousPublishError);
    expect(userPosts(account.externalId).map((p) => p.message)).toEqual([
      'Resume one',
      'Resume two',
    ]);

    // Reconcile: two of three parts exist, so the thread is not published yet.
    const outcome = await adapter().reconcile({
      account,
      content: { caption, media: [] },
      progress: last(),
      window: { from, to: new Date() },
    });
    expect(outcome).toEqual({ status: 'not_published' });

    // The retry finds part two (whose answer was lost) and only posts part three.
    const retry = request(account, caption, last());
    const post = await adapter().publish(retry.req);
    const posts = userPosts(account.externalId);
    expect(posts.map((p) => p.message)).toEqual(['Resume one', 'Resume two', 'Resume three']);
    expect(post.externalId).toBe(posts[0]!.id);
    const page = await (await fetch(`${base}/posts/${posts[2]!.id}`)).text();
    expect(page).toContain(`/x/posts/${posts[1]!.id}`);
  });

  it('reports a lost answer as ambiguous, and reconcile finds the post', async () => {
    const account = newAccount();
    const caption = 'Lost in transit https://example.com/a?b=1 & more';
    sandbox.injectFault({
      platform: 'x',
      fault: { type: 'drop_connection', afterAccepting: true },
    });
    const from = new Date();
    const { req, last } = request(account, caption);
    expect(await failure(adapter().publish(req))).toBeInstanceOf(AmbiguousPublishError);
    const [posted] = userPosts(account.externalId);
    expect(posted).toBeDefined();
    // Found by listing and matching text (X shows it escaped and with a t.co link).
    for (const progress of [last(), null]) {
      const outcome = await adapter().reconcile({
        account,
        content: { caption, media: [] },
        progress,
        window: { from, to: new Date() },
      });
      expect(outcome).toEqual({
        status: 'published',
        post: { externalId: posted!.id, url: `${base}/posts/${posted!.id}` },
      });
    }
  });

  it('reconciles a 5xx that X did not act on as not published, then publishes', async () => {
    const account = newAccount();
    sandbox.injectFault({ platform: 'x', fault: { type: 'graph_error', status: 503, code: 2 } });
    const from = new Date();
    const { req, last } = request(account, 'Try again later');
    const error = await failure(adapter().publish(req));
    expect(error).toBeInstanceOf(AmbiguousPublishError);
    expect(error.platformCode).toBe('http_503');
    const outcome = await adapter().reconcile({
      account,
      content: { caption: 'Try again later', media: [] },
      progress: last(),
      window: { from, to: new Date() },
    });
    expect(outcome).toEqual({ status: 'not_published' });
    await adapter().publish(request(account, 'Try again later', last()).req);
    expect(userPosts(account.externalId)).toHaveLength(1);
  });

  it('treats duplicate content as ambiguous, never as failed', async () => {
    const account = newAccount();
    await adapter().publish(request(account, 'Said it once').req);
    const error = await failure(adapter().publish(request(account, 'Said it once').req));
    expect(error).toBeInstanceOf(AmbiguousPublishError);
    expect(error.platformCode).toBe('duplicate');
    expect(error.message).toMatch(/duplicate content/);
  });

  it('reports a bad token as an auth error', async () => {
    const account = { externalId: '7999', accessToken: 'sbx-x-7999-dev' };
    sandbox.revokeToken(account.accessToken);
    const error = await failure(adapter().publish(request(account, 'no access').req));
    expect(error).toBeInstanceOf(AuthPublishError);
    expect(userPosts('7999')).toHaveLength(0);
  });

  it('turns a 429 into rate_limited with retryAt from x-rate-limit-reset', async () => {
    const account = newAccount();
    const resets: string[] = [];
    const recording = createXAdapter({
      baseUrl: base,
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        resets.push(response.headers.get('x-rate-limit-reset') ?? '');
        return response;
      },
    });
    await fetch(`${base}/__sandbox/settings`, {
      method: 'POST',
      body: JSON.stringify({ tweetsPer15Min: 1 }),
    });
    try {
      await recording.publish(request(account, 'within the cap').req);
      const error = await failure(recording.publish(request(account, 'over the cap').req));
      expect(error).toBeInstanceOf(RateLimitedPublishError);
      expect(error.retryAt?.getTime()).toBe(Number(resets.at(-1)) * 1000);
      expect(error.retryAt!.getTime()).toBeGreaterThan(Date.now());
    } finally {
      await fetch(`${base}/__sandbox/settings`, {
        method: 'POST',
        body: JSON.stringify({ tweetsPer15Min: 100 }),
      });
    }
  });

  it("fails permanently with X's own message when it refuses the post", async () => {
    const account = newAccount();
    // A thread whose first post is gone: X refuses the reply.
    const { req } = request(account, 'gone\n---\nreply to nothing', { tweetIds: ['1'] });
    const error = await failure(adapter().publish(req));
    expect(error).toBeInstanceOf(PermanentPublishError);
    expect(error.message).toBe(
      'You attempted to reply to a Tweet that is deleted or not visible to you.',
    );
  });

  it('refuses a part over 280 weighted characters before calling X', async () => {
    const account = newAccount();
    const error = await failure(
      adapter().publish(request(account, `short\n---\n${'語'.repeat(141)}`).req),
    );
    expect(error).toBeInstanceOf(PermanentPublishError);
    expect(error.message).toBe('Post 2 of the thread is 282 characters; X allows 280.');
    expect(userPosts(account.externalId)).toHaveLength(0);
  });
});

describe('refreshToken', () => {
  it('rotates refresh tokens: the new access token works and the old refresh token does not', async () => {
    const at = new Date('2026-12-03T12:00:00Z');
    const x = createXAdapter({ baseUrl: base, clientId: 'herald-test', now: () => at });
    const fresh = await x.refreshToken!({
      accessToken: 'sbx-x-7050-old',
      refreshToken: 'sbxr-x-7050-first',
    });
    expect(fresh.accessToken).toMatch(/^sbx-x-7050-/);
    expect(fresh.refreshToken).toMatch(/^sbxr-x-7050-/);
    expect(fresh.expiresAt).toEqual(new Date(at.getTime() + 7200_000));
    await x.publish(
      request({ externalId: '7050', accessToken: fresh.accessToken }, 'fresh token').req,
    );
    const reuse = await failure(
      x.refreshToken!({ accessToken: fresh.accessToken, refreshToken: 'sbxr-x-7050-first' }),
    );
    expect(reuse).toBeInstanceOf(AuthPublishError);
    expect(reuse.message).toMatch(/Value passed for the token was invalid/);
    const again = await x.refreshToken!({
      accessToken: fresh.accessToken,
      refreshToken: fresh.refreshToken!,
    });
    expect(again.refreshToken).not.toBe(fresh.refreshToken);
  });
});

describe('registry', () => {
  it('creates the X adapter when configured', () => {
    const adapterFor = createAdapterRegistry({
      facebook: { baseUrl: 'http://127.0.0.1:9/facebook' },
      x: { baseUrl: base },
    });
    expect(adapterFor('x').platform).toBe('x');
    expect(adapterFor('x').rules.maxCaptionLength).toBe(280);
  });

  it('links to x.com without a username in production', async () => {
    const x = createXAdapter({
      baseUrl: 'https://api.x.com',
      fetch: () =>
        Promise.resolve(
          new Response(JSON.stringify({ data: { id: '42', text: 'hi' } }), { status: 201 }),
        ),
    });
    const post = await x.publish(request(newAccount(), 'hi').req);
    expect(post.url).toBe('https://x.com/i/web/status/42');
  });
});
