// The Google Business Profile adapter against the real sandbox over HTTP: each kind of post,
// a photo Google fetches from a local host, the review Google keeps a post in (waited on, then
// resumed from the saved post name without posting twice), Google's errors classified, lost
// answers settled by reconcile, and metrics.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sandboxToken, startSandbox, type FaultRequest, type Sandbox } from '@herald/sandbox';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AmbiguousPublishError,
  AuthPublishError,
  NotReadyPublishError,
  PermanentPublishError,
  RateLimitedPublishError,
  RetryablePublishError,
  type PublishError,
} from '../errors.ts';
import { createAdapterRegistry } from '../registry.ts';
import type { ProviderProgress, PublishMedia, PublishRequest } from '../types.ts';
import { createGoogleBusinessAdapter, type GoogleBusinessAdapterConfig } from './adapter.ts';
import type { TargetSettings } from '../../domain/target-settings.ts';

const AVERY = '104000000000000000001';
const SAM = '104000000000000000002';
const TOKEN = sandboxToken('google_business', AVERY, 'adapter');
const SAM_TOKEN = sandboxToken('google_business', SAM, 'adapter');
const HARBOUR = 'accounts/1100000000000000001/locations/2200000000000000001';
const MARKET = 'accounts/1100000000000000001/locations/2200000000000000002';
const ROASTERY = 'accounts/1100000000000000002/locations/2200000000000000003';
const FJORD = 'accounts/1100000000000000003/locations/2200000000000000004';
const BAKERY = 'accounts/1100000000000000003/locations/2200000000000000005';
const NOW = new Date('2026-12-03T12:00:00Z');

/** Serves files at fresh paths, as signed storage URLs do, and counts each file's GETs. */
class MediaHost {
  readonly #files = new Map<string, { body: Buffer; type: string; gets: number }>();
  readonly #server: Server = createServer((req, res) => {
    const file = this.#files.get(req.url ?? '/');
    if (!file) return res.writeHead(404).end();
    file.gets += 1;
    res.writeHead(200, { 'content-type': file.type, 'content-length': file.body.length });
    res.end(file.body);
  });
  url = '';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  serve(name: string, body: Buffer, type: string): string {
    const path = `/${Math.random().toString(36).slice(2)}/${name}`;
    this.#files.set(path, { body, type, gets: 0 });
    return `${this.url}${path}`;
  }

  gets(url: string): number {
    return this.#files.get(new URL(url).pathname)?.gets ?? 0;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }
}

/** A photo of seeded noise (so it stays above Google's 10 KB floor), as JPEG or PNG. */
async function noisePhoto(width: number, height: number, seed: number, format: 'jpeg' | 'png') {
  const pixels = Buffer.alloc(width * height * 3);
  let state = seed >>> 0;
  for (let i = 0; i < pixels.length; i += 1) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    pixels[i] = state >>> 24;
  }
  const image = sharp(pixels, { raw: { width, height, channels: 3 } });
  return format === 'jpeg' ? image.jpeg({ quality: 90 }).toBuffer() : image.png().toBuffer();
}

let sandbox: Sandbox;
let host: MediaHost;
let jpeg: Buffer;
let png: Buffer;
beforeAll(async () => {
  host = new MediaHost();
  [sandbox, jpeg, png] = await Promise.all([
    startSandbox({ port: 0 }),
    noisePhoto(400, 300, 7, 'jpeg'),
    noisePhoto(300, 300, 11, 'png'),
    host.start(),
  ]);
});
afterAll(() => Promise.all([sandbox.close(), host.close()]));
afterEach(async () => {
  sandbox.clearFaults();
  await settings({ processingPolls: 1, requestsPerMinute: 300, dailyPostsPerLocation: null });
});

