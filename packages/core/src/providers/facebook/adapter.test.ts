// The Facebook adapter against the real sandbox over HTTP: each platform behaviour Herald must
// tell apart, and whether the "platform" actually published (the reason for `ambiguous`).
import { startSandbox, type FaultRequest, type Sandbox } from '@herald/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AmbiguousPublishError,
  AuthPublishError,
  PermanentPublishError,
  RateLimitedPublishError,
  RetryablePublishError,
  type PublishError,
} from '../errors.ts';
import type { ProviderProgress, ReconcileRequest } from '../types.ts';
import { createFacebookAdapter, type FacebookAdapterConfig } from './adapter.ts';

const PAGE = '1000000101';
const TOKEN = `sbx-page-${PAGE}-adapter`;

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.clearFaults());

interface Options {
  accessToken?: string;
  signal?: AbortSignal;
  progress?: ProviderProgress | null;
}

const adapter = (config: Partial<FacebookAdapterConfig> = {}) =>
  createFacebookAdapter({ baseUrl: sandbox.facebookBaseUrl, ...config });

function publish(
  caption: string,
  config: Partial<FacebookAdapterConfig> = {},
  options: Options = {},
) {
  return adapter(config).publish({
    account: { externalId: PAGE, accessToken: options.accessToken ?? TOKEN },
    content: { caption, media: [] },
    progress: options.progress ?? null,
    saveProgress: () => Promise.reject(new Error('a text post has no step worth saving')),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

async function publishError(...args: Parameters<typeof publish>): Promise<PublishError> {
  const error = await publish(...args).then(
    () => expect.unreachable('publish should have failed'),
    (e: unknown) => e,
  );
  return error as PublishError;
}

const fault = (request: Omit<FaultRequest, 'platform'>) =>
  sandbox.injectFault({ platform: 'facebook', ...request });
const received = (caption: string) => sandbox.posts().filter((p) => p.message === caption);
const unique = (label: string) => `${label} ${Math.random().toString(36).slice(2)}`;

/** A delay fault no test outlasts: the request hangs until the client gives up or the sandbox closes. */
const HANGS = 600_000;

/** Resolves once `condition` holds, checking on each turn of the event loop. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

describe('success', () => {
  it("returns the platform's id and a permalink to the sandbox's page for the post", async () => {
    const caption = unique('Fresh roast & cold brew = 100% ☕\nsecond line');
    const published = await publish(caption);
    const [post] = received(caption);
    expect(post).toBeDefined();
    expect(published).toEqual({
      externalId: post!.id,
      url: `${sandbox.url}/facebook/posts/${post!.id}`,
    });
    expect(post!.accountId).toBe(PAGE);
    expect((await fetch(published.url)).status).toBe(200);
  });

  it('sends a form-encoded POST with a bearer token to {baseUrl}/{version}/{page}/feed', async () => {
    const seen: { url: string; method?: string; auth: string | null; type: string | null }[] = [];
    const recordingFetch: typeof fetch = (input, init) => {
      const request = new Request(input, init);
      seen.push({
        url: request.url,
        method: request.method,
        auth: request.headers.get('authorization'),
        type: request.headers.get('content-type'),
      });
      return fetch(input, init);
    };
    await publish(unique('protocol'), {
      baseUrl: `${sandbox.facebookBaseUrl}/`,
      apiVersion: 'v19.0',
      fetch: recordingFetch,
    });
    expect(seen[0]).toEqual({
      url: `${sandbox.facebookBaseUrl}/v19.0/${PAGE}/feed`,
      method: 'POST',
      auth: `Bearer ${TOKEN}`,
      type: expect.stringMatching(/^application\/x-www-form-urlencoded/),
    });
    // The link is built from the id: one request per publish.
    expect(seen).toHaveLength(1);
  });
});

describe('the platform refuses', () => {
  it('a bad token is an auth error with code 190, and nothing is published', async () => {
    const caption = unique('bad token');
    const error = await publishError(caption, {}, { accessToken: 'not-a-sandbox-token' });
    expect(error).toBeInstanceOf(AuthPublishError);
    expect(error.platformCode).toBe('190');
    expect(error.message).toMatch(/Reconnect the Page/);
    expect(received(caption)).toHaveLength(0);
  });

  it('a revoked token reports why (190/460)', async () => {
    const token = `sbx-page-${PAGE}-revoked`;
    sandbox.revokeToken(token, 460);
    const error = await publishError(unique('revoked'), {}, { accessToken: token });
    expect(error).toBeInstanceOf(AuthPublishError);
    expect(error.platformCode).toBe('190/460');
    expect(error.message).toMatch(/password was changed/);
  });

  it.each([
    {
      name: 'code 2 (transient)',
      inject: { type: 'graph_error', status: 503, code: 2 },
      expected: RetryablePublishError,
      platformCode: '2',
    },
    {
      name: 'code 4 (app rate limit)',
      inject: { type: 'graph_error', status: 400, code: 4 },
      expected: RateLimitedPublishError,
      platformCode: '4',
    },
    {
      name: 'code 506 (duplicate)',
      inject: { type: 'graph_error', status: 400, code: 506 },
      expected: AmbiguousPublishError,
      platformCode: '506',
    },
    {
      name: 'code 100 (invalid parameter)',
      inject: { type: 'graph_error', status: 400, code: 100, error_user_msg: 'Too long.' },
      expected: PermanentPublishError,
      platformCode: '100',
    },
    {
      name: 'a bare HTTP 502',
      inject: { type: 'http_status', status: 502 },
      expected: AmbiguousPublishError,
      platformCode: 'http_502',
    },
  ] as const)('$name → $expected.name', async ({ inject, expected, platformCode }) => {
    fault({ fault: inject });
    const error = await publishError(unique('refused'));
    expect(error).toBeInstanceOf(expected);
    expect(error.platformCode).toBe(platformCode);
  });

  it('a Pages rate limit carries the time Facebook gives in X-Business-Use-Case-Usage', async () => {
    const usage = { [PAGE]: [{ type: 'pages', estimated_time_to_regain_access: 7 }] };
    fault({
      fault: {
        type: 'graph_error',
        status: 400,
        code: 80001,
        headers: { 'x-business-use-case-usage': JSON.stringify(usage) },
      },
    });
    const now = new Date('2026-11-23T12:00:00.000Z');
    const error = await publishError(unique('buc'), { now: () => now });
    expect(error).toBeInstanceOf(RateLimitedPublishError);
    expect(error.retryAt).toEqual(new Date('2026-11-23T12:07:00.000Z'));
  });
});

describe('no answer', () => {
  it('a timeout is ambiguous — and the platform did publish', async () => {
    // The platform acts, then never answers (until the sandbox closes): only our timeout ends it.
    fault({ fault: { type: 'delay', ms: HANGS } });
    const caption = unique('slow');
    const error = await publishError(caption, { timeoutMs: 200 });
    expect(error).toBeInstanceOf(AmbiguousPublishError);
    expect(error.message).toBe('Facebook did not answer within 0.2 s.');
    expect(received(caption)).toHaveLength(1);
  });

  it.each([false, true])(
    'a dropped connection is ambiguous (afterAccepting: %s)',
    async (afterAccepting) => {
      fault({ fault: { type: 'drop_connection', afterAccepting } });
      const caption = unique('dropped');
      const error = await publishError(caption);
      expect(error).toBeInstanceOf(AmbiguousPublishError);
      expect(received(caption)).toHaveLength(afterAccepting ? 1 : 0);
    },
  );

  it('a caller abort after sending is ambiguous; before sending it is retryable', async () => {
    fault({ fault: { type: 'delay', ms: HANGS } });
    const controller = new AbortController();
    const aborted = unique('aborted');
    const during = publishError(aborted, {}, { signal: controller.signal });
    // Abort once the platform has the post, not after a guessed delay.
    await until(() => received(aborted).length === 1);
    controller.abort();
    expect(await during).toBeInstanceOf(AmbiguousPublishError);

    const caption = unique('cancelled');
    const before = await publishError(caption, {}, { signal: AbortSignal.abort() });
    expect(before).toBeInstanceOf(RetryablePublishError);
    expect(received(caption)).toHaveLength(0);
  });

  it('connection refused is retryable: nothing reached the platform', async () => {
    const gone = await startSandbox({ port: 0 });
    await gone.close();
    const error = await publishError(unique('refused'), { baseUrl: gone.facebookBaseUrl });
    expect(error).toBeInstanceOf(RetryablePublishError);
    expect(error.message).toMatch(/ECONNREFUSED/);
  });
});

describe('progress', () => {
  it('continues from a known post id without posting again', async () => {
    const first = await publish(unique('resumed'));
    const before = sandbox.posts().length;
    const again = await publish(
      'ignored: the post exists',
      {},
      { progress: { postId: first.externalId } },
    );
    expect(again).toEqual(first);
    expect(sandbox.posts()).toHaveLength(before);
  });

  it('progress it cannot read (an older shape) is ignored: it publishes afresh', async () => {
    const caption = unique('old shape');
    await publish(caption, {}, { progress: { containerId: 42 } });
    expect(received(caption)).toHaveLength(1);
  });
});

describe('reconcile', () => {
  const reconcile = (caption: string, request: Partial<ReconcileRequest> = {}, config = {}) => {
    const now = Date.now();
    return adapter(config).reconcile({
      account: { externalId: PAGE, accessToken: TOKEN },
      content: { caption, media: [] },
      progress: null,
      window: { from: new Date(now - 60_000), to: new Date(now) },
      ...request,
    });
  };

  it('finds the post by the id the attempt reported', async () => {
    const published = await publish(unique('by id'));
    expect(await reconcile('whatever', { progress: { postId: published.externalId } })).toEqual({
      status: 'published',
      post: published,
    });
  });

  it("finds a post whose answer was lost by its exact text in the Page's feed", async () => {
    fault({ fault: { type: 'drop_connection', afterAccepting: true } });
    const caption = unique('lost answer');
    await publishError(caption);
    const [post] = received(caption);
    expect(await reconcile(caption)).toEqual({
      status: 'published',
      post: { externalId: post!.id, url: `${sandbox.url}/facebook/posts/${post!.id}` },
    });
  });

  it('answers not published when the feed around the attempt lacks the text', async () => {
    fault({ fault: { type: 'drop_connection', afterAccepting: false } });
    const caption = unique('never arrived');
    await publishError(caption);
    expect(await reconcile(caption)).toEqual({ status: 'not_published' });
  });

  it('looks only around the attempt: an older identical post is not ours', async () => {
    const caption = unique('yesterday');
    await publish(caption);
    const dayAgo = Date.now() - 24 * 3_600_000;
    const window = { from: new Date(dayAgo - 60_000), to: new Date(dayAgo) };
    expect(await reconcile(caption, { window })).toEqual({ status: 'not_published' });
  });

  it('reads past the first page of the feed', async () => {
    const caption = unique('deep');
    await publish(caption);
    for (let i = 0; i < 105; i += 1) await publish(unique('filler'));
    expect(await reconcile(caption)).toMatchObject({ status: 'published' });
  });

  it.each<{ name: string; inject: FaultRequest['fault'] }>([
    { name: 'a 500', inject: { type: 'http_status', status: 500 } },
    { name: 'a Graph error', inject: { type: 'graph_error', status: 400, code: 190 } },
    { name: 'a dropped connection', inject: { type: 'drop_connection' } },
  ])('is unknown, with the reason, when the feed read fails with $name', async ({ inject }) => {
    fault({ on: 'read', fault: inject });
    const outcome = await reconcile(unique('unreadable'));
    expect(outcome).toMatchObject({
      status: 'unknown',
      reason: expect.stringMatching(/^Herald could not read the Page's recent posts: /),
    });
  });
});

describe("the post's link", () => {
  it('is www.facebook.com/{id} for the real Graph API, or the configured web URL', async () => {
    const graphOnly: typeof fetch = (input, init) =>
      fetch(
        new Request(input, init).url.replace('https://graph.facebook.com', sandbox.facebookBaseUrl),
        init,
      );
    const real = await publish(unique('real'), {
      baseUrl: 'https://graph.facebook.com',
      fetch: graphOnly,
    });
    expect(real.url).toBe(`https://www.facebook.com/${real.externalId}`);
    const custom = await publish(unique('custom'), { webUrl: 'https://fb.example/' });
    expect(custom.url).toBe(`https://fb.example/${custom.externalId}`);
  });
});
