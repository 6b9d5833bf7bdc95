// The pages people look at during a demo: everything recorded, and one page per post.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from './index.ts';

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
