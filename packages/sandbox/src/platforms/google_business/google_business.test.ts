// Google Business Profile over real HTTP: local posts (text, photo fetched from a local host,
// events and offers), the review that keeps a post PROCESSING for some reads, Google's
// validation and error envelopes, quotas, faults, the account and location listings, and the
// OAuth consent page, token and revoke endpoints.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sandboxToken, startSandbox, type Sandbox } from '../../index.ts';

const AVERY = '104000000000000000001';
const SAM = '104000000000000000002';
const TOKEN = sandboxToken('google_business', AVERY, 'test');
const SAM_TOKEN = sandboxToken('google_business', SAM, 'test');
/** Avery's own location (account 1); Sam cannot manage it. */
const HARBOUR = 'accounts/1100000000000000001/locations/2200000000000000001';
/** Sam's location (account 3). */
const FJORD = 'accounts/1100000000000000003/locations/2200000000000000004';

/** Serves files at fresh paths, as signed storage URLs do. */
class MediaHost {
  readonly #files = new Map<string, { body: Buffer; type: string }>();
  readonly #server: Server = createServer((req, res) => {
    const file = this.#files.get(req.url ?? '/');
    if (!file) return res.writeHead(404).end();
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
    this.#files.set(path, { body, type });
    return `${this.url}${path}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }
}

const run = promisify(execFile);

/** Real pictures from ffmpeg: noise keeps them above Google's 10 KB floor. */
async function makePhotos() {
  const dir = await mkdtemp(join(tmpdir(), 'sandbox-gbp-'));
  try {
    const make = async (name: string, source: string) => {
      const out = join(dir, name);
      await run('ffmpeg', [
        ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', source],
        ...['-frames:v', '1', '-y', out],
      ]);
      return readFile(out);
    };
    const noisy = (size: string) => `color=gray:size=${size},noise=alls=80:allf=t`;
    return {
      jpeg: await make('photo.jpg', noisy('400x300')),
      png: await make('photo.png', noisy('300x300')),
      narrow: await make('narrow.jpg', noisy('240x300')),
      tiny: await make('tiny.jpg', 'color=red:size=300x300'),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

let sandbox: Sandbox;
let host: MediaHost;
let photos: Awaited<ReturnType<typeof makePhotos>>;
beforeAll(async () => {
  host = new MediaHost();
  [sandbox, photos] = await Promise.all([startSandbox({ port: 0 }), makePhotos(), host.start()]);
});
afterAll(() => Promise.all([sandbox.close(), host.close()]));
afterEach(async () => {
  sandbox.clearFaults();
  await settings({
    processingPolls: 1,
    requestsPerMinute: 300,
    dailyPostsPerLocation: null,
    rotateRefreshTokens: false,
  });
});

const base = () => sandbox.baseUrl('google_business');

async function settings(body: object) {
  const response = await fetch(`${base()}/__sandbox/settings`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
}

interface GoogleBody {
  name?: string;
  state?: string;
  searchUrl?: string;
  summary?: string;
  topicType?: string;
  callToAction?: { actionType: string; url?: string };
  event?: unknown;
  offer?: unknown;
  media?: Array<{ mediaFormat: string; sourceUrl: string; googleUrl: string }>;
  localPosts?: GoogleBody[];
  nextPageToken?: string;
  accounts?: Array<{ name: string; accountName: string; type: string; role: string }>;
  locations?: Array<Record<string, unknown>>;
  error?: {
    code: number;
    message: string;
    status: string;
    details?: Array<{
      '@type': string;
      reason?: string;
      metadata?: Record<string, string>;
      errorDetails?: Array<{ code: number; field?: string; message: string }>;
      fieldViolations?: Array<{ field?: string; description: string }>;
    }>;
  };
}

async function call(method: string, path: string, body?: unknown, token: string | null = TOKEN) {
  const response = await fetch(`${base()}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as GoogleBody,
  };
}

