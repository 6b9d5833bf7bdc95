// LinkedIn's Posts, Images and OAuth endpoints over real HTTP: headers checked, uploads that must
// complete, validation and error envelopes, the finder by author, and refresh tokens.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sandboxToken, startSandbox, type Sandbox } from '../../index.ts';
import { displayLittleText } from './little-text.ts';
import { linkedinRefreshToken, versionOf } from './index.ts';

const MEMBER = 'urn:li:person:abc123';
const ORG = 'urn:li:organization:2414183';
const TOKEN = sandboxToken('linkedin', MEMBER, 'test');
const ORG_TOKEN = sandboxToken('linkedin', ORG, 'test');
const VERSION = versionOf(new Date());

let sandbox: Sandbox;
/** A 1×1 PNG: the sandbox checks an upload's signature, as LinkedIn checks its format. */
const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.clearFaults());

const base = () => sandbox.baseUrl('linkedin');
const headers = (token = TOKEN, extra: Record<string, string> = {}) => ({
  authorization: `Bearer ${token}`,
  'linkedin-version': VERSION,
  'x-restli-protocol-version': '2.0.0',
  'content-type': 'application/json',
  ...extra,
});

const textPost = (commentary: string, author = MEMBER) => ({
  author,
  commentary,
  visibility: 'PUBLIC',
  distribution: {
    feedDistribution: 'MAIN_FEED',
    targetEntities: [],
    thirdPartyDistributionChannels: [],
  },
  lifecycleState: 'PUBLISHED',
  isReshareDisabledByAuthor: false,
});

