// The Graph API surface over real HTTP: what a Page feed POST and a post GET answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../index.ts';
import { graphJson } from './testing.ts';

const PAGE = '1000000001';
const TOKEN = `sbx-page-${PAGE}-abc123`;

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox.close());

const feed = (page = PAGE) => `${sandbox.facebookBaseUrl}/v21.0/${page}/feed`;

async function postForm(url: string, fields: Record<string, string>, token?: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: new URLSearchParams(fields),
  });
  return { status: response.status, body: await graphJson(response) };
}

const recorded = (id: string) => sandbox.posts().find((p) => p.id === id);

describe('POST /{page-id}/feed', () => {
  it('publishes, answers with the Graph id and records the post', async () => {
    const before = Date.now();
    const { status, body } = await postForm(feed(), { message: 'Fresh roast today' }, TOKEN);
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(['id']);
    expect(body.id).toMatch(new RegExp(`^${PAGE}_\\d+$`));
    const post = recorded(body.id);
    expect(post).toMatchObject({
      platform: 'facebook',
      accountId: PAGE,
      message: 'Fresh roast today',
    });
    expect(Date.parse(post!.createdAt)).toBeGreaterThanOrEqual(before - 1);
    expect(post!.createdAt).toBe(new Date(post!.createdAt).toISOString());
  });

  it('gives each post its own id', async () => {
    const a = await postForm(feed(), { message: 'one' }, TOKEN);
    const b = await postForm(feed(), { message: 'two' }, TOKEN);
    expect(a.body.id).not.toBe(b.body.id);
  });

  it.each([
    {
      style: 'query string, access_token param',
      send: (message: string) =>
        fetch(`${feed()}?${new URLSearchParams({ message, access_token: TOKEN }).toString()}`, {
          method: 'POST',
        }),
    },
    {
      style: 'form body, access_token in the body',
      send: (message: string) =>
        fetch(feed(), {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ message, access_token: TOKEN }).toString(),
        }),
    },
    {
      style: 'JSON body, bearer token',
      send: (message: string) =>
        fetch(feed(), {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
          body: JSON.stringify({ message, published: true }),
        }),
    },
  ])('accepts parameters as a $style', async ({ send }) => {
    const message = `styled ${Math.random()}`;
    const response = await send(message);
    expect(response.status).toBe(200);
    const { id } = (await response.json()) as { id: string };
    expect(recorded(id)?.message).toBe(message);
  });

  it('accepts a link without a message and records it', async () => {
    const { status, body } = await postForm(feed(), { link: 'https://example.com/a?b=c' }, TOKEN);
    expect(status).toBe(200);
    expect(recorded(body.id)).toMatchObject({ message: '', link: 'https://example.com/a?b=c' });
  });

  it('answers 104 without a token', async () => {
    const { status, body } = await postForm(feed(), { message: 'hi' });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({
      code: 104,
      type: 'OAuthException',
      message: 'An access token is required to request this resource.',
    });
    expect(body.error.fbtrace_id).toEqual(expect.any(String));
  });

  it.each([
    ['garbage', 'not-a-token'],
    ['an empty suffix', `sbx-page-${PAGE}-`],
    ['a suffix with symbols', `sbx-page-${PAGE}-ab_c`],
    ["another page's token", 'sbx-page-1000000002-abc'],
  ])('answers 190 for %s and records nothing', async (_, token) => {
    const count = sandbox.posts().length;
    const { status, body } = await postForm(feed(), { message: 'hi' }, token);
    expect(status).toBe(400);
    expect(body.error).toMatchObject({
      code: 190,
      type: 'OAuthException',
      message: 'Invalid OAuth access token - Cannot parse access token',
    });
    expect(sandbox.posts()).toHaveLength(count);
  });

  it('answers 190 with the revocation subcode once a token is revoked', async () => {
    const passwordChanged = `sbx-page-${PAGE}-revokedA`;
    const appRemoved = `sbx-page-${PAGE}-revokedB`;
    expect((await postForm(feed(), { message: 'ok' }, passwordChanged)).status).toBe(200);

    sandbox.revokeToken(passwordChanged);
    const control = await fetch(`${sandbox.url}/__sandbox/tokens/revoke`, {
      method: 'POST',
      body: JSON.stringify({ token: appRemoved, subcode: 458 }),
    });
    expect(control.status).toBe(200);

    const a = await postForm(feed(), { message: 'no' }, passwordChanged);
    expect(a.status).toBe(400);
    expect(a.body.error).toMatchObject({ code: 190, error_subcode: 460, type: 'OAuthException' });
    const b = await postForm(feed(), { message: 'no' }, appRemoved);
    expect(b.body.error).toMatchObject({ code: 190, error_subcode: 458 });
    // Only that token: another token for the same page still works.
    expect((await postForm(feed(), { message: 'ok' }, TOKEN)).status).toBe(200);
  });

  it('answers 100 when there is neither a message nor a link, or the link is not a URL', async () => {
    const missing = await postForm(feed(), { message: '' }, TOKEN);
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({
      code: 100,
      type: 'OAuthException',
      message: '(#100) Missing message or attachment',
    });
    const badLink = await postForm(feed(), { message: 'x', link: 'javascript:alert(1)' }, TOKEN);
    expect(badLink.body.error).toMatchObject({ code: 100 });
  });

  it('answers 100/33 GraphMethodException for a page id that is not numeric', async () => {
    const { status, body } = await postForm(feed('northwind'), { message: 'hi' }, TOKEN);
    expect(status).toBe(400);
    expect(body.error).toMatchObject({
      code: 100,
      error_subcode: 33,
      type: 'GraphMethodException',
    });
    expect(body.error.message).toMatch(/^Unsupported post request\. Object with ID 'northwind'/);
  });

  it('answers 100 for a JSON body that does not parse', async () => {
    const response = await fetch(feed(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: '{"message": ',
    });
    expect(response.status).toBe(400);
    expect((await graphJson(response)).error.code).toBe(100);
  });
});

