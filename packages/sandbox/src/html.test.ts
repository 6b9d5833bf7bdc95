// The pages people look at during a demo: everything recorded, and one page per post.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexPage } from './html.ts';
import { startSandbox, type Sandbox } from './index.ts';
import { SandboxStore, type RecordedPost } from './store.ts';

let sandbox: Sandbox;
const logged: string[] = [];
const logWaiters = new Set<() => void>();
beforeAll(async () => {
  sandbox = await startSandbox({
    port: 0,
    log: (line) => {
      logged.push(line);
      for (const wake of logWaiters) wake();
    },
  });
});

/** The first log line containing `text`, waiting for it: the line is written when the response closes. */
function logLineWith(text: string): Promise<string> {
  return new Promise((resolve) => {
    const check = () => {
      const line = logged.find((l) => l.includes(text));
      if (line === undefined) return;
      logWaiters.delete(check);
      resolve(line);
    };
    logWaiters.add(check);
    check();
  });
}
afterAll(() => sandbox.close());

async function publish(page: string, message: string): Promise<string> {
  const response = await fetch(`${sandbox.facebookBaseUrl}/v21.0/${page}/feed`, {
    method: 'POST',
    body: new URLSearchParams({ message, access_token: `sbx-page-${page}-html` }),
  });
  return ((await response.json()) as { id: string }).id;
}

const XSS = `<script>alert("x")</script> & 'quotes'`;

