// The issue-5 probe, as a test: attack the running production build the way we did by hand.
// Malformed input to every tRPC procedure and every route must never produce a 5xx; oversized
// bodies get 413; repeated bad sign-ins get 429; every HTML response carries the security headers.
import http from 'node:http';
import { appRouter } from '@herald/api';
import { DEMO_LOGIN } from '@herald/db/seed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHerald, type Herald } from './support/herald.ts';

const NUL = '\u0000';
const RANDOM_UUID = '7c1d3c1e-9a4e-4c4b-9f1e-0d5f0c3a9b11';

/** Inputs no client should send: wrong shapes, wrong types, NUL bytes, absurd sizes. */
function malformedInputs(ids: { clientId: string; accountId: string; postId: string }) {
  const date = (iso: string) => ({ json: iso, meta: { values: ['Date'] } });
  return [
    'not json',
    '{',
    'null',
    '[]',
    JSON.stringify({ json: null }),
    JSON.stringify({ json: 42 }),
    JSON.stringify({ json: { postId: NUL } }),
    JSON.stringify({ json: { clientId: `${ids.clientId}${NUL}` } }),
    JSON.stringify({ json: { postId: RANDOM_UUID, limit: 1e308 } }),
    JSON.stringify({ json: { clientId: ids.clientId, limit: -1 } }),
    JSON.stringify({ json: { postId: { $gt: '' } } }),
    JSON.stringify({ json: JSON.parse('['.repeat(500) + ']'.repeat(500)) as unknown }),
    JSON.stringify({
      json: {
        clientId: ids.clientId,
        caption: `bad${NUL}caption`,
        accountIds: [ids.accountId],
        scheduledFor: '2030-01-01T00:00:00.000Z',
      },
      meta: { values: { scheduledFor: ['Date'] } },
    }),
    JSON.stringify({
      json: {
        clientId: ids.clientId,
        caption: 'far future',
        accountIds: [ids.accountId],
        scheduledFor: '+010000-01-01T00:00:00.000Z',
      },
      meta: { values: { scheduledFor: ['Date'] } },
    }),
    JSON.stringify({
      json: { postId: ids.postId, scheduledFor: 'yesterday' },
      meta: { values: { scheduledFor: ['Date'] } },
    }),
    JSON.stringify(date('not a date')),
  ];
}

const SECURITY_HEADERS = [
  'content-security-policy',
  'x-content-type-options',
  'referrer-policy',
  'x-frame-options',
];