async function settings(body: object) {
  const response = await fetch(`${sandbox.baseUrl('google_business')}/__sandbox/settings`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
}

/** Every request the adapter made, in order, with its JSON body. */
let sent: Array<{ method: string; url: string; body: unknown }> = [];
const recording: typeof fetch = async (input, init) => {
  const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
  const url = input instanceof Request ? input.url : input.toString();
  sent.push({ method: init?.method ?? 'GET', url, body });
  return fetch(input, init);
};
afterEach(() => {
  sent = [];
});

const adapter = (config: Partial<GoogleBusinessAdapterConfig> = {}) =>
  createGoogleBusinessAdapter({
    baseUrl: sandbox.baseUrl('google_business'),
    fetch: recording,
    now: () => NOW,
    ...config,
  });
const fault = (request: Omit<FaultRequest, 'platform'>) =>
  sandbox.injectFault({ platform: 'google_business', ...request });
const unique = (label: string) => `${label} ${Math.random().toString(36).slice(2)}`;
const postsWith = (caption: string) =>
  sandbox.posts().filter((p) => p.platform === 'google_business' && p.message === caption);

function request(
  caption: string,
  options: {
    location?: string;
    token?: string;
    settings?: TargetSettings;
    media?: PublishMedia[];
    progress?: ProviderProgress | null;
  } = {},
) {
  const saved: ProviderProgress[] = [];
  const req: PublishRequest = {
    account: { externalId: options.location ?? HARBOUR, accessToken: options.token ?? TOKEN },
    content: {
      caption,
      media: options.media ?? [],
      ...(options.settings ? { settings: options.settings } : {}),
    },
    progress: options.progress ?? null,
    saveProgress: (next) => {
      saved.push(structuredClone(next));
      return Promise.resolve();
    },
  };
  return { req, saved };
}

function photo(overrides: Partial<PublishMedia> = {}): PublishMedia {
  return {
    assetId: 'asset-photo',
    kind: 'image',
    name: 'roast.jpg',
    url: host.serve('roast.jpg', jpeg, 'image/jpeg'),
    contentType: 'image/jpeg',
    sizeBytes: jpeg.length,
    width: 400,
    height: 300,
    durationMs: null,
    ...overrides,
  };
}

async function failure(promise: Promise<unknown>): Promise<PublishError> {
  return (await promise.then(
    () => expect.unreachable('the call should have failed'),
    (e: unknown) => e,
  )) as PublishError;
}

/** The post as Google holds it, read straight from the sandbox's v4 API. */
async function googlePost(name: string, token = TOKEN) {
  const response = await fetch(`${sandbox.baseUrl('google_business')}/v4/${name}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return (await response.json()) as Record<string, unknown>;
}

describe('publishing', () => {
  it('posts text with a button, and saves the post’s name as soon as Google gives it', async () => {
    const caption = unique('Cinnamon buns are out of the oven');
    const { req, saved } = request(caption, {
      settings: {
        languageCode: 'en',
        callToAction: { actionType: 'ORDER', url: 'https://northwind.example/order' },
      },
    });
    const published = await adapter().publish(req);
    const [post] = postsWith(caption);
    expect(published.externalId).toBe(post!.id);
    expect(published.externalId).toMatch(new RegExp(`^${HARBOUR}/localPosts/\\d+$`));
    expect((await fetch(published.url)).status).toBe(200);
    expect(saved).toEqual([
      {
        post: {
          name: published.externalId,
          searchUrl: published.url,
          acceptedAt: NOW.toISOString(),
        },
      },
    ]);
    expect(sent.map((s) => [s.method, s.url])).toEqual([
      ['POST', `${sandbox.baseUrl('google_business')}/v4/${HARBOUR}/localPosts`],
    ]);
    expect(sent[0]!.body).toEqual({
      topicType: 'STANDARD',
      languageCode: 'en',
      summary: caption,
      callToAction: { actionType: 'ORDER', url: 'https://northwind.example/order' },
    });
  });

  it('sends a CALL button without a link', async () => {
    const caption = unique('Ring us for a table');
    const published = await adapter().publish(
      request(caption, { settings: { callToAction: { actionType: 'CALL' } } }).req,
    );
    expect((await googlePost(published.externalId)).callToAction).toEqual({ actionType: 'CALL' });
  });

  it('posts an event in the location’s local time, as written in its schedule', async () => {
    const caption = unique('Jazz night at the roastery');
    const published = await adapter().publish(
      request(caption, {
        location: ROASTERY,
        settings: {
          topicType: 'EVENT',
          event: {
            title: 'Jazz night',
            schedule: { startAt: '2027-01-15T19:30:00+01:00', endAt: '2027-01-15T23:00:00+01:00' },
          },
          callToAction: { actionType: 'BOOK', url: 'https://northwind.example/jazz' },
        },
      }).req,
    );
    expect(await googlePost(published.externalId)).toMatchObject({
      topicType: 'EVENT',
      summary: caption,
      state: 'LIVE',
      event: {
        title: 'Jazz night',
        schedule: {
          startDate: { year: 2027, month: 1, day: 15 },
          startTime: { hours: 19, minutes: 30 },
          endDate: { year: 2027, month: 1, day: 15 },
          endTime: { hours: 23, minutes: 0 },
        },
      },
      callToAction: { actionType: 'BOOK', url: 'https://northwind.example/jazz' },
    });
  });

  it('posts an offer with its code, link and terms', async () => {
    const caption = unique('Two coffees for one');
    const published = await adapter().publish(
      request(caption, {
        location: MARKET,
        settings: {
          topicType: 'OFFER',
          event: {
            title: 'January two-for-one',
            schedule: { startAt: '2027-01-01T07:00:00+01:00', endAt: '2027-01-31T18:00:00+01:00' },
          },
          offer: {
            couponCode: 'JAN2FOR1',
            redeemOnlineUrl: 'https://northwind.example/jan',
            termsConditions: 'One per visit.',
          },
        },
      }).req,
    );
    expect(await googlePost(published.externalId)).toMatchObject({
      topicType: 'OFFER',
      event: { title: 'January two-for-one' },
      offer: {
        couponCode: 'JAN2FOR1',
        redeemOnlineUrl: 'https://northwind.example/jan',
        termsConditions: 'One per visit.',
      },
    });
  });

  it('waits on Google’s review of a photo post, then resumes from the saved name without posting again', async () => {
    const caption = unique('The new single origin');
    const media = photo();
    const first = request(caption, { media: [media] });
    const waiting = await failure(adapter().publish(first.req));
    expect(waiting).toBeInstanceOf(NotReadyPublishError);
    expect(waiting.retryAt).toEqual(new Date(NOW.getTime() + 60_000));
    expect(first.saved).toHaveLength(1);
    const progress = first.saved[0]!;
    expect(host.gets(media.url)).toBe(1);

    // Still under review at the next look (the sandbox reviews for one read).
    const second = request(caption, { media: [media], progress });
    expect(await failure(adapter().publish(second.req))).toBeInstanceOf(NotReadyPublishError);
    const third = request(caption, { media: [media], progress });
    const published = await adapter().publish(third.req);

    expect(postsWith(caption)).toHaveLength(1);
    expect(published.externalId).toBe(postsWith(caption)[0]!.id);
    expect(host.gets(media.url)).toBe(1);
    expect(second.saved).toEqual([]);
    expect(sent.filter((s) => s.method === 'POST')).toHaveLength(1);
    expect(sandbox.media().filter((m) => m.postId === published.externalId)).toEqual([
      expect.objectContaining({ kind: 'image', contentType: 'image/jpeg', sizeBytes: jpeg.length }),
    ]);
  });

  it('takes a PNG', async () => {
    const caption = unique('PNG menu');
    const media = photo({
      name: 'menu.png',
      url: host.serve('menu.png', png, 'image/png'),
      contentType: 'image/png',
      sizeBytes: png.length,
      width: 300,
      height: 300,
    });
    await settings({ processingPolls: 0 });
    const first = request(caption, { media: [media] });
    await failure(adapter().publish(first.req));
    const published = await adapter().publish(request(caption, { progress: first.saved[0]! }).req);
    expect(published.externalId).toBe(postsWith(caption)[0]!.id);
  });

  it('counts a post still under review after the wait as published: it exists', async () => {
    await settings({ processingPolls: 50 });
    const caption = unique('Long review');
    const first = request(caption, { media: [photo()] });
    await failure(adapter().publish(first.req));
    const later = adapter({ now: () => new Date(NOW.getTime() + 10 * 60_000) });
    const published = await later.publish(request(caption, { progress: first.saved[0]! }).req);
    expect(published.externalId).toBe(postsWith(caption)[0]!.id);
    expect((await googlePost(published.externalId)).state).toBe('PROCESSING');
  });

  it('fails a post Google’s review rejects, saying why', async () => {
    await settings({ processingPolls: 0 });
    const caption = unique('Book on 555-010-0199 today');
    const first = request(caption);
    expect(await failure(adapter().publish(first.req))).toBeInstanceOf(NotReadyPublishError);
    const rejected = await failure(
      adapter().publish(request(caption, { progress: first.saved[0]! }).req),
    );
    expect(rejected).toBeInstanceOf(PermanentPublishError);
    expect(rejected.platformCode).toBe('REJECTED');
    expect(rejected.message).toMatch(/phone number in the text \(use a CALL button instead\)/);
  });

  it.each([
    [
      'a WebP',
      { contentType: 'image/webp', name: 'a.webp' },
      /JPEG or PNG photos; “a.webp” is image\/webp/,
    ],
    [
      'a photo under 250 pixels',
      { width: 400, height: 200 },
      /at least 250 × 250 pixels; “roast.jpg” is 400 × 200/,
    ],
    ['a photo over 5 MB', { sizeBytes: 6 * 1024 * 1024 }, /10 KB to 5 MB; “roast.jpg” is 6.0 MB/],
    [
      'a video',
      { kind: 'video' as const, name: 'clip.mp4', contentType: 'video/mp4' },
      /photos only/,
    ],
  ])('refuses %s before calling Google', async (_, overrides, message) => {
    const error = await failure(
      adapter().publish(request('With a file', { media: [photo(overrides)] }).req),
    );
    expect(error).toBeInstanceOf(PermanentPublishError);
    expect(error.message).toMatch(message);
    expect(sent).toEqual([]);
  });

  it('refuses two photos, an empty standard post, 1,501 characters and a bad account id', async () => {
    const two = await failure(adapter().publish(request('Two', { media: [photo(), photo()] }).req));
    expect(two.message).toBe(
      'A Google Business Profile post shows one photo; this one has 2. Keep one.',
    );
    const empty = await failure(adapter().publish(request('  ').req));
    expect(empty.message).toBe('A standard Google Business Profile post needs text.');
    const long = await failure(adapter().publish(request('é'.repeat(1501)).req));
    expect(long.message).toBe('The post is 1501 characters; Google Business Profile allows 1500.');
    const bad = await failure(
      adapter().publish(request('Hi', { location: 'locations/2200000000000000001' }).req),
    );
    expect(bad.message).toMatch(/is not a Business Profile location/);
    const settingsProblem = await failure(
      adapter().publish(request('Hi', { settings: { topicType: 'EVENT' } }).req),
    );
    expect(settingsProblem.message).toBe(
      'Google Business Profile settings: event: event and offer posts need a title and a start and end.',
    );
    expect(sent).toEqual([]);
  });
});

describe('Google’s errors', () => {
  it('turns a refusal Herald could not foresee into a permanent failure naming the field', async () => {
    // 1,500 characters as a reader counts them, but 3,000 code points as Google counts them.
    const error = await failure(adapter().publish(request('👍🏽'.repeat(1500)).req));
    expect(error).toBeInstanceOf(PermanentPublishError);
    expect(error.message).toBe(
      'Google Business Profile refused the post: summary: Must be at most 1500 characters.',
    );
  });

  it('asks for a reconnect on a revoked token, a location the user lost, and one Google no longer has', async () => {
    const revoked = sandboxToken('google_business', AVERY, 'revoked');
    sandbox.revokeToken(revoked);
    const dead = await failure(adapter().publish(request('Hi', { token: revoked }).req));
    expect(dead).toBeInstanceOf(AuthPublishError);
    expect(dead.platformCode).toBe('UNAUTHENTICATED/ACCESS_TOKEN_TYPE_UNSUPPORTED');
    const theirs = await failure(adapter().publish(request('Hi', { location: FJORD }).req));
    expect(theirs).toBeInstanceOf(AuthPublishError);
    expect(theirs.platformCode).toBe('PERMISSION_DENIED');
    const gone = await failure(
      adapter().publish(
        request('Hi', { location: 'accounts/1100000000000000001/locations/404' }).req,
      ),
    );
    expect(gone).toBeInstanceOf(AuthPublishError);
    expect(gone.message).toMatch(/cannot find this location/);
  });

  it('backs off a per-minute quota for a minute', async () => {
    await settings({ requestsPerMinute: 1 });
    await fetch(`${sandbox.baseUrl('google_business')}/v1/accounts`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const error = await failure(adapter().publish(request(unique('Busy minute')).req));
    expect(error).toBeInstanceOf(RateLimitedPublishError);
    expect(error.retryAt).toEqual(new Date(NOW.getTime() + 60_000));
  });

  it('backs off a location’s daily limit until midnight Pacific', async () => {
    await settings({ dailyPostsPerLocation: 0 });
    const error = await failure(adapter().publish(request(unique('Too many today')).req));
    expect(error).toBeInstanceOf(RateLimitedPublishError);
    // 04:00 Pacific on 3 December: the quota day ends at 08:00 UTC on the 4th.
    expect(error.retryAt).toEqual(new Date('2026-12-04T08:00:00Z'));
    expect(error.message).toMatch(/Local posts per day per location/);
  });

  it('retries when Google could not fetch the photo (nothing was made)', async () => {
    const caption = unique('Missing photo');
    const error = await failure(
      adapter().publish(request(caption, { media: [photo({ url: `${host.url}/gone.jpg` })] }).req),
    );
    expect(error).toBeInstanceOf(RetryablePublishError);
    expect(error.platformCode).toBe('INVALID_ARGUMENT/PHOTO_FETCH_FAILED');
    expect(postsWith(caption)).toEqual([]);
  });

  it('treats a server error on the create as ambiguous, and on a later look as retryable', async () => {
    fault({ fault: { type: 'graph_error', status: 503, code: 0 } });
    const error = await failure(adapter().publish(request(unique('Outage')).req));
    expect(error).toBeInstanceOf(AmbiguousPublishError);
    expect(error.message).toBe(
      'Google Business Profile answered HTTP 503: The service is currently unavailable.',
    );
    const progress = { post: { name: `${HARBOUR}/localPosts/1`, acceptedAt: NOW.toISOString() } };
    fault({ on: 'read', fault: { type: 'graph_error', status: 500, code: 0 } });
    expect(await failure(adapter().publish(request('x', { progress }).req))).toBeInstanceOf(
      RetryablePublishError,
    );
  });

  it('fails clearly when the post it saved has been deleted since', async () => {
    const progress = { post: { name: `${HARBOUR}/localPosts/999`, acceptedAt: NOW.toISOString() } };
    const error = await failure(adapter().publish(request('Deleted', { progress }).req));
    expect(error).toBeInstanceOf(PermanentPublishError);
    expect(error.message).toMatch(/no longer on the profile: someone deleted it/);
  });
});

describe('reconcile', () => {
  const window = (ms = 60_000) => ({
    from: new Date(Date.now() - ms),
    to: new Date(Date.now() + ms),
  });

  it('finds the post of an attempt whose answer was lost', async () => {
    const caption = unique('Answer lost on the way back');
    fault({ account: BAKERY, fault: { type: 'drop_connection', afterAccepting: true } });
    const { req, saved } = request(caption, { location: BAKERY, token: SAM_TOKEN });
    const lost = await failure(adapter().publish(req));
    expect(lost).toBeInstanceOf(AmbiguousPublishError);
    expect(saved).toEqual([]);
    const outcome = await adapter().reconcile({
      account: req.account,
      content: req.content,
      progress: null,
      window: window(),
    });
    const [post] = postsWith(caption);
    expect(outcome).toEqual({
      status: 'published',
      post: {
        externalId: post!.id,
        url: expect.stringContaining('/google_business/posts/') as string,
      },
    });
  });

  it('finds it too after a timeout, and by its saved name when it has one', async () => {
    const caption = unique('Slow answer');
    fault({ account: BAKERY, fault: { type: 'delay', ms: 1_000 } });
    const { req } = request(caption, { location: BAKERY, token: SAM_TOKEN });
    expect(await failure(adapter({ timeoutMs: 200 }).publish(req))).toBeInstanceOf(
      AmbiguousPublishError,
    );
    const found = await adapter().reconcile({ ...req, progress: null, window: window() });
    expect(found.status).toBe('published');
    const name = found.status === 'published' ? found.post.externalId : '';
    const byName = await adapter().reconcile({
      ...req,
      progress: { post: { name, acceptedAt: NOW.toISOString() } },
      window: window(),
    });
    expect(byName).toEqual(found);
  });

  it('says not published when nothing with the caption was made in the window', async () => {
    const caption = unique('Posted long before');
    await adapter().publish(request(caption, { location: BAKERY, token: SAM_TOKEN }).req);
    const { req } = request(caption, { location: BAKERY, token: SAM_TOKEN });
    const later = { from: new Date(Date.now() + 3_600_000), to: new Date(Date.now() + 3_660_000) };
    expect(await adapter().reconcile({ ...req, progress: null, window: later })).toEqual({
      status: 'not_published',
    });
    const never = request(unique('Never sent'), { location: BAKERY, token: SAM_TOKEN }).req;
    expect(await adapter().reconcile({ ...never, progress: null, window: window() })).toEqual({
      status: 'not_published',
    });
  });

  it('reports a rejected post instead of calling it published', async () => {
    await settings({ processingPolls: 0 });
    const caption = unique('Call +47 55 00 11 22 now');
    const first = request(caption, { location: MARKET });
    await failure(adapter().publish(first.req));
    const listed = await adapter().reconcile({ ...first.req, progress: null, window: window() });
    expect(listed.status).toBe('unknown');
    expect(listed.status === 'unknown' && listed.reason).toMatch(
      /rejected it under its content policy/,
    );
    expect(
      await adapter().reconcile({ ...first.req, progress: first.saved[0]!, window: window() }),
    ).toEqual({
      status: 'not_published',
    });
  });

  it('says unknown when Google cannot be asked', async () => {
    fault({ on: 'read', fault: { type: 'graph_error', status: 500, code: 0 } });
    const { req } = request('Anything');
    const outcome = await adapter().reconcile({ ...req, progress: null, window: window() });
    expect(outcome.status).toBe('unknown');
  });
});

describe('metrics', () => {
  it('confirms the post stands and reports no counts: Google keeps none per post', async () => {
    const published = await adapter().publish(request(unique('Measured')).req);
    const account = { externalId: HARBOUR, accessToken: TOKEN };
    await expect(adapter().fetchMetrics!({ account, post: published })).resolves.toEqual({
      likes: null,
      comments: null,
      shares: null,
      impressions: null,
      views: null,
    });
    const gone = await failure(
      adapter().fetchMetrics!({
        account,
        post: { externalId: `${HARBOUR}/localPosts/404`, url: published.url },
      }),
    );
    expect(gone).toBeInstanceOf(PermanentPublishError);
  });
});

describe('the registry', () => {
  it('publishes to Google Business Profile when it is configured', () => {
    const adapterFor = createAdapterRegistry({
      facebook: { baseUrl: sandbox.facebookBaseUrl },
      google_business: { baseUrl: sandbox.baseUrl('google_business') },
    });
    expect(adapterFor('google_business').platform).toBe('google_business');
    // No OAuth client configured: nothing to refresh with.
    expect('refreshToken' in adapterFor('google_business')).toBe(false);
  });
});
