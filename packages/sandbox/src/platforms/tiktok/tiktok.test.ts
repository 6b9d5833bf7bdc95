// TikTok's Content Posting and Display endpoints over real HTTP: validation in TikTok's envelope,
// the chunk rules, uploads that must come in order (and may be re-sent), processing over status
// polls, rate limits, scopes, and metrics that grow with a video's age.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sandboxToken, startSandbox, type Sandbox } from '../../index.ts';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  sandbox.clearFaults();
  await settings({ processingPolls: 1, moderationPolls: 0, auditedClient: true, now: null });
});

const base = () => sandbox.baseUrl('tiktok');
let users = 0;
/** A fresh creator for each test, so rate limits and caps do not carry over. */
const newToken = () => sandboxToken('tiktok', `_000test${++users}`, 'test');

async function settings(body: object) {
  const response = await fetch(`${base()}/__sandbox/settings`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
}

interface Envelope {
  data: Record<string, unknown>;
  error: { code: string; message: string; log_id: string };
}

async function api(path: string, token: string, body?: unknown, method = 'POST') {
  const response = await fetch(`${base()}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json; charset=UTF-8',
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) as Envelope };
}

/**
 * A file that passes for an MP4 (an ftyp box, a movie header saying how long it runs), padded
 * to `size` bytes with a `free` box: the sandbox checks the signature and duration only.
 */
function fakeMp4(seconds: number, size = 4096): Buffer {
  const ftyp = Buffer.alloc(24);
  ftyp.writeUInt32BE(24, 0);
  ftyp.write('ftypisom', 4, 'latin1');
  ftyp.write('isomiso2', 16, 'latin1');
  const mvhd = Buffer.alloc(8 + 100);
  mvhd.writeUInt32BE(mvhd.length, 0);
  mvhd.write('mvhd', 4, 'latin1');
  mvhd.writeUInt32BE(1000, 8 + 12);
  mvhd.writeUInt32BE(seconds * 1000, 8 + 16);
  const moov = Buffer.concat([Buffer.alloc(8), mvhd]);
  moov.writeUInt32BE(moov.length, 0);
  moov.write('moov', 4, 'latin1');
  const free = Buffer.alloc(size - ftyp.length - moov.length);
  free.writeUInt32BE(free.length, 0);
  free.write('free', 4, 'latin1');
  return Buffer.concat([ftyp, moov, free]);
}

const postInfo = (extra: object = {}) => ({
  title: 'Morning light #fjord',
  privacy_level: 'PUBLIC_TO_EVERYONE',
  disable_comment: false,
  disable_duet: false,
  disable_stitch: false,
  brand_content_toggle: false,
  brand_organic_toggle: false,
  ...extra,
});

const fileSource = (size: number, chunk = size, count = 1) => ({
  source: 'FILE_UPLOAD',
  video_size: size,
  chunk_size: chunk,
  total_chunk_count: count,
});

async function put(
  uploadUrl: string,
  bytes: Buffer,
  first: number,
  total: number,
  type = 'video/mp4',
) {
  const response = await fetch(uploadUrl, {
    method: 'PUT',
    headers: {
      'content-type': type,
      'content-range': `bytes ${first}-${first + bytes.length - 1}/${total}`,
    },
    body: new Uint8Array(bytes),
  });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

const status = (token: string, publishId: string) =>
  api('/v2/post/publish/status/fetch/', token, { publish_id: publishId });

describe('video/init', () => {
  it('refuses a missing privacy level, a long title and bad chunk sizes with invalid_params', async () => {
    const token = newToken();
    const missing = await api('/v2/post/publish/video/init/', token, {
      post_info: { title: 'x', brand_content_toggle: false },
      source_info: fileSource(1000),
    });
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('invalid_params');
    expect(missing.body.error.message).toMatch(/privacy_level/);
    expect(missing.body.error.log_id).toMatch(/^\d{14}[0-9A-F]{20}$/);

    const long = await api('/v2/post/publish/video/init/', token, {
      post_info: postInfo({ title: 'é'.repeat(2201) }),
      source_info: fileSource(1000),
    });
    expect(long.status).toBe(400);
    expect(long.body.error.message).toMatch(/title/);

    const split = await api('/v2/post/publish/video/init/', token, {
      post_info: postInfo(),
      source_info: fileSource(1000, 500, 2),
    });
    expect(split.status).toBe(400);
    expect(split.body.error.message).toMatch(/under 5 MB must be uploaded whole/);

    const count = await api('/v2/post/publish/video/init/', token, {
      post_info: postInfo(),
      source_info: fileSource(12_000_000, 5_000_000, 3),
    });
    expect(count.body.error.message).toMatch(/rounded down \(2\)/);
  });

  it('refuses a privacy level the creator does not offer, and public posts from an unaudited client', async () => {
    const privateAccount = sandboxToken('tiktok', '_000NorthwindSbx02', 'test');
    const mismatch = await api('/v2/post/publish/video/init/', privateAccount, {
      post_info: postInfo(),
      source_info: fileSource(1000),
    });
    expect(mismatch.status).toBe(403);
    expect(mismatch.body.error.code).toBe('privacy_level_option_mismatch');

    await settings({ auditedClient: false });
    const unaudited = await api('/v2/post/publish/video/init/', newToken(), {
      post_info: postInfo(),
      source_info: fileSource(1000),
    });
    expect(unaudited.status).toBe(403);
    expect(unaudited.body.error.code).toBe('unaudited_client_can_only_post_to_private_accounts');
  });

  it('allows six inits a minute per token, then answers 429 rate_limit_exceeded', async () => {
    const token = newToken();
    for (let i = 0; i < 6; i += 1) {
      const ok = await api('/v2/post/publish/video/init/', token, {
        post_info: postInfo(),
        source_info: fileSource(1000),
      });
      expect(ok.status).toBe(200);
    }
    const limited = await api('/v2/post/publish/video/init/', token, {
      post_info: postInfo(),
      source_info: fileSource(1000),
    });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limit_exceeded');
  });

  it('answers a bad token and a missing scope in its 401 envelope', async () => {
    const bad = await api('/v2/post/publish/creator_info/query/', 'nope');
    expect(bad.status).toBe(401);
    expect(bad.body).toMatchObject({ data: {}, error: { code: 'access_token_invalid' } });
    const revoked = newToken();
    sandbox.revokeToken(revoked);
    expect((await api('/v2/post/publish/creator_info/query/', revoked)).body.error.code).toBe(
      'access_token_invalid',
    );
  });
});

describe('the upload', () => {
  it('takes chunks in order, answers 206 then 201, and a re-sent chunk as already taken', async () => {
    const token = newToken();
    const video = fakeMp4(12, 11_000_000);
    const init = await api('/v2/post/publish/video/init/', token, {
      post_info: postInfo(),
      source_info: fileSource(video.length, 5_000_000, 2),
    });
    expect(init.body.error.code).toBe('ok');
    const { publish_id: publishId, upload_url: uploadUrl } = init.body.data as Record<
      string,
      string
    >;

    const outOfOrder = await put(uploadUrl!, video.subarray(5_000_000), 5_000_000, video.length);
    expect(outOfOrder.status).toBe(416);
    expect(outOfOrder.headers.get('content-range')).toBe(`bytes */${video.length}`);

    expect((await put(uploadUrl!, video.subarray(0, 5_000_000), 0, video.length)).status).toBe(206);
    // The same chunk again (its answer was lost): taken already, not kept twice.
    expect((await put(uploadUrl!, video.subarray(0, 5_000_000), 0, video.length)).status).toBe(206);
    const processing = await status(token, publishId!);
    expect(processing.body.data).toMatchObject({
      status: 'PROCESSING_UPLOAD',
      uploaded_bytes: 5_000_000,
    });

    expect((await put(uploadUrl!, video.subarray(5_000_000), 5_000_000, video.length)).status).toBe(
      201,
    );
    const mine = sandbox.posts().filter((p) => p.accountId === `_000test${users}`);
    expect(mine.map((p) => p.message)).toEqual(['Morning light #fjord']);

    expect((await status(token, publishId!)).body.data.status).toBe('PROCESSING_UPLOAD');
    const done = await status(token, publishId!);
    expect(done.body.data.status).toBe('PUBLISH_COMPLETE');
    // The id is an int64 in the JSON text, beyond a JavaScript number's exact range.
    const id = /"publicaly_available_post_id":\[(\d+)\]/.exec(done.text)?.[1];
    expect(id).toMatch(/^7\d{18}$/);
    expect(sandbox.posts().some((p) => p.id === id)).toBe(true);
  });

  it('refuses a chunk whose range is not a whole chunk, and a wrong content type', async () => {
    const token = newToken();
    const video = fakeMp4(5);
    const init = await api('/v2/post/publish/video/init/', token, {
      post_info: postInfo(),
      source_info: fileSource(video.length),
    });
    const uploadUrl = (init.body.data as Record<string, string>).upload_url!;
    const partial = await put(uploadUrl, video.subarray(0, 100), 0, video.length);
    expect(partial.status).toBe(400);
    expect(JSON.parse(partial.text)).toMatchObject({ error: { code: 'invalid_params' } });
    expect((await put(uploadUrl, video, 0, video.length, 'image/png')).status).toBe(400);
  });

  it('fails a file that is not a video with file_format_check_failed, after processing', async () => {
    const token = newToken();
    const notVideo = Buffer.alloc(3000, 7);
    const init = await api('/v2/post/publish/video/init/', token, {
      post_info: postInfo({ title: 'not a video' }),
      source_info: fileSource(notVideo.length),
    });
    const { publish_id: publishId, upload_url: uploadUrl } = init.body.data as Record<
      string,
      string
    >;
    expect((await put(uploadUrl!, notVideo, 0, notVideo.length)).status).toBe(201);
    expect((await status(token, publishId!)).body.data.status).toBe('PROCESSING_UPLOAD');
    expect((await status(token, publishId!)).body.data).toMatchObject({
      status: 'FAILED',
      fail_reason: 'file_format_check_failed',
    });
    expect(sandbox.posts().some((p) => p.message === 'not a video')).toBe(false);
  });

  it('fails a video longer than the creator may post with duration_check_failed', async () => {
    const token = newToken();
    const video = fakeMp4(900);
    const init = await api('/v2/post/publish/video/init/', token, {
      post_info: postInfo(),
      source_info: fileSource(video.length),
    });
    const { publish_id: publishId, upload_url: uploadUrl } = init.body.data as Record<
      string,
      string
    >;
    await put(uploadUrl!, video, 0, video.length);
    await status(token, publishId!);
    expect((await status(token, publishId!)).body.data.fail_reason).toBe('duration_check_failed');
  });
});

describe('the Display API', () => {
  it('answers the fields asked for, and refuses a request without fields', async () => {
    const token = newToken();
    const info = await api(
      '/v2/user/info/?fields=open_id,display_name,username',
      token,
      undefined,
      'GET',
    );
    expect(info.body.data.user).toEqual({
      open_id: `_000test${users}`,
      display_name: `Creator _000test${users}`,
      username: `creator000test${users}`,
    });
    const missing = await api('/v2/user/info/', token, undefined, 'GET');
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('invalid_params');
  });

  it('reports engagement that grows with the video age on the sandbox clock', async () => {
    const token = newToken();
    const video = fakeMp4(12);
    const init = await api('/v2/post/publish/video/init/', token, {
      post_info: postInfo({ title: 'metrics' }),
      source_info: fileSource(video.length),
    });
    await put((init.body.data as Record<string, string>).upload_url!, video, 0, video.length);
    const id = sandbox
      .posts()
      .find((p) => p.message === 'metrics' && p.accountId === `_000test${users}`)!.id;
    const createdAt = Date.parse(sandbox.posts().find((p) => p.id === id)!.createdAt);
    const counts = async (minutes: number) => {
      await settings({ now: new Date(createdAt + minutes * 60_000).toISOString() });
      const query = await api(
        '/v2/video/query/?fields=id,view_count,like_count,comment_count,share_count',
        token,
        {
          filters: { video_ids: [id] },
        },
      );
      return (query.body.data.videos as Array<Record<string, number>>)[0]!;
    };
    const hour = await counts(60);
    const day = await counts(24 * 60);
    expect(hour.view_count).toBeGreaterThan(0);
    expect(day.view_count).toBeGreaterThan(hour.view_count!);
    expect(day.like_count).toBeGreaterThanOrEqual(hour.like_count!);
    expect(await counts(60)).toEqual(hour);
  });
});

describe('OAuth', () => {
  const REDIRECT = 'http://127.0.0.1:1/oauth/tiktok/callback';

  /** Through the consent page as a person would: open it, pick the account, follow the form. */
  async function authorize(scope: string, openId = '_000FjordOutdoorSbx01') {
    const url = new URL(`${base()}/v2/auth/authorize/`);
    url.search = new URLSearchParams({
      client_key: 'sbx-client',
      scope,
      response_type: 'code',
      redirect_uri: REDIRECT,
      state: 'st',
    }).toString();
    const page = await fetch(url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('@fjordoutdoor');
    const action = /<form method="get" action="([^"]+)">/.exec(html)![1]!;
    const confirm = new URL(action, url);
    for (const [, name, value] of html.matchAll(
      /<input type="hidden" name="([^"]+)" value="([^"]*)">/g,
    )) {
      confirm.searchParams.set(name!, value!.replace(/&amp;/g, '&'));
    }
    confirm.searchParams.set('open_id', openId);
    const back = await fetch(confirm, { redirect: 'manual' });
    expect(back.status).toBe(302);
    const location = new URL(back.headers.get('location')!);
    expect(location.searchParams.get('state')).toBe('st');
    return location.searchParams.get('code')!;
  }

  const tokenCall = (form: Record<string, string>, path = '/v2/oauth/token/') =>
    fetch(`${base()}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_key: 'sbx-client', client_secret: 's', ...form }),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, string> }));

  it('grants only the scopes asked for: username needs user.info.profile', async () => {
    const code = await authorize('user.info.basic,video.publish');
    const tokens = await tokenCall({
      code,
      grant_type: 'authorization_code',
      redirect_uri: REDIRECT,
    });
    expect(tokens.status).toBe(200);
    expect(tokens.body).toMatchObject({
      open_id: '_000FjordOutdoorSbx01',
      expires_in: 86_400,
      scope: 'user.info.basic,video.publish',
      token_type: 'Bearer',
    });
    const basic = await api(
      '/v2/user/info/?fields=open_id,display_name',
      tokens.body.access_token!,
      undefined,
      'GET',
    );
    expect(basic.body.data.user).toEqual({
      open_id: '_000FjordOutdoorSbx01',
      display_name: 'Fjord Outdoor',
    });
    const username = await api(
      '/v2/user/info/?fields=open_id,username',
      tokens.body.access_token!,
      undefined,
      'GET',
    );
    expect(username.body.error.code).toBe('scope_permission_missed');
    const list = await api('/v2/video/list/?fields=id', tokens.body.access_token!, {});
    expect(list.status).toBe(401);
    expect(list.body.error.code).toBe('scope_not_authorized');
  });

  it('rotates refresh tokens, and revoking disconnects the account', async () => {
    const code = await authorize('user.info.basic,video.publish');
    const first = await tokenCall({
      code,
      grant_type: 'authorization_code',
      redirect_uri: REDIRECT,
    });
    const second = await tokenCall({
      grant_type: 'refresh_token',
      refresh_token: first.body.refresh_token!,
    });
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.body.refresh_token);
    const spent = await tokenCall({
      grant_type: 'refresh_token',
      refresh_token: first.body.refresh_token!,
    });
    expect(spent.status).toBe(400);
    expect(spent.body.error).toBe('invalid_grant');

    const revoked = await tokenCall({ token: second.body.access_token! }, '/v2/oauth/revoke/');
    expect(revoked).toEqual({ status: 200, body: {} });
    expect(
      (await api('/v2/post/publish/creator_info/query/', second.body.access_token!)).body.error
        .code,
    ).toBe('access_token_invalid');
    const afterRevoke = await tokenCall({
      grant_type: 'refresh_token',
      refresh_token: second.body.refresh_token!,
    });
    expect(afterRevoke.body.error).toBe('invalid_grant');
  });

  it('refuses a used code, and an access token past its lifetime on the sandbox clock', async () => {
    const code = await authorize('video.publish');
    const tokens = await tokenCall({
      code,
      grant_type: 'authorization_code',
      redirect_uri: REDIRECT,
    });
    const again = await tokenCall({
      code,
      grant_type: 'authorization_code',
      redirect_uri: REDIRECT,
    });
    expect(again.body).toMatchObject({ error: 'invalid_grant' });
    expect(
      (await api('/v2/post/publish/creator_info/query/', tokens.body.access_token!)).status,
    ).toBe(200);
    await settings({ now: new Date(Date.now() + 86_401_000).toISOString() });
    expect(
      (await api('/v2/post/publish/creator_info/query/', tokens.body.access_token!)).body.error
        .code,
    ).toBe('access_token_invalid');
  });
});