const create = (body: unknown, location = HARBOUR, token: string | null = TOKEN) =>
  call('POST', `/v4/${location}/localPosts`, body, token);
const read = (name: string, token = TOKEN) => call('GET', `/v4/${name}`, undefined, token);
const unique = (label: string) => `${label} ${Math.random().toString(36).slice(2)}`;
const standard = (summary: string, extra: object = {}) => ({
  topicType: 'STANDARD',
  languageCode: 'en',
  summary,
  ...extra,
});
const detailsOf = (body: GoogleBody) =>
  body.error?.details?.flatMap((d) => d.errorDetails ?? []) ?? [];

const SCHEDULE = {
  startDate: { year: 2027, month: 1, day: 15 },
  startTime: { hours: 18, minutes: 30 },
  endDate: { year: 2027, month: 1, day: 15 },
  endTime: { hours: 22 },
};

describe('local posts', () => {
  it('publishes a text post LIVE at once, with a page at its searchUrl', async () => {
    const summary = unique('Fresh cinnamon buns today');
    const { status, body } = await create(
      standard(summary, {
        callToAction: { actionType: 'LEARN_MORE', url: 'https://nw.example/buns' },
      }),
    );
    expect(status).toBe(200);
    expect(body.name).toMatch(new RegExp(`^${HARBOUR}/localPosts/\\d+$`));
    expect(body).toMatchObject({ state: 'LIVE', topicType: 'STANDARD', summary });
    expect(body.callToAction).toEqual({ actionType: 'LEARN_MORE', url: 'https://nw.example/buns' });
    const page = await fetch(body.searchUrl!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(summary);
    expect(sandbox.posts().find((p) => p.id === body.name)).toMatchObject({
      platform: 'google_business',
      accountId: HARBOUR,
      message: summary,
    });
  });

  it('fetches the photo, keeps the post PROCESSING for the configured reads, then LIVE', async () => {
    await settings({ processingPolls: 2 });
    const url = host.serve('photo.jpg', photos.jpeg, 'image/jpeg');
    const { body } = await create(
      standard(unique('New roast'), { media: [{ mediaFormat: 'PHOTO', sourceUrl: url }] }),
    );
    expect(body.state).toBe('PROCESSING');
    expect(body.media).toEqual([expect.objectContaining({ mediaFormat: 'PHOTO', sourceUrl: url })]);
    const kept = await fetch(body.media![0]!.googleUrl);
    expect(Buffer.from(await kept.arrayBuffer())).toEqual(photos.jpeg);
    expect((await read(body.name!)).body.state).toBe('PROCESSING');
    expect((await read(body.name!)).body.state).toBe('PROCESSING');
    expect((await read(body.name!)).body.state).toBe('LIVE');
    expect(sandbox.media().find((m) => m.postId === body.name)).toMatchObject({
      kind: 'image',
      contentType: 'image/jpeg',
    });
  });

  it('accepts a post with a phone number in it, and its review rejects it', async () => {
    const { status, body } = await create(standard('Call us on +47 55 12 34 56 to book!'));
    expect(status).toBe(200);
    expect(body.state).toBe('PROCESSING');
    expect((await read(body.name!)).body.state).toBe('PROCESSING');
    expect((await read(body.name!)).body.state).toBe('REJECTED');
  });

  it('takes events and offers, and ignores a button on an offer as Google does', async () => {
    const event = await create({
      topicType: 'EVENT',
      summary: 'Live jazz at the roastery',
      event: { title: 'Jazz night', schedule: SCHEDULE },
      callToAction: { actionType: 'BOOK', url: 'https://nw.example/book' },
    });
    expect(event.status).toBe(200);
    expect(event.body.event).toEqual({ title: 'Jazz night', schedule: SCHEDULE });
    const offer = await create({
      topicType: 'OFFER',
      summary: 'Two for one',
      event: { title: 'January deal', schedule: SCHEDULE },
      offer: { couponCode: 'JAN2X1', redeemOnlineUrl: 'https://nw.example/deal' },
      callToAction: { actionType: 'CALL' },
    });
    expect(offer.status).toBe(200);
    expect(offer.body.offer).toEqual({
      couponCode: 'JAN2X1',
      redeemOnlineUrl: 'https://nw.example/deal',
    });
    expect(offer.body.callToAction).toBeUndefined();
  });

  it('lists a location’s posts newest first, a page at a time', async () => {
    const location = 'accounts/1100000000000000001/locations/2200000000000000002';
    const names: string[] = [];
    for (const n of [1, 2, 3])
      names.push((await create(standard(`Post ${n}`), location)).body.name!);
    const first = await call('GET', `/v4/${location}/localPosts?pageSize=2`);
    expect(first.body.localPosts!.map((p) => p.name)).toEqual([names[2], names[1]]);
    const second = await call(
      'GET',
      `/v4/${location}/localPosts?pageSize=2&pageToken=${first.body.nextPageToken}`,
    );
    expect(second.body.localPosts!.map((p) => p.name)).toEqual([names[0]]);
    expect(second.body.nextPageToken).toBeUndefined();
  });
});

describe('validation, as the v4 API answers it', () => {
  it.each([
    ['a standard post without text', standard(''), 'summary', 1],
    ['1,501 characters', standard('é'.repeat(1501)), 'summary', 8],
    [
      'an event title of 59 characters',
      { topicType: 'EVENT', event: { title: 'x'.repeat(59), schedule: SCHEDULE } },
      'event.title',
      8,
    ],
    [
      'an event without an end time',
      {
        topicType: 'EVENT',
        event: { title: 'Gig', schedule: { ...SCHEDULE, endTime: undefined } },
      },
      'event.schedule.end_time',
      1,
    ],
    [
      'an event that ends before it starts',
      {
        topicType: 'EVENT',
        event: {
          title: 'Gig',
          schedule: { ...SCHEDULE, endDate: { year: 2027, month: 1, day: 14 } },
        },
      },
      'event.schedule',
      7,
    ],
    [
      'a CALL button with a URL',
      standard('Ring', { callToAction: { actionType: 'CALL', url: 'https://nw.example' } }),
      'call_to_action.url',
      2,
    ],
    [
      'a LEARN_MORE button without one',
      standard('Read', { callToAction: { actionType: 'LEARN_MORE' } }),
      'call_to_action.url',
      1,
    ],
    [
      'offer details on a standard post',
      standard('Deal', { offer: { couponCode: 'X' } }),
      'offer',
      2,
    ],
    [
      'two photos',
      standard('Two', {
        media: [
          { mediaFormat: 'PHOTO', sourceUrl: 'https://a.example/1.jpg' },
          { mediaFormat: 'PHOTO', sourceUrl: 'https://a.example/2.jpg' },
        ],
      }),
      'media',
      4,
    ],
  ])('refuses %s with a ValidationError', async (_, body, field, code) => {
    const { status, body: answer } = await create(body);
    expect(status).toBe(400);
    expect(answer.error).toMatchObject({
      code: 400,
      status: 'INVALID_ARGUMENT',
      message: 'Request contains an invalid argument.',
    });
    expect(answer.error!.details![0]!['@type']).toBe(
      'type.googleapis.com/google.mybusiness.v4.ValidationError',
    );
    expect(detailsOf(answer)).toContainEqual(expect.objectContaining({ field, code }));
  });

  it('words the length limits as the API does', async () => {
    const { body } = await create(standard('x'.repeat(1501)));
    expect(detailsOf(body)).toEqual([
      { code: 8, field: 'summary', message: 'Must be at most 1500 characters' },
    ]);
  });

  it('refuses unknown fields and wrong types before anything else', async () => {
    const unknown = await create({ ...standard('Hi'), colour: 'red' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error!.message).toBe(
      'Invalid JSON payload received. Unknown name "colour": Cannot find field.',
    );
    const nested = await create({ topicType: 'EVENT', event: { title: 'A', when: 'now' } });
    expect(nested.body.error!.message).toBe(
      `Invalid JSON payload received. Unknown name "when" at 'local_post.event': Cannot find field.`,
    );
    const badEnum = await create({ topicType: 'PRODUCT', summary: 'Hi' });
    expect(badEnum.body.error!.message).toBe(
      `Invalid value at 'local_post.topic_type' (type.googleapis.com/google.mybusiness.v4.LocalPostTopicType), "PRODUCT"`,
    );
    expect((await create('{not json')).body.error!.status).toBe('INVALID_ARGUMENT');
  });

  it('answers a bare 500 to a video, as the real API does', async () => {
    const { status, body } = await create(
      standard('Clip', { media: [{ mediaFormat: 'VIDEO', sourceUrl: 'https://a.example/c.mp4' }] }),
    );
    expect(status).toBe(500);
    expect(body.error).toEqual({
      code: 500,
      message: 'Internal error encountered.',
      status: 'INTERNAL',
    });
  });

  it.each([
    ['a photo it cannot fetch', () => `${host.url}/missing.jpg`, 1000, /Fetching image failed/],
    ['a WebP', () => host.serve('p.webp', photos.jpeg, 'image/webp'), 1001, /JPEG or PNG/],
    [
      'a PNG labelled JPEG',
      () => host.serve('p.jpg', photos.png, 'image/jpeg'),
      1001,
      /JPEG or PNG/,
    ],
    [
      'a photo under 10 KB',
      () => host.serve('t.jpg', photos.tiny, 'image/jpeg'),
      8,
      /at least 10 KB/,
    ],
    [
      'a photo 240 pixels wide',
      () => host.serve('n.jpg', photos.narrow, 'image/jpeg'),
      8,
      /240x300/,
    ],
    [
      'a photo over 5 MB',
      () => host.serve('big.jpg', Buffer.alloc(5 * 1024 * 1024 + 1, 0xff), 'image/jpeg'),
      8,
      /larger than 5 MB/,
    ],
  ])('refuses %s', async (_, url, code, message) => {
    const summary = unique('Photo');
    const { status, body } = await create(
      standard(summary, { media: [{ mediaFormat: 'PHOTO', sourceUrl: url() }] }),
    );
    expect(status).toBe(400);
    expect(detailsOf(body)).toEqual([
      { code, field: 'media[0].source_url', message: expect.stringMatching(message) as string },
    ]);
    expect(sandbox.posts().some((p) => p.message === summary)).toBe(false);
  });

  it('takes a PNG', async () => {
    const url = host.serve('p.png', photos.png, 'image/png');
    const { status } = await create(
      standard('PNG', { media: [{ mediaFormat: 'PHOTO', sourceUrl: url }] }),
    );
    expect(status).toBe(200);
  });
});

describe('credentials and access', () => {
  it('answers 401 UNAUTHENTICATED without a token, or with one Google does not know', async () => {
    const none = await create(standard('Hi'), HARBOUR, null);
    expect(none.status).toBe(401);
    expect(none.body.error).toMatchObject({ status: 'UNAUTHENTICATED' });
    expect(none.body.error!.details![0]).toMatchObject({ reason: 'CREDENTIALS_MISSING' });
    const bad = await create(standard('Hi'), HARBOUR, 'ya29.not-a-sandbox-token');
    expect(bad.status).toBe(401);
    expect(bad.body.error!.message).toMatch(/^Request had invalid authentication credentials\./);
    expect(bad.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const revoked = sandboxToken('google_business', AVERY, 'revoked');
    sandbox.revokeToken(revoked);
    expect((await create(standard('Hi'), HARBOUR, revoked)).status).toBe(401);
  });

  it('answers 403 for a location the user cannot manage and 404 for one that does not exist', async () => {
    const other = await create(standard('Hi'), FJORD, TOKEN);
    expect(other.status).toBe(403);
    expect(other.body.error).toEqual({
      code: 403,
      message: 'The caller does not have permission',
      status: 'PERMISSION_DENIED',
    });
    const missing = await create(standard('Hi'), 'accounts/1100000000000000001/locations/999');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ status: 'NOT_FOUND' });
    // A real location under an account that does not hold it is not found either.
    const misfiled = await create(
      standard('Hi'),
      'accounts/1100000000000000001/locations/2200000000000000004',
    );
    expect(misfiled.status).toBe(404);
    expect((await create(standard('Hi'), FJORD, SAM_TOKEN)).status).toBe(200);
  });
});

describe('quotas and faults', () => {
  it('answers 429 RESOURCE_EXHAUSTED past the project’s requests per minute', async () => {
    await settings({ requestsPerMinute: 2 });
    expect((await create(standard('one'))).status).toBe(200);
    expect((await create(standard('two'))).status).toBe(200);
    const third = await create(standard('three'));
    expect(third.status).toBe(429);
    expect(third.body.error).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED' });
    expect(third.body.error!.details![0]).toMatchObject({
      reason: 'RATE_LIMIT_EXCEEDED',
      metadata: { quota_limit: 'DefaultRequestsPerMinutePerProject', quota_limit_value: '2' },
    });
  });

  it('holds a location to the daily post limit it is told', async () => {
    await settings({ dailyPostsPerLocation: 1 });
    const location = 'accounts/1100000000000000002/locations/2200000000000000003';
    expect((await create(standard('first'), location)).status).toBe(200);
    const second = await create(standard('second'), location);
    expect(second.status).toBe(429);
    expect(second.body.error!.details![0]!.metadata).toMatchObject({
      quota_limit: 'LocalPostsPerDayPerLocation',
    });
    // Another location has its own count.
    const bakery = 'accounts/1100000000000000003/locations/2200000000000000005';
    expect((await create(standard('elsewhere'), bakery, SAM_TOKEN)).status).toBe(200);
  });

  it('renders an injected graph_error in Google’s envelope, for the location it aims at', async () => {
    sandbox.injectFault({
      platform: 'google_business',
      account: FJORD,
      fault: {
        type: 'graph_error',
        status: 503,
        code: 0,
        message: 'The service is currently unavailable.',
      },
    });
    expect((await create(standard('not aimed at'))).status).toBe(200);
    const hit = await create(standard('aimed at'), FJORD, SAM_TOKEN);
    expect(hit.status).toBe(503);
    expect(hit.body).toEqual({
      error: { code: 503, message: 'The service is currently unavailable.', status: 'UNAVAILABLE' },
    });
  });
});

describe('accounts and locations', () => {
  it('lists the accounts a user manages, and their locations with the fields the mask names', async () => {
    const accounts = await call('GET', '/v1/accounts');
    expect(accounts.body.accounts!.map((a) => [a.name, a.type, a.role])).toEqual([
      ['accounts/1100000000000000001', 'PERSONAL', 'PRIMARY_OWNER'],
      ['accounts/1100000000000000002', 'LOCATION_GROUP', 'OWNER'],
    ]);
    const locations = await call(
      'GET',
      '/v1/accounts/1100000000000000001/locations?readMask=name,title,storefrontAddress',
    );
    expect(locations.body.locations).toEqual([
      {
        name: 'locations/2200000000000000001',
        title: 'Northwind Coffee',
        storefrontAddress: expect.objectContaining({ addressLines: ['Strandgaten 12'] }) as object,
      },
      {
        name: 'locations/2200000000000000002',
        title: 'Northwind Coffee',
        storefrontAddress: expect.objectContaining({
          addressLines: ['Torgallmenningen 3'],
        }) as object,
      },
    ]);
    const paged = await call(
      'GET',
      '/v1/accounts/1100000000000000001/locations?readMask=title&pageSize=1',
    );
    expect(paged.body.locations).toEqual([{ title: 'Northwind Coffee' }]);
    expect(paged.body.nextPageToken).toBeDefined();
  });

  it('requires a readMask and refuses another user’s account', async () => {
    const unmasked = await call('GET', '/v1/accounts/1100000000000000001/locations');
    expect(unmasked.status).toBe(400);
    expect(unmasked.body.error!.details![0]!.fieldViolations).toEqual([
      { field: 'read_mask', description: 'Field is required' },
    ]);
    const theirs = await call('GET', '/v1/accounts/1100000000000000003/locations?readMask=title');
    expect(theirs.status).toBe(403);
  });
});

describe('OAuth', () => {
  const REDIRECT = 'http://127.0.0.1:1/oauth/google_business/callback';
  const VERIFIER = 'a-verifier-of-at-least-forty-three-characters-0123456789';
  const challenge = (v: string) => createHash('sha256').update(v).digest('base64url');

  function consentUrl(extra: Record<string, string> = {}, root = base()) {
    const url = new URL(`${root}/o/oauth2/v2/auth`);
    for (const [k, v] of Object.entries({
      response_type: 'code',
      client_id: 'herald-test',
      redirect_uri: REDIRECT,
      scope: 'https://www.googleapis.com/auth/business.manage',
      state: 'st',
      code_challenge: challenge(VERIFIER),
      code_challenge_method: 'S256',
      access_type: 'offline',
      ...extra,
    })) {
      url.searchParams.set(k, v);
    }
    return url;
  }

  /** Submits the consent page's own form as the person would, choosing `user`. */
  async function consent(url: URL, user = AVERY, decision = 'allow'): Promise<URL> {
    const page = await fetch(url);
    expect(page.status).toBe(200);
    const markup = await page.text();
    expect(markup).toContain('Choose an account');
    const action = /<form method="post" action="([^"]+)">/.exec(markup)![1]!;
    const form = new URLSearchParams();
    for (const [, name, value] of markup.matchAll(
      /<input type="hidden" name="([^"]+)" value="([^"]*)">/g,
    )) {
      form.set(name!, value!.replaceAll('&amp;', '&').replaceAll('&quot;', '"'));
    }
    form.set('user', user);
    form.set('decision', decision);
    const back = await fetch(new URL(action, url), {
      method: 'POST',
      body: form,
      redirect: 'manual',
    });
    expect(back.status).toBe(302);
    return new URL(back.headers.get('location')!);
  }

  const tokenCall = (form: Record<string, string>) =>
    fetch(`${base()}/token`, { method: 'POST', body: new URLSearchParams(form) }).then(
      async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }),
    );
  const exchange = (code: string, extra: Record<string, string> = {}) =>
    tokenCall({
      grant_type: 'authorization_code',
      code,
      client_id: 'herald-test',
      client_secret: 'secret',
      redirect_uri: REDIRECT,
      code_verifier: VERIFIER,
      ...extra,
    });
  const refresh = (refreshToken: string) =>
    tokenCall({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: 'herald-test',
      client_secret: 'secret',
    });

  it('blocks a consent URL without what Google requires', async () => {
    const page = await fetch(consentUrl({ response_type: 'token' }));
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('Error 400: invalid_request');
  });

  it('sends the person back with a code, exchanged once with the right verifier', async () => {
    const back = await consent(consentUrl());
    expect(back.searchParams.get('state')).toBe('st');
    const code = back.searchParams.get('code')!;
    expect((await exchange(code, { code_verifier: `${VERIFIER}x` })).body).toEqual({
      error: 'invalid_grant',
      error_description: 'Invalid code verifier.',
    });
    expect(
      (await exchange(code, { redirect_uri: 'http://127.0.0.1:1/elsewhere' })).body,
    ).toMatchObject({
      error: 'redirect_uri_mismatch',
    });
    const granted = await exchange(code);
    expect(granted.status).toBe(200);
    expect(granted.body).toMatchObject({
      expires_in: 3599,
      token_type: 'Bearer',
      scope: 'https://www.googleapis.com/auth/business.manage',
    });
    expect(granted.body.refresh_token).toMatch(/^1\/\//);
    expect((await exchange(code)).body).toMatchObject({ error: 'invalid_grant' });
    const accounts = await call(
      'GET',
      '/v1/accounts',
      undefined,
      granted.body.access_token as string,
    );
    expect(accounts.status).toBe(200);
  });

  it('says when the verifier is missing, and when the person cancels', async () => {
    const code = (await consent(consentUrl())).searchParams.get('code')!;
    const form = {
      grant_type: 'authorization_code',
      code,
      client_id: 'herald-test',
      client_secret: 'secret',
      redirect_uri: REDIRECT,
    };
    expect((await tokenCall(form)).body).toEqual({
      error: 'invalid_grant',
      error_description: 'Missing code verifier.',
    });
    const cancelled = await consent(consentUrl(), AVERY, 'cancel');
    expect(cancelled.searchParams.get('error')).toBe('access_denied');
    expect(cancelled.searchParams.get('code')).toBeNull();
  });

  it('refreshes without rotating the refresh token, as Google does', async () => {
    const code = (await consent(consentUrl(), SAM)).searchParams.get('code')!;
    const refreshToken = (await exchange(code)).body.refresh_token as string;
    const once = await refresh(refreshToken);
    expect(once.status).toBe(200);
    expect(once.body.refresh_token).toBeUndefined();
    expect((await refresh(refreshToken)).status).toBe(200);
  });

  it('rotates when told to: the new refresh token works, the spent one is refused', async () => {
    await settings({ rotateRefreshTokens: true });
    const code = (await consent(consentUrl())).searchParams.get('code')!;
    const first = (await exchange(code)).body.refresh_token as string;
    const next = (await refresh(first)).body.refresh_token as string;
    expect(next).toMatch(/^1\/\//);
    expect(next).not.toBe(first);
    expect((await refresh(first)).body).toEqual({
      error: 'invalid_grant',
      error_description: 'Token has been expired or revoked.',
    });
    expect((await refresh(next)).status).toBe(200);
  });

  it('revokes the whole grant: its access token and refresh token die', async () => {
    const code = (await consent(consentUrl())).searchParams.get('code')!;
    const granted = (await exchange(code)).body;
    const revoked = await fetch(`${base()}/revoke`, {
      method: 'POST',
      body: new URLSearchParams({ token: granted.access_token as string }),
    });
    expect(revoked.status).toBe(200);
    expect(
      (await call('GET', '/v1/accounts', undefined, granted.access_token as string)).status,
    ).toBe(401);
    expect((await refresh(granted.refresh_token as string)).body).toMatchObject({
      error: 'invalid_grant',
    });
    const again = await fetch(`${base()}/revoke`, {
      method: 'POST',
      body: new URLSearchParams({ token: granted.access_token as string }),
    });
    expect(await again.json()).toEqual({
      error: 'invalid_token',
      error_description: 'Token expired or revoked',
    });
  });

  it('expires access tokens after the lifetime the sandbox is given', async () => {
    const short = await startSandbox({ port: 0, accessTokenTtlSeconds: { google_business: 0 } });
    try {
      const back = await consent(consentUrl({}, short.baseUrl('google_business')));
      const answer = await fetch(`${short.baseUrl('google_business')}/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: back.searchParams.get('code')!,
          client_id: 'herald-test',
          client_secret: 'secret',
          redirect_uri: REDIRECT,
          code_verifier: VERIFIER,
        }),
      });
      const { access_token, expires_in } = (await answer.json()) as {
        access_token: string;
        expires_in: number;
      };
      expect(expires_in).toBe(0);
      const accounts = await fetch(`${short.baseUrl('google_business')}/v1/accounts`, {
        headers: { authorization: `Bearer ${access_token}` },
      });
      expect(accounts.status).toBe(401);
      expect(((await accounts.json()) as GoogleBody).error!.details![0]).toMatchObject({
        reason: 'ACCESS_TOKEN_EXPIRED',
      });
    } finally {
      await short.close();
    }
  });
});