it('lists every post newest first, escaped, and refreshes itself', async () => {
  const first = await publish('1000000011', 'first post');
  const second = await publish('1000000012', XSS);
  const response = await fetch(`${sandbox.url}/`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  const page = await response.text();
  expect(page).toContain('<title>Herald platform sandbox</title>');
  expect(page).toContain('<meta http-equiv="refresh" content="3">');
  expect(page).not.toContain('<script>');
  expect(page).toContain(
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;',
  );
  expect(page.indexOf(second)).toBeGreaterThan(-1);
  expect(page.indexOf(second)).toBeLessThan(page.indexOf(first));
  expect(page).toContain('1000000011');
  expect(page).toContain(`href="/facebook/posts/${first}"`);
});

it('shows one post at its permalink, escaped, and 404 for an unknown one', async () => {
  const id = await publish('1000000013', XSS);
  const response = await fetch(`${sandbox.url}/facebook/posts/${id}`);
  expect(response.status).toBe(200);
  const page = await response.text();
  expect(page).not.toContain('<script>');
  expect(page).toContain('&lt;script&gt;');
  expect(page).toContain('1000000013');

  const missing = await fetch(`${sandbox.url}/facebook/posts/1000000013_1`);
  expect(missing.status).toBe(404);
  expect(missing.headers.get('content-type')).toMatch(/^text\/html/);
});

it('logs one line per request when asked to, without the token', async () => {
  await fetch(
    `${sandbox.facebookBaseUrl}/v21.0/1000000014/feed?access_token=sbx-page-1000000014-secret&message=hi`,
    {
      method: 'POST',
    },
  );
  const line = await logLineWith('/1000000014/feed');
  expect(line).toMatch(
    /^POST \/facebook\/v21\.0\/1000000014\/feed\?access_token=…&message=hi 200 \d+ms$/,
  );
  expect(logged.join('\n')).not.toContain('secret');
});

describe('the page at /', () => {
  /** A store holding posts of platforms the page has no code for (it reads only the store). */
  function storeWith(
    posts: Array<Partial<RecordedPost> & Pick<RecordedPost, 'platform' | 'accountId' | 'id'>>,
  ) {
    const store = new SandboxStore();
    for (const [i, post] of posts.entries()) {
      store.recordPost({
        message: `message ${post.id}`,
        createdAt: new Date(Date.UTC(2026, 11, 1, 12, i)).toISOString(),
        ...post,
      });
    }
    return store;
  }

  /** The text between two markers, to check what sits in which section. */
  const between = (page: string, from: string, to: string) =>
    page.slice(page.indexOf(from), to ? page.indexOf(to, page.indexOf(from)) : undefined);

  it('groups posts by platform, then by account (the one posted to last first), newest first', () => {
    const page = indexPage(
      storeWith([
        { platform: 'youtube', accountId: 'UC-one', id: 'yt-1' },
        { platform: 'facebook', accountId: '111', id: '111_1' },
        { platform: 'facebook', accountId: '222', id: '222_1' },
        { platform: 'facebook', accountId: '111', id: '111_2' },
        { platform: 'tiktok', accountId: 'creator', id: 'tt-1' },
      ]),
    );
    // Platforms in their usual order, whatever the order of their posts.
    const order = ['id="platform-facebook"', 'id="platform-tiktok"', 'id="platform-youtube"'].map(
      (marker) => page.indexOf(marker),
    );
    expect(order.every((at) => at > -1)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const facebook = between(page, 'id="platform-facebook"', '</section>');
    expect(facebook.indexOf('<code>111</code>')).toBeLessThan(facebook.indexOf('<code>222</code>'));
    expect(facebook.indexOf('111_2')).toBeLessThan(facebook.indexOf('111_1'));
    expect(facebook).toContain('2 posts');
    expect(page).toContain('href="/youtube/posts/yt-1"');
    expect(page).toContain('<a href="/?platform=tiktok">tiktok (1)</a>');
  });

  it('shows kept images as thumbnails and videos as a still with a link, from the sandbox’s own URLs', () => {
    const store = storeWith([
      {
        platform: 'tiktok',
        accountId: 'creator',
        id: 'tt-9',
        media: [
          { id: 'pic/1', kind: 'image' },
          { id: 'vid-1', kind: 'video' },
          { id: 'gone', kind: 'image' },
        ],
      },
    ]);
    const kept = {
      platform: 'tiktok' as const,
      accountId: 'creator',
      postId: 'tt-9',
      createdAt: '',
    };
    store.recordMedia(
      { ...kept, id: 'pic/1', kind: 'image', contentType: 'image/jpeg', sizeBytes: 3 },
      Buffer.from('abc'),
    );
    store.recordMedia(
      { ...kept, id: 'vid-1', kind: 'video', contentType: 'video/mp4', sizeBytes: 2_500_000 },
      Buffer.from('abc'),
    );
    const page = indexPage(store);
    expect(page).toContain(
      '<a href="/tiktok/media/pic%2F1"><img class="thumb" src="/tiktok/media/pic%2F1" alt="Image 1 of 3" loading="lazy"></a>',
    );
    expect(page).toContain('<video class="thumb" src="/tiktok/media/vid-1#t=0.1"');
    expect(page).toContain('href="/tiktok/media/vid-1" title="Video 2 of 3, video/mp4, 2.5 MB"');
    expect(page).toContain('Image 3 of 3 (file not kept)');
  });

  it('lists the faults waiting and what is revoked, without whole tokens', () => {
    const store = new SandboxStore();
    store.addFault({
      platform: 'x',
      times: 2,
      account: '42',
      fault: { type: 'graph_error', status: 503, code: 2 },
    });
    store.setChaos({
      platform: 'facebook',
      on: 'read',
      rate: 0.25,
      faults: [{ type: 'delay', ms: 900 }],
    });
    store.revokeToken({ token: 'sbx-page-1000000001-secretsuffix', subcode: 458 });
    store.revokeToken({ platform: 'linkedin', account: 'urn:li:person:abc' });
    const page = indexPage(store);
    expect(between(page, 'id="faults"', '</section>')).toContain(
      '<strong>x</strong> publish requests of account <code>42</code>: error 503 code 2, the next 2',
    );
    expect(page).toContain(
      '<strong>facebook</strong> read requests: chaos, 25% fail with one of answer 900 ms late (seed 1)',
    );
    const revoked = between(page, 'id="revoked"', '</section>');
    expect(revoked).toContain(
      '<strong>linkedin</strong> account <code>urn:li:person:abc</code>: every token issued before now (subcode 460)',
    );
    expect(revoked).toContain('<code>sbx-page-1000000001-…</code> (subcode 458)');
    expect(page).not.toContain('secretsuffix');
    expect(indexPage(new SandboxStore())).toContain('No faults waiting.');
  });

  it('filters by platform from the query string, escaping what it echoes', async () => {
    const x = await fetch(`${sandbox.baseUrl('x')}/2/tweets`, {
      method: 'POST',
      headers: { authorization: 'Bearer sbx-x-990-html', 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'only on x' }),
    });
    expect(x.status).toBe(201);
    await publish('1000000015', 'only on facebook');
    const filtered = await (await fetch(`${sandbox.url}/?platform=x`)).text();
    expect(filtered).toContain('only on x');
    expect(filtered).not.toContain('only on facebook');
    expect(filtered).toMatch(
      /<a href="\/\?platform=x" class="current" aria-current="page">x \(1\)<\/a>/,
    );
    const odd = await (await fetch(`${sandbox.url}/?platform=${encodeURIComponent('<b>')}`)).text();
    expect(odd).toContain('Nothing has been published to &lt;b&gt; yet.');
    expect(odd).not.toContain('<b>');
  });
});
