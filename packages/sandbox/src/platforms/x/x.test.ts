// The emulated X API over HTTP: posts, threads, listing, media uploads, limits and refresh.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../server.ts';
import { sandboxToken } from '../../tokens.ts';

/** What X answers, loosely: tests read whichever parts apply. */
interface XJson {
  data: {
    id: string;
    text: string;
    processing_info?: { state: string; check_after_secs?: number };
  } & Array<{ id: string; text: string }>;
  meta: { result_count: number; next_token?: string };
  title: string;
  detail: string;
  errors: Array<{ message: string; parameters?: Record<string, string[]> }>;
  access_token: string;
  refresh_token: string;
}
const xJson = async (response: Response) => (await response.json()) as XJson;

let sandbox: Sandbox;
let base: string;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  base = sandbox.baseUrl('x');
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.clearFaults());

let users = 5000;
/** A fresh user per test, so windows and duplicates do not leak between tests. */
const newUser = () => {
  const id = String(++users);
  return { id, token: sandboxToken('x', id) };
};

const settings = (body: object) =>
  fetch(`${base}/__sandbox/settings`, { method: 'POST', body: JSON.stringify(body) });

async function tweet(token: string, body: object) {
  const res = await fetch(`${base}/2/tweets`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { res, json: await xJson(res) };
}

describe('POST /2/tweets', () => {
  it('creates a post, records it with a page, and answers 201 with rate-limit headers', async () => {
    const { id, token } = newUser();
    const { res, json } = await tweet(token, { text: 'Hello from the sandbox' });
    expect(res.status).toBe(201);
    expect(json.data.text).toBe('Hello from the sandbox');
    expect(res.headers.get('x-rate-limit-limit')).toBe('100');
    expect(res.headers.get('x-rate-limit-remaining')).toBe('99');
    expect(Number(res.headers.get('x-rate-limit-reset'))).toBeGreaterThan(Date.now() / 1000);
    expect(sandbox.posts().find((p) => p.id === json.data.id)).toMatchObject({
      platform: 'x',
      accountId: id,
      message: 'Hello from the sandbox',
    });
    const page = await fetch(`${base}/posts/${json.data.id}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Hello from the sandbox');
    const index = await (await fetch(sandbox.url)).text();
    expect(index).toContain(`/x/posts/${json.data.id}`);
  });

  it('refuses a bad token with 401 problem JSON', async () => {
    const { res, json } = await tweet('sbx-facebook-1-x', { text: 'nope' });
    expect(res.status).toBe(401);
    expect(json).toEqual({
      title: 'Unauthorized',
      detail: 'Unauthorized',
      type: 'about:blank',
      status: 401,
    });
  });

  it('refuses text over 280 weighted characters, and empty posts', async () => {
    const { token } = newUser();
    const long = await tweet(token, { text: '語'.repeat(141) });
    expect(long.res.status).toBe(403);
    expect(long.json.detail).toMatch(/Tweet text is too long/);
    expect((await tweet(token, { text: '語'.repeat(140) })).res.status).toBe(201);
    const empty = await tweet(token, {});
    expect(empty.res.status).toBe(400);
    expect(empty.json.title).toBe('Invalid Request');
    expect(empty.json.errors[0]!.message).toMatch(/text or media/);
  });

  it('refuses duplicate content with 403', async () => {
    const { token } = newUser();
    expect((await tweet(token, { text: 'same words' })).res.status).toBe(201);
    const again = await tweet(token, { text: 'same words' });
    expect(again.res.status).toBe(403);
    expect(again.json.detail).toBe('You are not allowed to create a Tweet with duplicate content.');
  });

  it('chains replies into a thread and refuses a reply to an unknown post', async () => {
    const { token } = newUser();
    const first = await tweet(token, { text: 'part one' });
    const second = await tweet(token, {
      text: 'part two',
      reply: { in_reply_to_tweet_id: first.json.data.id },
    });
    expect(second.res.status).toBe(201);
    const page = await (await fetch(`${base}/posts/${second.json.data.id}`)).text();
    expect(page).toContain(`Replying to <a href="/x/posts/${first.json.data.id}"`);
    const orphan = await tweet(token, { text: 'x', reply: { in_reply_to_tweet_id: '1' } });
    expect(orphan.res.status).toBe(403);
  });

  it('answers 429 past the per-user cap, with the window reset', async () => {
    const { token } = newUser();
    await settings({ tweetsPer15Min: 2 });
    try {
      expect((await tweet(token, { text: 'one' })).res.status).toBe(201);
      expect((await tweet(token, { text: 'two' })).res.status).toBe(201);
      const third = await tweet(token, { text: 'three' });
      expect(third.res.status).toBe(429);
      expect(third.json.title).toBe('Too Many Requests');
      expect(third.res.headers.get('x-rate-limit-remaining')).toBe('0');
      expect(Number(third.res.headers.get('x-rate-limit-reset'))).toBeGreaterThan(
        Date.now() / 1000,
      );
    } finally {
      await settings({ tweetsPer15Min: 100 });
    }
  });

  it('answers injected faults in X problem shape', async () => {
    const { token } = newUser();
    sandbox.injectFault({ platform: 'x', fault: { type: 'graph_error', status: 503, code: 2 } });
    const { res, json } = await tweet(token, { text: 'under fault' });
    expect(res.status).toBe(503);
    expect(json.title).toBe('Service Unavailable');
    expect(sandbox.posts().some((p) => p.message === 'under fault')).toBe(false);
  });
});

describe('GET /2/users/{id}/tweets', () => {
  it('lists newest first within start_time/end_time, paging with next_token', async () => {
    const { id, token } = newUser();
    const before = new Date(Date.now() - 1000).toISOString();
    for (const text of ['a1', 'a2 & https://example.com', 'a3', 'a4', 'a5', 'a6']) {
      await tweet(token, { text });
    }
    const auth = { authorization: `Bearer ${token}` };
    const q = new URLSearchParams({
      start_time: before,
      max_results: '5',
      'tweet.fields': 'created_at,referenced_tweets',
    });
    const first = await xJson(
      await fetch(`${base}/2/users/${id}/tweets?${q.toString()}`, { headers: auth }),
    );
    expect(first.data.map((t: { text: string }) => t.text).slice(0, 2)).toEqual(['a6', 'a5']);
    expect(first.meta.result_count).toBe(5);
    q.set('pagination_token', first.meta.next_token!);
    const second = await xJson(
      await fetch(`${base}/2/users/${id}/tweets?${q.toString()}`, { headers: auth }),
    );
    expect(second.data).toHaveLength(1);
    expect(second.data[0]!.text).toBe('a1');
    // The v2 API shows text escaped and links as t.co.
    expect(first.data[4]!.text).toMatch(/^a2 &amp; https:\/\/t\.co\/\w{10}$/);

    const later = new URLSearchParams({ start_time: new Date(Date.now() + 60_000).toISOString() });
    const none = await xJson(
      await fetch(`${base}/2/users/${id}/tweets?${later.toString()}`, { headers: auth }),
    );
    expect(none).toEqual({ meta: { result_count: 0 } });
  });

  it('validates max_results and the times', async () => {
    const { id, token } = newUser();
    const auth = { authorization: `Bearer ${token}` };
    const bad = await fetch(`${base}/2/users/${id}/tweets?max_results=500`, { headers: auth });
    expect(bad.status).toBe(400);
    const badTime = await fetch(`${base}/2/users/${id}/tweets?start_time=yesterday`, {
      headers: auth,
    });
    expect((await xJson(badTime)).errors[0]!.parameters).toEqual({
      start_time: ['yesterday'],
    });
  });
});

const MP4 = Buffer.concat([
  Buffer.from([0, 0, 0, 0x18]),
  Buffer.from('ftypisom'),
  Buffer.alloc(200_000, 7),
]);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

describe('media upload', () => {
  it('takes a video in chunks and processes it over STATUS polls before a post may use it', async () => {
    const { token } = newUser();
    await settings({ processingPolls: 2, checkAfterSecs: 3 });
    const auth = { authorization: `Bearer ${token}` };
    const init = await fetch(`${base}/2/media/upload/initialize`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        media_type: 'video/mp4',
        total_bytes: MP4.length,
        media_category: 'tweet_video',
      }),
    });
    const id = (await xJson(init)).data.id;
    for (const [index, chunk] of [MP4.subarray(0, 100_000), MP4.subarray(100_000)].entries()) {
      const form = new FormData();
      form.set('segment_index', String(index));
      form.set('media', new Blob([chunk]));
      const res = await fetch(`${base}/2/media/upload/${id}/append`, {
        method: 'POST',
        headers: auth,
        body: form,
      });
      expect(res.status).toBe(200);
    }
    const early = await tweet(token, { text: 'too soon', media: { media_ids: [id] } });
    expect(early.res.status).toBe(400);

    const fin = await xJson(
      await fetch(`${base}/2/media/upload/${id}/finalize`, { method: 'POST', headers: auth }),
    );
    expect(fin.data.processing_info).toMatchObject({ state: 'pending', check_after_secs: 3 });
    const poll = async () =>
      (
        await xJson(
          await fetch(`${base}/2/media/upload?command=STATUS&media_id=${id}`, { headers: auth }),
        )
      ).data.processing_info?.state;
    expect([await poll(), await poll(), await poll()]).toEqual([
      'in_progress',
      'in_progress',
      'succeeded',
    ]);

    const posted = await tweet(token, { text: 'a film', media: { media_ids: [id] } });
    expect(posted.res.status).toBe(201);
    expect(sandbox.media().find((m) => m.id === id)).toMatchObject({
      kind: 'video',
      sizeBytes: MP4.length,
    });
    const file = await fetch(`${base}/media/${id}`, { headers: { range: 'bytes=0-11' } });
    expect(file.status).toBe(206);
  });

  it('refuses a finalize whose bytes do not add up to total_bytes', async () => {
    const { token } = newUser();
    const auth = { authorization: `Bearer ${token}` };
    const init = await fetch(`${base}/2/media/upload/initialize`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ media_type: 'video/mp4', total_bytes: MP4.length + 1 }),
    });
    const id = (await xJson(init)).data.id;
    const form = new FormData();
    form.set('segment_index', '0');
    form.set('media', new Blob([MP4]));
    await fetch(`${base}/2/media/upload/${id}/append`, {
      method: 'POST',
      headers: auth,
      body: form,
    });
    const fin = await fetch(`${base}/2/media/upload/${id}/finalize`, {
      method: 'POST',
      headers: auth,
    });
    expect(fin.status).toBe(400);
    expect((await xJson(fin)).errors[0]!.message).toMatch(/File size mismatch/);
  });

  it('takes an image in one request and refuses bytes that are not an image', async () => {
    const { token } = newUser();
    const auth = { authorization: `Bearer ${token}` };
    const upload = (bytes: Buffer) => {
      const form = new FormData();
      form.set('media', new Blob([bytes]));
      form.set('media_category', 'tweet_image');
      return fetch(`${base}/2/media/upload`, { method: 'POST', headers: auth, body: form });
    };
    const ok = await upload(PNG);
    expect(ok.status).toBe(200);
    const id = (await xJson(ok)).data.id;
    expect((await tweet(token, { text: 'a picture', media: { media_ids: [id] } })).res.status).toBe(
      201,
    );
    expect((await upload(Buffer.from('not an image'))).status).toBe(400);
  });
});

describe('POST /2/oauth2/token', () => {
  const refresh = (token: string) =>
    fetch(`${base}/2/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: token,
        client_id: 'herald',
      }),
    });

  it('rotates refresh tokens and refuses a spent one', async () => {
    const first = await refresh('sbxr-x-777-first');
    const body = await xJson(first);
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 7200 });
    expect(body.access_token).toMatch(/^sbx-x-777-/);
    expect(body.refresh_token).toMatch(/^sbxr-x-777-/);
    // The new access token works.
    expect((await tweet(body.access_token, { text: 'fresh token' })).res.status).toBe(201);
    const reuse = await refresh('sbxr-x-777-first');
    expect(reuse.status).toBe(400);
    expect(await reuse.json()).toEqual({
      error: 'invalid_request',
      error_description: 'Value passed for the token was invalid.',
    });
    expect((await refresh(body.refresh_token)).status).toBe(200);
  });
});
