// YouTube's resumable upload, reads, thumbnails, quota and Google OAuth over real HTTP: what
// the protocol promises (308 + Range, 256 KiB blocks, status queries, week-long sessions),
// videos.insert's validation in Google's error envelope, processing over polls, and rotating
// refresh tokens.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sandboxToken, startSandbox, type Sandbox } from '../../index.ts';
import { youtubeRefreshToken } from './oauth.ts';
import { SANDBOX_CHANNELS } from './state.ts';

const KIB = 1024;
const CHANNEL = 'UCsandboxtestchannel0001';
const OTHER = 'UCsandboxtestchannel0002';
const TOKEN = sandboxToken('youtube', CHANNEL, 'test');
const OTHER_TOKEN = sandboxToken('youtube', OTHER, 'test');
const UNVERIFIED = SANDBOX_CHANNELS.find((c) => !c.verified)!.id;

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  sandbox.clearFaults();
  await settings({
    dailyQuotaUnits: 1_000_000,
    processingPolls: 1,
    rotateRefreshTokens: true,
    rejectDuplicates: true,
    uploadsPerChannelPerDay: 100,
  });
});

const base = () => sandbox.baseUrl('youtube');
const settings = (body: object) =>
  fetch(`${base()}/__sandbox/settings`, { method: 'POST', body: JSON.stringify(body) });
const advance = (ms: number) =>
  fetch(`${base()}/__sandbox/clock`, { method: 'POST', body: JSON.stringify({ advanceMs: ms }) });

/** Bytes an MP4 begins with, then noise: unique per call, so no upload is a duplicate. */
function clip(size: number): Buffer {
  const bytes = randomBytes(size);
  bytes.write('ftypisom', 4, 'latin1');
  return bytes;
}

/** A loose view of YouTube's JSON: the fields these tests read. */
interface ApiJson {
  id: string;
  items: ApiJson[];
  nextPageToken?: string;
  error: { code: number; message: string; errors: { reason: string; domain: string }[] };
  status: { uploadStatus: string };
  processingDetails: { processingProgress: { timeLeftMs: string } };
  snippet: { resourceId: { videoId: string } };
  contentDetails: { relatedPlaylists: { uploads: string } };
  statistics: { viewCount: string; likeCount: string; commentCount: string };
  access_token: string;
  refresh_token?: string;
}

const metadata = (overrides: Record<string, unknown> = {}) => ({
  snippet: {
    title: 'Morning roast',
    description: 'Fresh beans.',
    tags: ['coffee'],
    categoryId: '22',
  },
  status: { privacyStatus: 'public', selfDeclaredMadeForKids: false },
  ...overrides,
});

async function start(
  body: unknown,
  options: { token?: string; length?: number; type?: string; query?: string } = {},
) {
  const response = await fetch(
    `${base()}/upload/youtube/v3/videos?${options.query ?? 'uploadType=resumable&part=snippet,status'}`,
    {
      method: 'POST',
      headers: {
        authorization: `Bearer ${options.token ?? TOKEN}`,
        'content-type': 'application/json; charset=UTF-8',
        'x-upload-content-length': String(options.length ?? 1000),
        'x-upload-content-type': options.type ?? 'video/mp4',
      },
      body: JSON.stringify(body),
    },
  );
  return {
    status: response.status,
    location: response.headers.get('location'),
    body: await response.text(),
  };
}