async function createPost(body: unknown, init: { headers?: Record<string, string> } = {}) {
  const response = await fetch(`${base()}/rest/posts`, {
    method: 'POST',
    headers: init.headers ?? headers(),
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    urn: response.headers.get('x-restli-id'),
    text,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : null,
  };
}

async function uploadImage(owner = MEMBER, token = TOKEN, bytes: Buffer | null = png) {
  const init = await fetch(`${base()}/rest/images?action=initializeUpload`, {
    method: 'POST',
    headers: headers(token),
    body: JSON.stringify({ initializeUploadRequest: { owner } }),
  });
  expect(init.status).toBe(200);
  const { value } = (await init.json()) as { value: { uploadUrl: string; image: string } };
  if (bytes) {
    const put = await fetch(value.uploadUrl, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}` },
      body: new Uint8Array(bytes),
    });
    expect(put.status).toBe(201);
    expect(await put.text()).toBe('');
  }
  return value;
}

describe('POST /rest/posts', () => {
  it('creates a text post: 201, empty body, URN in x-restli-id, shown on its page', async () => {
    const created = await createPost(textPost('Hello \\(world\\) \\#1 and #launch'));
    expect(created.status).toBe(201);
    expect(created.text).toBe('');
    expect(created.urn).toMatch(/^urn:li:share:\d+$/);
    const recorded = sandbox.posts().find((p) => p.id === created.urn);
    expect(recorded).toMatchObject({
      platform: 'linkedin',
      accountId: MEMBER,
      message: 'Hello (world) #1 and #launch',
    });
    const page = await fetch(`${base()}/feed/update/${encodeURIComponent(created.urn!)}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Hello (world) #1 and #launch');
    const index = await (await fetch(`${sandbox.url}/`)).text();
    expect(index).toContain(`/linkedin/posts/${encodeURIComponent(created.urn!)}`);
  });

  it('posts as an organization with its token', async () => {
    const created = await createPost(textPost('From the Page', ORG), {
      headers: headers(ORG_TOKEN),
    });
    expect(created.status).toBe(201);
  });

  it('refuses a missing or sunset LinkedIn-Version and a missing Rest.li header', async () => {
    const { 'linkedin-version': _omit, ...noVersion } = headers();
    const missing = await createPost(textPost('v?'), { headers: noVersion });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ status: 400, code: 'VERSION_MISSING' });

    const old = await createPost(textPost('old'), {
      headers: headers(TOKEN, { 'linkedin-version': '202001' }),
    });
    expect(old.status).toBe(426);
    expect(old.body).toEqual({
      status: 426,
      code: 'NONEXISTENT_VERSION',
      message: 'Requested version 20200101 is not active',
    });

    const { 'x-restli-protocol-version': _no, ...noRestli } = headers();
    const restli = await createPost(textPost('restli'), { headers: noRestli });
    expect(restli.status).toBe(400);
    expect(sandbox.posts().some((p) => p.message === 'restli')).toBe(false);
  });

  it('answers 401 with LinkedIn codes for bad, revoked and expired tokens, 403 for another author', async () => {
    const bad = await createPost(textPost('x'), { headers: headers('nope') });
    expect(bad.body).toMatchObject({
      status: 401,
      serviceErrorCode: 65600,
      code: 'INVALID_ACCESS_TOKEN',
    });
    const revoked = sandboxToken('linkedin', MEMBER, 'revoked');
    sandbox.revokeToken(revoked);
    expect((await createPost(textPost('x'), { headers: headers(revoked) })).body).toMatchObject({
      status: 401,
      serviceErrorCode: 65601,
      code: 'REVOKED_ACCESS_TOKEN',
    });
    const expired = sandboxToken('linkedin', MEMBER, 'expired');
    sandbox.revokeToken(expired, 463);
    expect((await createPost(textPost('x'), { headers: headers(expired) })).body).toMatchObject({
      code: 'EXPIRED_ACCESS_TOKEN',
    });
    const other = await createPost(textPost('not mine', ORG));
    expect(other.status).toBe(403);
    expect(other.body).toMatchObject({ code: 'ACCESS_DENIED' });
  });

  it('validates required fields, enums and the 3,000-character limit', async () => {
    const missing = await createPost({ commentary: 'no author' });
    expect(missing.status).toBe(422);
    expect(missing.body!.message).toContain('ERROR :: /author :: field is required but not found');
    expect(missing.body!.message).toContain('/lifecycleState');

    const bad = await createPost({ ...textPost('x'), visibility: 'EVERYONE' });
    expect(bad.status).toBe(422);

    const ok = await createPost(textPost(`${'a'.repeat(2990)}${'\\('.repeat(10)}`));
    expect(ok.status).toBe(201);
    const long = await createPost(textPost('b'.repeat(3001)));
    expect(long.status).toBe(400);
    expect(long.body!.message).toBe(
      'com.linkedin.content.common.exception.BadRequestResponseException: ShareCommentary text length (3001 characters) exceeded the maximum allowed (3000 characters)',
    );
  });

  it('refuses a duplicate of a recent post, naming it', async () => {
    const first = await createPost(textPost('Same words twice'));
    const second = await createPost(textPost('Same words twice'));
    expect(second.status).toBe(422);
    expect(second.body!.message).toBe(
      `com.linkedin.content.common.exception.BadRequestResponseException: Content is a duplicate of ${first.urn}`,
    );
    expect(second.body).toMatchObject({
      errorDetails: { inputErrors: [{ code: 'DUPLICATE_POST' }] },
    });
  });

  it('shows text cut at an unescaped reserved character, as LinkedIn does', () => {
    expect(displayLittleText('Price (incl. VAT)')).toBe('Price ');
    expect(displayLittleText('Hi @[Eddy](urn:li:person:1234) \\@home #news')).toBe(
      'Hi Eddy @home #news',
    );
    expect(displayLittleText('a\\\\b\\_c')).toBe('a\\b_c');
  });
});

describe('images', () => {
  it('posts one uploaded image and serves it on the post page', async () => {
    const { image } = await uploadImage();
    expect(image).toMatch(/^urn:li:image:/);
    const status = await fetch(`${base()}/rest/images/${encodeURIComponent(image)}`, {
      headers: headers(),
    });
    expect(await status.json()).toMatchObject({ id: image, status: 'AVAILABLE' });
    const created = await createPost({
      ...textPost('With a picture'),
      content: { media: { id: image } },
    });
    expect(created.status).toBe(201);
    const post = sandbox.posts().find((p) => p.id === created.urn)!;
    expect(post.media).toEqual([{ id: image, kind: 'image' }]);
    const page = await (await fetch(`${base()}/posts/${encodeURIComponent(created.urn!)}`)).text();
    const src = /<img src="([^"]+)"/.exec(page)![1]!.replaceAll('&amp;', '&');
    const served = await fetch(`${sandbox.url}${src}`);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer()).equals(png)).toBe(true);
  });

  it('refuses a post naming an image whose upload never completed', async () => {
    const { image } = await uploadImage(MEMBER, TOKEN, null);
    const created = await createPost({
      ...textPost('Too soon'),
      content: { media: { id: image } },
    });
    expect(created.status).toBe(400);
    expect(created.body!.message).toContain('WAITING_UPLOAD');
  });

  it('refuses an upload that is not an image, and one without the owner token', async () => {
    const { uploadUrl } = await uploadImage(MEMBER, TOKEN, null);
    const text = await fetch(uploadUrl, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: 'not an image',
    });
    expect(text.status).toBe(400);
    const anonymous = await fetch(uploadUrl, { method: 'PUT', body: new Uint8Array(png) });
    expect(anonymous.status).toBe(401);
  });

  it('posts 2–20 images as multiImage, and refuses one image there', async () => {
    const a = await uploadImage();
    const b = await uploadImage();
    const created = await createPost({
      ...textPost('Two pictures'),
      content: {
        multiImage: {
          images: [
            { id: a.image, altText: 'a' },
            { id: b.image, altText: 'b' },
          ],
        },
      },
    });
    expect(created.status).toBe(201);
    expect(sandbox.posts().find((p) => p.id === created.urn)!.media).toHaveLength(2);
    const one = await createPost({
      ...textPost('One picture'),
      content: { multiImage: { images: [{ id: a.image }] } },
    });
    expect(one.status).toBe(400);
  });
});