describe('probing the running product', () => {
  let herald: Herald;
  let cookie: string;
  let ids: { clientId: string; accountId: string; postId: string };

  beforeAll(async () => {
    herald = await startHerald();
    cookie = await signIn(herald.url, DEMO_LOGIN.email, DEMO_LOGIN.password);
    const account = await herald.t.db.socialAccount.findFirstOrThrow();
    ids = { clientId: account.clientId, accountId: account.id, postId: RANDOM_UUID };
  });
  afterAll(() => herald?.stop());

  it('answers malformed input to every procedure without a 5xx, signed in or not', async ({
    onTestFailed,
  }) => {
    onTestFailed(() => console.log(herald.output()));
    const procedures = Object.entries(appRouter._def.procedures);
    expect(procedures.length).toBeGreaterThan(5);
    const failures: string[] = [];
    for (const [path, procedure] of procedures) {
      const type = (procedure as unknown as { _def: { type: string } })._def.type;
      for (const input of malformedInputs(ids)) {
        for (const headers of [{ cookie }, {}] as Record<string, string>[]) {
          const response =
            type === 'query'
              ? await fetch(`${herald.url}/api/trpc/${path}?input=${encodeURIComponent(input)}`, {
                  headers,
                })
              : await fetch(`${herald.url}/api/trpc/${path}`, {
                  method: 'POST',
                  headers: { ...headers, 'content-type': 'application/json' },
                  body: input,
                });
          const text = await response.text();
          if (response.status >= 500 || /prisma|invocation|at .*\.ts:\d+/i.test(text)) {
            failures.push(`${type} ${path} ${input.slice(0, 60)} → ${response.status} ${text}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('answers malformed requests to every route without a 5xx', async () => {
    const cookies = [
      undefined,
      cookie,
      'herald_session=%E0%A4%A',
      'herald_session=',
      `herald_session=${'a'.repeat(4000)}`,
    ];
    const paths = ['/', '/login', '/logout', '/clients/not-a-uuid', `/clients/${RANDOM_UUID}`];
    const bodies: { type?: string; body?: string }[] = [
      {},
      { type: 'application/json', body: '{"email":"a@b.c"}' },
      { type: 'text/plain', body: 'hello' },
      { type: 'multipart/form-data; boundary=x', body: '--x\r\nbroken' },
      { type: 'application/x-www-form-urlencoded', body: 'email=%E0%A4%A&password=%' },
    ];
    const failures: string[] = [];
    for (const c of cookies) {
      const headers: Record<string, string> = c ? { cookie: c } : {};
      for (const path of [...paths, '/no/such/page', '/login?redirectTo=https://evil.example/x']) {
        const response = await fetch(`${herald.url}${path}`, { headers, redirect: 'manual' });
        if (response.status >= 500)
          failures.push(`GET ${path} (${c?.slice(0, 40)}) → ${response.status}`);
      }
      for (const path of paths) {
        for (const { type, body } of bodies) {
          const response = await fetch(`${herald.url}${path}`, {
            method: 'POST',
            headers: { ...headers, ...(type ? { 'content-type': type } : {}), origin: herald.url },
            ...(body === undefined ? {} : { body }),
            redirect: 'manual',
          });
          if (response.status >= 500)
            failures.push(`POST ${path} ${type} (${c?.slice(0, 40)}) → ${response.status}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('sends the security headers with every HTML page', async () => {
    for (const [path, headers] of [
      ['/login', {}],
      ['/no/such/page', {}],
      ['/', { cookie }],
      [`/clients/${ids.clientId}`, { cookie }],
    ] as const) {
      const response = await fetch(`${herald.url}${path}`, { headers });
      expect(response.headers.get('content-type'), path).toMatch(/text\/html/);
      for (const name of SECURITY_HEADERS) expect(response.headers.get(name), name).toBeTruthy();
      expect(response.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    }
  });

  it('sends the headers that are safe on any response with static files too', async () => {
    const response = await fetch(`${herald.url}/favicon.svg`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  });

  it('refuses oversized bodies with 413 before reading them whole', async () => {
    const json = { cookie, 'content-type': 'application/json', origin: herald.url };
    const form = { 'content-type': 'application/x-www-form-urlencoded', origin: herald.url };
    const twoMb = String(2 * 1024 * 1024);
    // A stated length over the cap: refused with nothing of the body sent.
    expect(
      await statusBeforeBodyEnds(
        `${herald.url}/api/trpc/posts.cancel`,
        { ...json, 'content-length': twoMb },
        0,
      ),
    ).toBe(413);
    expect(
      await statusBeforeBodyEnds(`${herald.url}/login`, { ...form, 'content-length': twoMb }, 0),
    ).toBe(413);
    // Chunked, no length: refused once a little more than the cap has arrived.
    expect(
      await statusBeforeBodyEnds(`${herald.url}/api/trpc/posts.cancel`, json, 1.1 * 1024 * 1024),
    ).toBe(413);
    expect(await statusBeforeBodyEnds(`${herald.url}/login`, form, 1.1 * 1024 * 1024)).toBe(413);
  });

  it('answers 429 with Retry-After after repeated bad sign-ins', async () => {
    let last: Response | undefined;
    for (let attempt = 1; attempt <= 30; attempt++) {
      last = await postLogin(herald.url, 'probe-victim@herald.test', `wrong-${attempt}`);
      if (last.status === 429) break;
      expect(last.status).toBe(400);
    }
    expect(last!.status).toBe(429);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

/**
 * Starts a POST, sends `bytes` of its body and never finishes it: an answer proves the server
 * decided without waiting for the whole body.
 */
function statusBeforeBodyEnds(
  url: string,
  headers: Record<string, string>,
  bytes: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', headers, agent: false }, (response) => {
      resolve(response.statusCode ?? 0);
      request.destroy();
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET') reject(error);
    });
    request.flushHeaders();
    const chunk = 'x'.repeat(64 * 1024);
    for (let sent = 0; sent < bytes; sent += chunk.length) request.write(chunk);
  });
}

function postLogin(url: string, email: string, password: string): Promise<Response> {
  return fetch(`${url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: url },
    body: new URLSearchParams({ email, password }),
    redirect: 'manual',
  });
}

async function signIn(url: string, email: string, password: string): Promise<string> {
  const response = await postLogin(url, email, password);
  const setCookie = response.headers.get('set-cookie');
  if (response.status !== 302 || !setCookie) {
    throw new Error(`sign-in failed: ${response.status} ${await response.text()}`);
  }
  return setCookie.split(';')[0]!;
}