async function put(location: string, body: Buffer, range: string) {
  const response = await fetch(location, {
    method: 'PUT',
    headers: {
      authorization: `Bearer ${TOKEN}`,
      'content-range': range,
      'content-type': 'video/mp4',
    },
    body: new Uint8Array(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    range: response.headers.get('range'),
    json: text ? (JSON.parse(text) as ApiJson) : null,
  };
}

/** An upload sent whole: the video resource. */
async function upload(bytes: Buffer, token = TOKEN, meta: unknown = metadata()) {
  const started = await start(meta, { token, length: bytes.length });
  expect(started.status).toBe(200);
  const done = await put(started.location!, bytes, `bytes 0-${bytes.length - 1}/${bytes.length}`);
  expect(done.status).toBe(201);
  return done.json!;
}

async function get(path: string, token = TOKEN) {
  const response = await fetch(`${base()}${path}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: response.status, json: (await response.json()) as ApiJson };
}

const reasonOf = (body: string | ApiJson) => {
  const parsed = typeof body === 'string' ? (JSON.parse(body) as ApiJson) : body;
  return parsed.error.errors[0]!.reason;
};

describe('resumable upload', () => {
  it('starts a session, keeps chunks, answers where it is, and ends with the video', async () => {
    const bytes = clip(600 * KIB);
    const started = await start(metadata(), { length: bytes.length });
    expect(started.status).toBe(200);
    const location = new URL(started.location!);
    expect(location.pathname).toBe('/youtube/upload/youtube/v3/videos');
    expect(location.searchParams.get('uploadType')).toBe('resumable');
    expect(location.searchParams.get('upload_id')).toBeTruthy();

    const first = await put(
      started.location!,
      bytes.subarray(0, 256 * KIB),
      `bytes 0-262143/${bytes.length}`,
    );
    expect(first).toMatchObject({ status: 308, range: 'bytes=0-262143' });
    const asked = await put(started.location!, Buffer.alloc(0), `bytes */${bytes.length}`);
    expect(asked).toMatchObject({ status: 308, range: 'bytes=0-262143' });

    const rest = await put(
      started.location!,
      bytes.subarray(256 * KIB),
      `bytes ${256 * KIB}-${bytes.length - 1}/${bytes.length}`,
    );
    expect(rest.status).toBe(201);
    expect(rest.json).toMatchObject({
      kind: 'youtube#video',
      snippet: { title: 'Morning roast', description: 'Fresh beans.', channelId: CHANNEL },
      status: { uploadStatus: 'uploaded', privacyStatus: 'public', selfDeclaredMadeForKids: false },
    });
    const id = rest.json!.id;
    expect(id).toMatch(/^[A-Za-z0-9_-]{11}$/);
    expect(sandbox.posts().find((p) => p.id === id)).toMatchObject({
      platform: 'youtube',
      accountId: CHANNEL,
      title: 'Morning roast',
      message: 'Fresh beans.',
    });
    const kept = await fetch(`${base()}/media/${id}`);
    expect(
      createHash('sha256')
        .update(Buffer.from(await kept.arrayBuffer()))
        .digest('hex'),
    ).toBe(createHash('sha256').update(bytes).digest('hex'));
    // Asking a finished session answers the video again.
    const again = await put(started.location!, Buffer.alloc(0), `bytes */${bytes.length}`);
    expect(again).toMatchObject({ status: 200, json: { id } });
  });

  it('keeps whole 256 KiB blocks of a ragged chunk, and no Range while nothing is kept', async () => {
    const bytes = clip(700 * KIB);
    const { location } = await start(metadata(), { length: bytes.length });
    const small = await put(
      location!,
      bytes.subarray(0, 100 * KIB),
      `bytes 0-${100 * KIB - 1}/${bytes.length}`,
    );
    expect(small).toMatchObject({ status: 308, range: null });
    const ragged = await put(
      location!,
      bytes.subarray(0, 300 * KIB),
      `bytes 0-${300 * KIB - 1}/${bytes.length}`,
    );
    expect(ragged).toMatchObject({ status: 308, range: 'bytes=0-262143' });
    // An overlapping resend is fine; a gap is not.
    const gap = await put(
      location!,
      bytes.subarray(300 * KIB, 400 * KIB),
      `bytes ${300 * KIB}-${400 * KIB - 1}/${bytes.length}`,
    );
    expect(gap.status).toBe(400);
    expect(reasonOf(gap.json!)).toBe('badRequest');
    const overlap = await put(
      location!,
      bytes.subarray(200 * KIB),
      `bytes ${200 * KIB}-${bytes.length - 1}/${bytes.length}`,
    );
    expect(overlap.status).toBe(201);
    const kept = await fetch(`${base()}/media/${overlap.json!.id}`);
    expect(Buffer.from(await kept.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('forgets a session after a week', async () => {
    const bytes = clip(300 * KIB);
    const { location } = await start(metadata(), { length: bytes.length });
    await put(location!, bytes.subarray(0, 256 * KIB), `bytes 0-262143/${bytes.length}`);
    await advance(7 * 24 * 3600_000 + 60_000);
    const late = await put(location!, Buffer.alloc(0), `bytes */${bytes.length}`);
    expect(late.status).toBe(404);
    expect(late.json).toMatchObject({ error: { code: 404, errors: [{ reason: 'notFound' }] } });
  });
});

describe('videos.insert validation', () => {
  it.each([
    ['no title', { snippet: { description: 'x' } }, 'invalidTitle'],
    ['a title of 101 characters', { snippet: { title: 'x'.repeat(101) } }, 'invalidTitle'],
    ['a title with <', { snippet: { title: 'a <b>' } }, 'invalidTitle'],
    [
      'a description over 5000 bytes',
      { snippet: { title: 't', description: 'é'.repeat(2501) } },
      'invalidDescription',
    ],
    [
      'tags over 500 characters once quoted',
      { snippet: { title: 't', tags: Array(50).fill('ab cd efg') } },
      'invalidTags',
    ],
    ['an unknown category', { snippet: { title: 't', categoryId: '99' } }, 'invalidCategoryId'],
    [
      'a privacy YouTube does not have',
      { snippet: { title: 't' }, status: { privacyStatus: 'friends' } },
      'invalidVideoMetadata',
    ],
  ])('refuses %s', async (_, body, reason) => {
    const answer = await start(body);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({
      error: { code: 400, errors: [{ domain: 'youtube.video', reason }] },
    });
  });

  it('takes tags of exactly 500 characters, quotes and commas counted', async () => {
    // 50 tags "ab cd e" (7 + 2 quotes) and 49 commas: 499 characters.
    const answer = await start({ snippet: { title: 't', tags: Array(50).fill('ab cd e') } });
    expect(answer.status).toBe(200);
  });

  it('refuses a missing part, an image, no token and an unknown token as YouTube does', async () => {
    const noPart = await start(metadata(), { query: 'uploadType=resumable' });
    expect(JSON.parse(noPart.body)).toMatchObject({
      error: {
        code: 400,
        message: 'Required parameter: part',
        errors: [{ reason: 'required', location: 'part' }],
      },
    });
    const image = await start(metadata(), { type: 'image/png' });
    expect(image.status).toBe(400);
    expect(reasonOf(image.body)).toBe('badContent');
    const anonymous = await fetch(
      `${base()}/upload/youtube/v3/videos?uploadType=resumable&part=snippet`,
      {
        method: 'POST',
      },
    );
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({
      error: {
        code: 401,
        status: 'UNAUTHENTICATED',
        errors: [{ reason: 'required', location: 'Authorization' }],
      },
    });
    const bad = await start(metadata(), { token: 'ya29.not-ours' });
    expect(bad.status).toBe(401);
    expect(reasonOf(bad.body)).toBe('authError');
  });

  it('counts quota per project per Pacific day: 1,600 units an upload', async () => {
    await settings({ dailyQuotaUnits: 3_300 });
    const project = sandboxToken('youtube', 'UCquotaquotaquotaquota01', 'q');
    // Every call spends from the same project ("sandbox", for minted tokens): start afresh.
    await advance(24 * 3600_000);
    expect((await start(metadata(), { token: project })).status).toBe(200);
    expect((await start(metadata(), { token: project })).status).toBe(200);
    const spent = await start(metadata(), { token: project });
    expect(spent.status).toBe(403);
    expect(JSON.parse(spent.body)).toMatchObject({
      error: {
        code: 403,
        errors: [{ domain: 'youtube.quota', reason: 'quotaExceeded' }],
      },
    });
    expect((JSON.parse(spent.body) as ApiJson).error.message).toContain('exceeded your');
    await advance(24 * 3600_000);
    expect((await start(metadata(), { token: project })).status).toBe(200);
  });

  it('caps the uploads a channel starts in 24 hours', async () => {
    await settings({ uploadsPerChannelPerDay: 1 });
    const token = sandboxToken('youtube', 'UCcapcapcapcapcapcapcap1', 'c');
    expect((await start(metadata(), { token })).status).toBe(200);
    const capped = await start(metadata(), { token });
    expect(capped.status).toBe(400);
    expect(reasonOf(capped.body)).toBe('uploadLimitExceeded');
  });

  it('renders an injected fault in Google’s envelope, naming the reason asked for', async () => {
    sandbox.injectFault({
      platform: 'youtube',
      fault: { type: 'graph_error', status: 403, code: 403, message: 'rateLimitExceeded' },
    });
    const limited = await start(metadata());
    expect(limited.status).toBe(403);
    expect(JSON.parse(limited.body)).toMatchObject({
      error: {
        code: 403,
        message: 'Rate Limit Exceeded',
        errors: [{ domain: 'usageLimits', reason: 'rateLimitExceeded' }],
      },
    });
  });
});

describe('processing, reads and metrics', () => {
  it('reports uploaded/processing for the polls configured, then processed', async () => {
    await settings({ processingPolls: 2 });
    const { id } = await upload(clip(2 * KIB));
    const path = `/youtube/v3/videos?part=status,processingDetails&id=${id}`;
    const first = await get(path);
    expect(first.json.items[0]).toMatchObject({
      status: { uploadStatus: 'uploaded' },
      processingDetails: {
        processingStatus: 'processing',
        processingProgress: { timeLeftMs: '30000' },
      },
    });
    expect((await get(path)).json.items[0]!.processingDetails.processingProgress.timeLeftMs).toBe(
      '15000',
    );
    expect((await get(path)).json.items[0]).toMatchObject({
      status: { uploadStatus: 'processed' },
      processingDetails: { processingStatus: 'succeeded' },
    });
  });

  it('rejects a duplicate and fails a file that is not a video', async () => {
    await settings({ processingPolls: 0 });
    const bytes = clip(2 * KIB);
    await upload(bytes);
    const duplicate = await upload(bytes);
    const garbage = await upload(randomBytes(2 * KIB));
    const listed = await get(`/youtube/v3/videos?part=status&id=${duplicate.id},${garbage.id}`);
    expect(listed.json.items.map((v: ApiJson) => v.status)).toMatchObject([
      { uploadStatus: 'rejected', rejectionReason: 'duplicate' },
      { uploadStatus: 'failed', failureReason: 'invalidFile' },
    ]);
  });

  it('hides a private video from other channels, and lists a channel’s uploads newest first', async () => {
    const privateVideo = await upload(
      clip(KIB),
      TOKEN,
      metadata({ status: { privacyStatus: 'private' } }),
    );
    const newer = await upload(clip(KIB));
    expect(
      (await get(`/youtube/v3/videos?part=snippet&id=${privateVideo.id}`, OTHER_TOKEN)).json.items,
    ).toEqual([]);
    const channels = await get('/youtube/v3/channels?part=snippet,contentDetails&mine=true');
    const playlist = channels.json.items[0]!.contentDetails.relatedPlaylists.uploads;
    expect(playlist).toBe(`UU${CHANNEL.slice(2)}`);
    const mine = await get(
      `/youtube/v3/playlistItems?part=snippet,status&playlistId=${playlist}&maxResults=2`,
    );
    expect(mine.json.items.map((i: ApiJson) => i.snippet.resourceId.videoId)).toEqual([
      newer.id,
      privateVideo.id,
    ]);
    expect(mine.json.nextPageToken).toBeTruthy();
    const theirs = await get(
      `/youtube/v3/playlistItems?part=snippet&playlistId=${playlist}&maxResults=50`,
      OTHER_TOKEN,
    );
    expect(theirs.json.items.map((i: ApiJson) => i.snippet.resourceId.videoId)).not.toContain(
      privateVideo.id,
    );
  });

  it('grows views, likes and comments with time, the same for every reader', async () => {
    await settings({ processingPolls: 0 });
    const { id } = await upload(clip(KIB));
    await advance(60 * 60_000);
    const stats = async () =>
      (await get(`/youtube/v3/videos?part=statistics&id=${id}`)).json.items[0]!.statistics;
    const hour = await stats();
    expect(Number(hour.viewCount)).toBeGreaterThan(0);
    expect(await stats()).toEqual(hour);
    await advance(24 * 60 * 60_000);
    const day = await stats();
    expect(Number(day.viewCount)).toBeGreaterThan(Number(hour.viewCount));
    expect(Number(day.likeCount)).toBeGreaterThanOrEqual(Number(hour.likeCount));
  });
});

describe('thumbnails.set', () => {
  const png = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
    'base64',
  );
  const set = (videoId: string, body: Buffer, token = TOKEN, type = 'image/png') =>
    fetch(`${base()}/upload/youtube/v3/thumbnails/set?videoId=${videoId}&uploadType=media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': type },
      body: new Uint8Array(body),
    });

  it('sets the image on the owner’s video', async () => {
    const { id } = await upload(clip(KIB));
    const answer = await set(id, png);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({
      kind: 'youtube#thumbnailSetResponse',
      items: [{ maxres: { width: 1280 } }],
    });
    expect(sandbox.media().find((m) => m.id === `${id}.thumbnail`)).toMatchObject({
      kind: 'image',
      postId: id,
    });
  });

  it('refuses an unverified channel, another channel’s video and bytes that are no image', async () => {
    const unverified = sandboxToken('youtube', UNVERIFIED, 't');
    const theirs = await upload(clip(KIB), unverified);
    const forbidden = await set(theirs.id, png, unverified);
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({
      error: { errors: [{ domain: 'youtube.thumbnail', reason: 'forbidden' }] },
    });
    const notMine = await set(theirs.id, png);
    expect(notMine.status).toBe(404);
    expect(reasonOf((await notMine.json()) as ApiJson)).toBe('videoNotFound');
    const { id } = await upload(clip(KIB));
    const junk = await set(id, randomBytes(64));
    expect(junk.status).toBe(400);
    expect(reasonOf((await junk.json()) as ApiJson)).toBe('invalidImage');
  });
});