describe('GET /rest/posts?q=author', () => {
  it('lists the author’s posts newest first with raw commentary, paged by start and count', async () => {
    const author = 'urn:li:person:lister1';
    const token = sandboxToken('linkedin', author, 'list');
    for (const text of ['first \\(1\\)', 'second', 'third']) {
      expect((await createPost(textPost(text, author), { headers: headers(token) })).status).toBe(
        201,
      );
    }
    const query = new URLSearchParams({ q: 'author', author, count: '2', sortBy: 'LAST_MODIFIED' });
    const page1 = (await (
      await fetch(`${base()}/rest/posts?${query.toString()}`, { headers: headers(token) })
    ).json()) as {
      elements: { commentary: string; createdAt: number; id: string }[];
      paging: { total: number };
    };
    expect(page1.elements.map((e) => e.commentary)).toEqual(['third', 'second']);
    expect(page1.paging.total).toBe(3);
    query.set('start', '2');
    const page2 = (await (
      await fetch(`${base()}/rest/posts?${query.toString()}`, { headers: headers(token) })
    ).json()) as {
      elements: { commentary: string }[];
    };
    expect(page2.elements.map((e) => e.commentary)).toEqual(['first \\(1\\)']);

    const other = await fetch(
      `${base()}/rest/posts?q=author&author=${encodeURIComponent(MEMBER)}`,
      { headers: headers(token) },
    );
    expect(other.status).toBe(403);
  });

  it('takes read faults in LinkedIn’s envelope', async () => {
    sandbox.injectFault({
      platform: 'linkedin',
      on: 'read',
      fault: { type: 'graph_error', status: 500, code: 0 },
    });
    const response = await fetch(
      `${base()}/rest/posts?q=author&author=${encodeURIComponent(MEMBER)}`,
      { headers: headers() },
    );
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ status: 500, code: 'INTERNAL_SERVER_ERROR' });
  });
});

describe('POST /oauth/v2/accessToken', () => {
  const refresh = (refreshToken: string, extra: Record<string, string> = {}) =>
    fetch(`${base()}/oauth/v2/accessToken`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        client_id: 'herald',
        client_secret: 'secret',
        ...extra,
      }),
    });

  it('mints a working 60-day access token and keeps the refresh token’s 365 days', async () => {
    const refreshToken = linkedinRefreshToken(MEMBER, 'r1');
    const response = await refresh(refreshToken);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, string | number>;
    expect(body).toMatchObject({ expires_in: 5_184_000, refresh_token: refreshToken });
    expect(body.refresh_token_expires_in).toBeGreaterThan(365 * 86_400 - 5);
    const posted = await createPost(textPost('With a fresh token'), {
      headers: headers(String(body.access_token)),
    });
    expect(posted.status).toBe(201);
  });

  it('answers invalid_grant for a revoked refresh token and invalid_request without a client', async () => {
    const refreshToken = linkedinRefreshToken(MEMBER, 'r2');
    sandbox.revokeToken(refreshToken);
    const revoked = await refresh(refreshToken);
    expect(revoked.status).toBe(400);
    expect(await revoked.json()).toMatchObject({ error: 'invalid_grant' });
    const noClient = await refresh(linkedinRefreshToken(MEMBER, 'r3'), { client_secret: '' });
    expect(await noClient.json()).toMatchObject({ error: 'invalid_request' });
  });
});
