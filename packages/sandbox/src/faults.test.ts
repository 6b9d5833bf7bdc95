// Fault injection through the control API (and the same calls in-process): what a client
// sees, and whether the emulated platform acted.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type FaultRequest, type Sandbox } from './index.ts';
import { graphJson } from './platforms/facebook/testing.ts';

const PAGE = '1000000007';
const TOKEN = `sbx-page-${PAGE}-faults`;

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.clearFaults());

const publish = (message: string, signal?: AbortSignal) =>
  fetch(`${sandbox.facebookBaseUrl}/v21.0/${PAGE}/feed`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}` },
    body: new URLSearchParams({ message }),
    ...(signal ? { signal } : {}),
  });

const control = (method: string, path: string, body?: unknown) =>
  fetch(`${sandbox.url}/__sandbox/${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

const inject = async (request: FaultRequest) => {
  const response = await control('POST', 'faults', request);
  expect(response.status).toBe(200);
};

const received = (message: string) => sandbox.posts().filter((p) => p.message === message);

describe('graph_error', () => {
  it('answers with the Graph envelope instead of publishing, for the next request only', async () => {
    await inject({ platform: 'facebook', fault: { type: 'graph_error', status: 503, code: 2 } });
    const failed = await publish('graph-error');
    expect(failed.status).toBe(503);
    expect((await graphJson(failed)).error).toMatchObject({
      code: 2,
      type: 'OAuthException',
      is_transient: true,
      message: 'An unexpected error has occurred. Please retry your request later.',
    });
    expect(received('graph-error')).toHaveLength(0);

    expect((await publish('graph-error')).status).toBe(200);
    expect(received('graph-error')).toHaveLength(1);
  });

  it('carries the subcode, user-facing text and extra headers it was given', async () => {
    const usage = JSON.stringify({
      [PAGE]: [{ type: 'pages', estimated_time_to_regain_access: 7 }],
    });
    sandbox.injectFault({
      platform: 'facebook',
      fault: {
        type: 'graph_error',
        status: 400,
        code: 80001,
        subcode: 2446079,
        error_user_msg: 'Slow down',
        headers: { 'x-business-use-case-usage': usage },
      },
    });
    const response = await publish('rate');
    expect(response.headers.get('x-business-use-case-usage')).toBe(usage);
    expect((await graphJson(response)).error).toMatchObject({
      code: 80001,
      error_subcode: 2446079,
      error_user_msg: 'Slow down',
    });
  });
});

it('applies faults to the next N publishes in the order they were queued', async () => {
  await inject({
    platform: 'facebook',
    times: 2,
    fault: { type: 'graph_error', status: 400, code: 4 },
  });
  await inject({ platform: 'facebook', fault: { type: 'http_status', status: 502 } });
  const statuses = [];
  for (let i = 0; i < 4; i++) statuses.push((await publish('fifo')).status);
  expect(statuses).toEqual([400, 400, 502, 200]);
  expect(received('fifo')).toHaveLength(1);
});

it('http_status answers a bare, non-JSON body and publishes nothing', async () => {
  await inject({
    platform: 'facebook',
    fault: { type: 'http_status', status: 504, body: 'upstream timed out' },
  });
  const response = await publish('bare');
  expect(response.status).toBe(504);
  expect(await response.text()).toBe('upstream timed out');
  expect(received('bare')).toHaveLength(0);
});

it('http_status carries extra headers, such as Retry-After on a 429', async () => {
  await inject({
    platform: 'facebook',
    fault: { type: 'http_status', status: 429, headers: { 'retry-after': '2' } },
  });
  const response = await publish('slow down');
  expect(response.status).toBe(429);
  expect(response.headers.get('retry-after')).toBe('2');
  expect(received('slow down')).toHaveLength(0);
});

describe('chaos', () => {
  const chaos = (seed: number) =>
    control('POST', 'chaos', {
      platform: 'facebook',
      rate: 0.5,
      seed,
      faults: [{ type: 'http_status', status: 503 }],
    });

  /** Which of 40 publishes failed, as a string of 0s and 1s. */
  async function pattern(label: string) {
    let failed = '';
    for (let i = 0; i < 40; i++) failed += (await publish(`${label} ${i}`)).ok ? '0' : '1';
    return failed;
  }

  it('fails about `rate` of the requests, the same ones for the same seed', async () => {
    expect((await chaos(7)).status).toBe(200);
    const first = await pattern('chaos a');
    expect(first.replace(/0/g, '').length).toBeGreaterThan(8);
    expect(first.replace(/1/g, '').length).toBeGreaterThan(8);
    await chaos(7);
    expect(await pattern('chaos b')).toBe(first);
    await chaos(8);
    expect(await pattern('chaos c')).not.toBe(first);
  });

  it('is cleared with the queued faults, and queued faults come first', async () => {
    await chaos(1);
    await control('DELETE', 'faults');
    expect(await pattern('calm')).toBe('0'.repeat(40));
    sandbox.setChaos({
      platform: 'facebook',
      rate: 0,
      faults: [{ type: 'http_status', status: 500 }],
    });
    await inject({ platform: 'facebook', fault: { type: 'http_status', status: 502 } });
    expect((await publish('queued first')).status).toBe(502);
  });

  it('rejects a rate outside 0–1 or no faults', async () => {
    const response = await control('POST', 'chaos', { platform: 'facebook', rate: 2, faults: [] });
    expect(response.status).toBe(400);
  });
});

it('makes every platform call take latencyMs, and acts only after it', async () => {
  const slow = await startSandbox({ port: 0, latencyMs: 150 });
  try {
    const started = performance.now();
    const response = await fetch(`${slow.facebookBaseUrl}/v21.0/${PAGE}/feed`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: new URLSearchParams({ message: 'slow' }),
    });
    expect(response.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
    expect(slow.posts()).toHaveLength(1);
  } finally {
    await slow.close();
  }
});

describe('delay', () => {
  it('publishes at once but answers late: a client that gives up still leaves a post behind', async () => {
    await inject({ platform: 'facebook', fault: { type: 'delay', ms: 1_000 } });
    await expect(publish('late', AbortSignal.timeout(100))).rejects.toThrow(/timeout|aborted/i);
    expect(received('late')).toHaveLength(1);
  });

  it('answers normally once the delay has passed', async () => {
    await inject({ platform: 'facebook', fault: { type: 'delay', ms: 300 } });
    const started = performance.now();
    const response = await publish('patient');
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(response.status).toBe(200);
    expect(received('patient').map((p) => p.id)).toEqual([
      ((await response.json()) as { id: string }).id,
    ]);
  });
});

describe('drop_connection', () => {
  it('hangs up without an answer, before the platform acted by default', async () => {
    await inject({ platform: 'facebook', fault: { type: 'drop_connection' } });
    await expect(publish('dropped-before')).rejects.toThrow();
    expect(received('dropped-before')).toHaveLength(0);
  });

  it('hangs up after publishing with afterAccepting', async () => {
    await inject({
      platform: 'facebook',
      fault: { type: 'drop_connection', afterAccepting: true },
    });
    await expect(publish('dropped-after')).rejects.toThrow();
    expect(received('dropped-after')).toHaveLength(1);
  });
});

it('keeps read faults for GETs: publishing is unaffected', async () => {
  await inject({
    platform: 'facebook',
    on: 'read',
    fault: { type: 'http_status', status: 500 },
  });
  const published = await publish('read-fault');
  expect(published.status).toBe(200);
  const { id } = (await published.json()) as { id: string };
  const read = () =>
    fetch(`${sandbox.facebookBaseUrl}/v21.0/${id}?fields=permalink_url&access_token=${TOKEN}`);
  expect((await read()).status).toBe(500);
  expect((await read()).status).toBe(200);
});

it('DELETE /__sandbox/faults clears every queued fault', async () => {
  await inject({ platform: 'facebook', times: 5, fault: { type: 'http_status', status: 500 } });
  expect((await control('DELETE', 'faults')).status).toBe(200);
  expect((await publish('cleared')).status).toBe(200);
});

it('rejects a malformed fault with a message, over HTTP and in-process', async () => {
  const response = await control('POST', 'faults', {
    platform: 'facebook',
    fault: { type: 'drop_connection', after_accepting: true },
  });
  expect(response.status).toBe(400);
  expect(((await response.json()) as { error: string }).error).toContain('after_accepting');
  expect(
    (await control('POST', 'faults', { platform: 'myspace', fault: { type: 'delay', ms: 1 } }))
      .status,
  ).toBe(400);
  expect(() =>
    sandbox.injectFault({ platform: 'facebook', fault: { type: 'delay', ms: -1 } }),
  ).toThrow();
  expect((await publish('after-rejects')).status).toBe(200);
});

it('GET /__sandbox/posts lists what was published', async () => {
  const { id } = (await (await publish('listed')).json()) as { id: string };
  const { posts } = (await (await control('GET', 'posts')).json()) as {
    posts: { id: string; message: string; accountId: string; platform: string }[];
  };
  expect(posts.find((p) => p.id === id)).toMatchObject({
    platform: 'facebook',
    accountId: PAGE,
    message: 'listed',
  });
});

describe('graph_error headers Node cannot send', () => {
  const withHeaders = (headers: Record<string, string>) => ({
    platform: 'facebook',
    fault: { type: 'graph_error', status: 429, code: 4, headers },
  });

  it.each([
    ['a CRLF in a value', { 'x-usage': 'ok\r\nset-cookie: evil=1' }, 'x-usage'],
    ['a NUL in a value', { 'x-usage': 'a\u0000b' }, 'x-usage'],
    ['a space in a name', { 'x usage': '1' }, 'x usage'],
    ['an empty name', { '': '1' }, '""'],
    ['a framing header the sandbox sets itself', { 'Content-Length': '3' }, 'Content-Length'],
  ])(
    'rejects %s with a 400 naming the header, and the next publish still works',
    async (_, headers, named) => {
      const response = await control('POST', 'faults', withHeaders(headers));
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toContain(named);
      expect(() => sandbox.injectFault(withHeaders(headers) as FaultRequest)).toThrow(named);
      expect((await publish('after-bad-header')).status).toBe(200);
    },
  );
});

describe('faults for one account', () => {
  const OTHER = '1000000008';
  const publishAs = (page: string, message: string) =>
    fetch(`${sandbox.facebookBaseUrl}/v21.0/${page}/feed`, {
      method: 'POST',
      headers: { authorization: `Bearer sbx-page-${page}-faults` },
      body: new URLSearchParams({ message }),
    });

  it("hits only that account's requests, and waits for one of them", async () => {
    await inject({
      platform: 'facebook',
      account: PAGE,
      fault: { type: 'http_status', status: 503 },
    });
    expect((await publishAs(OTHER, 'other page')).status).toBe(200);
    expect((await publishAs(PAGE, 'faulted page')).status).toBe(503);
    expect((await publishAs(PAGE, 'faulted page, once')).status).toBe(200);
    expect(received('faulted page')).toHaveLength(0);
  });

  it('refuses an empty account id', async () => {
    const response = await control('POST', 'faults', {
      platform: 'facebook',
      account: '',
      fault: { type: 'http_status', status: 503 },
    });
    expect(response.status).toBe(400);
  });
});
