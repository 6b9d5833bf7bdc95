// Sign-in and sessions against the production build, as a browser or an attacker meets them:
// our production server (server.mjs) over real HTTP (and Chromium for the cookie), plus the build's request
// handler in-process where the test must count what the server does.
import http from 'node:http';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createAgency,
  createTestDatabase,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { createRequestHandler, type ServerBuild } from 'react-router';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, startWebServer, webDir, type WebServer } from './support/herald.ts';

const serverBuild = path.join(webDir, 'build/server/index.js');
const MANGLED_COOKIE = 'herald_session=%E0%A4%A';

function requireBuild() {
  if (!existsSync(serverBuild)) {
    throw new Error(`${serverBuild} is missing: run pnpm --filter @herald/web build first`);
  }
}

describe('sign-in over HTTP (server.mjs, production build)', () => {
  let t: TestDatabase;
  let agency: AgencyFixture;
  let web: WebServer;
  let webUrl: string;

  beforeAll(async () => {
    t = await createTestDatabase();
    agency = await createAgency(t.db);
    // As `pnpm start` runs it: production mode, plain http on localhost, no cookie override.
    web = await startWebServer({ DATABASE_URL: t.url }, { host: 'localhost' });
    webUrl = web.url;
  });

  afterAll(async () => {
    await web?.stop();
    await t?.drop();
  });

  const signIn = (email: string, password: string, headers: Record<string, string> = {}) =>
    fetch(`${webUrl}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { origin: webUrl, ...headers },
      body: new URLSearchParams({ email, password }),
    });

  it('answers 429 with Retry-After to repeated wrong passwords, alike for an unknown email', async () => {
    const statuses: number[] = [];
    const unknownStatuses: number[] = [];
    let last: Response | undefined;
    let lastUnknown: Response | undefined;
    for (let i = 0; i < 30; i++) {
      last = await signIn(agency.email, `wrong-${i}`);
      statuses.push(last.status);
      lastUnknown = await signIn(`nobody-${agency.email}`, `wrong-${i}`);
      unknownStatuses.push(lastUnknown.status);
    }
    expect(statuses).toEqual([400, 400, 400, 400, ...Array(26).fill(429)]);
    expect(unknownStatuses).toEqual(statuses);
    for (const response of [last!, lastUnknown!]) {
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await response.text()).toContain('Too many sign-in attempts. Try again in 1 minute.');
    }
    // The right password does not get through while the account is blocked.
    expect((await signIn(agency.email, agency.password)).status).toBe(429);
  });

  it('throttles each client address on its own: a flood from one does not lock out another', async () => {
    // Both are loopback addresses on Linux; the server sees each as the socket's peer.
    const from = (localAddress: string, email: string, password: string) =>
      postFrom(webUrl, localAddress, { email, password });
    const flood: number[] = [];
    for (let i = 0; i < 51; i++) {
      // A different email each time, so only the per-client budget (50 failures) runs out.
      flood.push((await from('127.0.0.2', `flood-${i}@herald.test`, 'wrong')).status);
    }
    expect(
      flood.slice(0, 49).every((status) => status === 400),
      flood.join(),
    ).toBe(true);
    expect(flood.at(-1), flood.join()).toBe(429);
    // A forged X-Forwarded-For does not escape the block: no proxy is trusted.
    const member = await createAgency(t.db);
    const forged = await postFrom(
      webUrl,
      '127.0.0.2',
      { email: member.email, password: member.password },
      { 'x-forwarded-for': '198.51.100.7' },
    );
    expect(forged.status).toBe(429);
    // Another address signs in as usual.
    expect((await from('127.0.0.3', member.email, member.password)).status).toBe(302);
  });

  it('treats a mangled session cookie as signed out, and clears it', async () => {
    const home = await fetch(`${webUrl}/`, {
      redirect: 'manual',
      headers: { cookie: MANGLED_COOKIE },
    });
    expect(home.status).toBe(302);
    expect(home.headers.get('location')).toBe('/login?redirectTo=%2F');
    expect(home.headers.get('set-cookie')).toMatch(/^herald_session=;.*Max-Age=0/);

    const login = await fetch(`${webUrl}/login`, { headers: { cookie: MANGLED_COOKIE } });
    expect(login.status).toBe(200);
    expect(login.headers.get('set-cookie')).toMatch(/^herald_session=;.*Max-Age=0/);

    const api = await fetch(`${webUrl}/api/trpc/me.get`, { headers: { cookie: MANGLED_COOKIE } });
    expect(api.status).toBe(401);
  });

  it('answers 415 or 400, never 500, to a sign-in body that is not a form', async () => {
    const post = (body: BodyInit, contentType?: string) =>
      fetch(`${webUrl}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { origin: webUrl, ...(contentType ? { 'content-type': contentType } : {}) },
        body,
      });
    const json = JSON.stringify({ email: agency.email, password: 'x' });
    expect((await post(json, 'application/json')).status).toBe(415);
    expect((await post('email=a@b.test&password=x', 'text/plain')).status).toBe(415);
    const untyped = await post(new TextEncoder().encode('email=a@b.test&password=x'));
    expect(untyped.status).toBe(415);
    expect(await untyped.text()).toContain('This form must be sent as a web form.');
    const broken = await post('--xyz\r\nnot a part', 'multipart/form-data; boundary=xyz');
    expect(broken.status).toBe(400);
    expect(await broken.text()).toContain('The form could not be read. Send it again.');
    expect((await post('anything', 'multipart/form-data')).status).toBe(400);
  });

  it('keeps a Secure session cookie on http://localhost in Chromium, as `pnpm start` serves it', async () => {
    const member = await createAgency(t.db);
    const browser = await launchChromium();
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${webUrl}/`);
      await page.getByLabel('Email').fill(member.email);
      await page.getByLabel('Password').fill(member.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      // Signed in, on the clients overview.
      await page.getByRole('heading', { level: 1, name: 'Clients' }).waitFor();
      const [cookie] = await context.cookies();
      expect(cookie).toMatchObject({ name: 'herald_session', secure: true, httpOnly: true });
      // The browser sends it back: a fresh load is still signed in.
      await page.reload();
      await page.getByRole('button', { name: /^Account menu for / }).click();
      await page.getByRole('menuitem', { name: 'Sign out' }).waitFor();
    } finally {
      await browser.close();
    }
  });
});

describe('the session, once per request (build handler in-process)', () => {
  let t: TestDatabase;
  let handler: (request: Request) => Promise<Response>;
  let sessionReads = 0;

  beforeAll(async () => {
    requireBuild();
    t = await createTestDatabase();
    // The build's db.server.ts takes a client already on globalThis: hand it one that counts
    // reads of the sessions table.
    const counting = t.db.$extends({
      query: {
        session: {
          $allOperations({ operation, args, query }) {
            if (operation.startsWith('find')) sessionReads++;
            return query(args);
          },
        },
      },
    });
    (globalThis as { heraldDb?: unknown }).heraldDb = counting;
    process.env.DATABASE_URL = t.url;
    const build = (await import(pathToFileURL(serverBuild).href)) as ServerBuild;
    handler = createRequestHandler(build, 'production');
  });

  afterAll(async () => {
    delete (globalThis as { heraldDb?: unknown }).heraldDb;
    await t?.drop();
  });

  it('looks the session up exactly once for a signed-in page', async () => {
    const agency = await createAgency(t.db);
    const signedIn = await handler(
      new Request('http://localhost/login', {
        method: 'POST',
        body: new URLSearchParams({ email: agency.email, password: agency.password }),
      }),
    );
    expect(signedIn.status).toBe(302);
    const cookie = signedIn.headers.get('set-cookie')!.split(';')[0]!;

    sessionReads = 0;
    const page = await handler(
      new Request(`http://localhost/clients/${agency.clientId}`, { headers: { cookie } }),
    );
    expect(page.status).toBe(200);
    await page.text();
    expect(sessionReads).toBe(1);

    sessionReads = 0;
    const api = await handler(
      new Request('http://localhost/api/trpc/me.get', { headers: { cookie } }),
    );
    expect(api.status).toBe(200);
    expect(sessionReads).toBe(1);
  });
});

/** A sign-in POST sent from a chosen local address (fetch cannot pick one). */
function postFrom(
  url: string,
  localAddress: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number }> {
  const body = new URLSearchParams(form).toString();
  const origin = url.replace('localhost', '127.0.0.1');
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${origin}/login`,
      {
        method: 'POST',
        localAddress,
        headers: {
          ...headers,
          origin,
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? 0 }));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