describe('GET /{post-id}', () => {
  let id: string;
  beforeAll(async () => {
    id = (await postForm(feed(), { message: 'Read me back' }, TOKEN)).body.id;
  });
  const get = (node: string, query: Record<string, string>) =>
    fetch(`${sandbox.facebookBaseUrl}/v21.0/${node}?${new URLSearchParams(query).toString()}`);

  it('returns the requested fields plus the id, with a permalink to the sandbox', async () => {
    const response = await get(id, {
      fields: 'permalink_url,message,created_time',
      access_token: TOKEN,
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, string>;
    expect(body).toEqual({
      id,
      message: 'Read me back',
      permalink_url: `${sandbox.url}/facebook/posts/${id}`,
      created_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/),
    });
    const page = await fetch(body.permalink_url!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Read me back');
  });

  it('takes the token as a bearer header too', async () => {
    const response = await fetch(`${sandbox.facebookBaseUrl}/v21.0/${id}?fields=message`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(await response.json()).toEqual({ id, message: 'Read me back' });
  });

  it('applies the token rules', async () => {
    expect((await graphJson(await get(id, { fields: 'message' }))).error.code).toBe(104);
    const wrongPage = await get(id, { access_token: 'sbx-page-42-abc' });
    expect((await graphJson(wrongPage)).error.code).toBe(190);
  });

  it('answers 100/33 for a post that does not exist', async () => {
    const response = await get(`${PAGE}_1`, { access_token: TOKEN });
    expect(response.status).toBe(400);
    const { error } = await graphJson(response);
    expect(error).toMatchObject({ code: 100, error_subcode: 33, type: 'GraphMethodException' });
    expect(error.message).toBe(
      `Unsupported get request. Object with ID '${PAGE}_1' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
    );
  });

  it('answers 100 for a field a post does not have', async () => {
    const response = await get(id, { fields: 'message,likes_count', access_token: TOKEN });
    const { error } = await graphJson(response);
    expect(error).toMatchObject({ code: 100 });
    expect(error.message).toContain('(likes_count)');
  });
});

describe('GET /{page-id}/feed', () => {
  const LISTED = '1000000077';
  const LIST_TOKEN = `sbx-page-${LISTED}-list`;
  const list = async (query: Record<string, string>, token = LIST_TOKEN, page = LISTED) => {
    const response = await fetch(`${feed(page)}?${new URLSearchParams(query).toString()}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return {
      status: response.status,
      body: (await response.json()) as {
        data: { id: string; message?: string; created_time?: string }[];
        paging?: { next?: string; cursors: { before: string; after: string } };
        error?: { code: number };
      },
    };
  };

  it("lists the Page's posts newest first, a page at a time, and only that Page's", async () => {
    const ids: string[] = [];
    for (const message of ['one', 'two', 'three']) {
      ids.push((await postForm(feed(LISTED), { message }, LIST_TOKEN)).body.id);
    }
    await postForm(feed(), { message: 'on another page' }, TOKEN);

    const first = await list({ limit: '2', fields: 'id,message' });
    expect(first.status).toBe(200);
    expect(first.body.data).toEqual([
      { id: ids[2], message: 'three' },
      { id: ids[1], message: 'two' },
    ]);
    const next = await fetch(first.body.paging!.next!, {
      headers: { authorization: `Bearer ${LIST_TOKEN}` },
    });
    const second = (await next.json()) as { data: { id: string }[]; paging?: { next?: string } };
    expect(second.data.map((p) => p.id)).toEqual([ids[0]]);
    expect(second.paging?.next).toBeUndefined();
  });

  it('keeps to since/until, given in Unix seconds', async () => {
    const { body } = await postForm(feed(LISTED), { message: 'timed' }, LIST_TOKEN);
    const at = Date.parse(recorded(body.id)!.createdAt) / 1000;
    const around = await list({ since: String(Math.floor(at)), until: String(Math.ceil(at)) });
    expect(around.body.data.map((p) => p.id)).toContain(body.id);
    const later = await list({ since: String(Math.ceil(at) + 60) });
    expect(later.body).toEqual({ data: [] });
    expect((await list({ since: 'soon-ish' })).body.error?.code).toBe(100);
  });

  it("refuses another Page's token and applies the token rules", async () => {
    expect((await list({}, TOKEN)).body.error?.code).toBe(190);
    expect((await list({}, 'not-a-token')).body.error?.code).toBe(190);
  });
});

describe('unknown routes', () => {
  it('answers Graph 2500 under /facebook and a plain 404 elsewhere', async () => {
    const graph = await fetch(`${sandbox.facebookBaseUrl}/v21.0/${PAGE}/feed/extra`, {
      method: 'POST',
    });
    expect(graph.status).toBe(400);
    expect((await graphJson(graph)).error).toMatchObject({
      code: 2500,
      type: 'OAuthException',
      message: 'Unknown path components: /feed/extra',
    });
    const elsewhere = await fetch(`${sandbox.url}/twitter/2/tweets`, { method: 'POST' });
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.headers.get('content-type')).toMatch(/^text\/plain/);
    // A path that looks protocol-relative is still a path, not a host.
    expect((await fetch(`${sandbox.url}//facebook/v21.0/${PAGE}/feed`)).status).toBe(404);
  });
});