describe('Google OAuth', () => {
  const REDIRECT = 'http://127.0.0.1:1/oauth/youtube/callback';
  const verifier = 'v'.repeat(50);
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const scopes = [
    'https://www.googleapis.com/auth/youtube.upload',
    'https://www.googleapis.com/auth/youtube.readonly',
  ];

  async function consent(options: { channel: string; grant?: string[]; offline?: boolean }) {
    const params = new URLSearchParams({
      client_id: 'herald-test',
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: scopes.join(' '),
      state: 'st',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...(options.offline === false ? {} : { access_type: 'offline' }),
      prompt: 'consent',
    });
    const page = await fetch(`${base()}/o/oauth2/v2/auth?${params.toString()}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Choose an account or brand account');
    params.set('channel', options.channel);
    for (const s of options.grant ?? scopes) params.append('grant', s);
    const back = await fetch(`${base()}/o/oauth2/v2/auth/confirm?${params.toString()}`, {
      redirect: 'manual',
    });
    expect(back.status).toBe(302);
    return new URL(back.headers.get('location')!);
  }

  const tokenRequest = (form: Record<string, string>) =>
    fetch(`${base()}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: 'herald-test', client_secret: 's', ...form }),
    });

  it('exchanges a code with its PKCE verifier once, for the channel chosen', async () => {
    const channel = SANDBOX_CHANNELS[1]!;
    const back = await consent({ channel: channel.id });
    expect(back.searchParams.get('state')).toBe('st');
    const code = back.searchParams.get('code')!;
    const wrong = await tokenRequest({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: 'w'.repeat(50),
    });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'Invalid code verifier.',
    });
    const elsewhere = await tokenRequest({
      grant_type: 'authorization_code',
      code,
      redirect_uri: 'http://127.0.0.1:1/x',
      code_verifier: verifier,
    });
    expect(((await elsewhere.json()) as { error: string }).error).toBe('redirect_uri_mismatch');
    const ok = await tokenRequest({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    });
    const tokens = (await ok.json()) as ApiJson;
    expect(tokens).toMatchObject({
      expires_in: 3599,
      token_type: 'Bearer',
      scope: scopes.join(' '),
    });
    expect(tokens.refresh_token).toMatch(/^sbxr-youtube-/);
    const mine = await get('/youtube/v3/channels?part=snippet&mine=true', tokens.access_token);
    expect(mine.json.items).toMatchObject([{ id: channel.id, snippet: { title: channel.title } }]);
    const twice = await tokenRequest({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    });
    expect(((await twice.json()) as { error: string }).error).toBe('invalid_grant');
  });

  it('answers no refresh token without access_type=offline, and 403 for a scope left unticked', async () => {
    const back = await consent({
      channel: SANDBOX_CHANNELS[0]!.id,
      grant: [scopes[0]!],
      offline: false,
    });
    expect(back.searchParams.get('scope')).toBe(scopes[0]);
    const tokens = (await (
      await tokenRequest({
        grant_type: 'authorization_code',
        code: back.searchParams.get('code')!,
        redirect_uri: REDIRECT,
        code_verifier: verifier,
      })
    ).json()) as ApiJson;
    expect(tokens.refresh_token).toBeUndefined();
    const read = await get('/youtube/v3/channels?part=snippet&mine=true', tokens.access_token);
    expect(read.status).toBe(403);
    expect(read.json).toMatchObject({
      error: { status: 'PERMISSION_DENIED', errors: [{ reason: 'insufficientPermissions' }] },
    });
  });

  it('rotates refresh tokens: the spent one is refused; access tokens expire', async () => {
    const first = youtubeRefreshToken(CHANNEL, `rot${Date.now()}`);
    const refreshed = (await (
      await tokenRequest({ grant_type: 'refresh_token', refresh_token: first })
    ).json()) as ApiJson;
    expect(refreshed.refresh_token).toMatch(/^sbxr-youtube-/);
    expect(refreshed.refresh_token).not.toBe(first);
    const again = await tokenRequest({ grant_type: 'refresh_token', refresh_token: first });
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'Token has been expired or revoked.',
    });
    expect(
      (await get('/youtube/v3/channels?part=id&mine=true', refreshed.access_token)).status,
    ).toBe(200);
    await advance(3600_000);
    expect(
      (await get('/youtube/v3/channels?part=id&mine=true', refreshed.access_token)).status,
    ).toBe(401);
  });

  it('revokes the whole grant', async () => {
    const refreshed = (await (
      await tokenRequest({
        grant_type: 'refresh_token',
        refresh_token: youtubeRefreshToken(CHANNEL, `rev${Date.now()}`),
      })
    ).json()) as ApiJson;
    const revoked = await fetch(`${base()}/revoke?token=${refreshed.access_token}`, {
      method: 'POST',
    });
    expect(revoked.status).toBe(200);
    expect(
      (await get('/youtube/v3/channels?part=id&mine=true', refreshed.access_token)).status,
    ).toBe(401);
    const refresh = await tokenRequest({
      grant_type: 'refresh_token',
      refresh_token: refreshed.refresh_token!,
    });
    expect(((await refresh.json()) as { error: string }).error).toBe('invalid_grant');
    const twice = await fetch(`${base()}/revoke?token=${refreshed.access_token}`, {
      method: 'POST',
    });
    expect(twice.status).toBe(400);
  });
});
