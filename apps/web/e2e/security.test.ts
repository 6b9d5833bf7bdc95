// The web app's edge, probed as an attacker would and checked in a real browser: security
// headers and a CSP that the app hydrates under, cross-site POSTs refused, oversized bodies
// refused before they are read, unexpected errors shown as a sentence with a reference,
// 404s without stack traces, and the signed-out and redirect pages behaving.
import http from 'node:http';
import { signIn } from '@herald/core';
import { SESSION_COOKIE } from '@herald/api';
import {
  createAgency,
  createTestDatabase,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, startWebServer, type WebServer } from './support/herald.ts';

const MB = 1024 * 1024;

describe('the web app’s edge', () => {
  let t: TestDatabase;
  let agency: AgencyFixture;
  let web: WebServer;
  let browser: Browser;

  beforeAll(async () => {
    t = await createTestDatabase();
    agency = await createAgency(t.db);
    web = await startWebServer({ DATABASE_URL: t.url, SESSION_COOKIE_SECURE: 'false' });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await t?.drop();
  });

  async function sessionCookie(): Promise<string> {
    const session = await signIn(t.db, { email: agency.email, password: agency.password });
    return `${SESSION_COOKIE}=${session!.token}`;
  }

  const clientPage = () => `/clients/${agency.clientId}`;

  describe('over HTTP', () => {
    it('puts a nonce CSP and the security headers on every HTML page', async () => {
      const cookie = await sessionCookie();
      for (const [path, status] of [
        ['/login', 200],
        [clientPage(), 200],
        ['/no-such-page', 404],
      ] as const) {
        const response = await fetch(`${web.url}${path}`, { headers: { cookie } });
        expect(response.status, path).toBe(status);
        const csp = response.headers.get('content-security-policy') ?? '';
        const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
        expect(nonce, `${path} CSP`).toBeTruthy();
        expect(csp).toContain("frame-ancestors 'none'");
        expect(csp).toContain("object-src 'none'");
        // Only style attributes may be inline (Mantine sizes components through them).
        expect(csp.replace("style-src-attr 'unsafe-inline'", '')).not.toContain('unsafe-inline');
        expect(response.headers.get('x-frame-options')).toBe('DENY');
        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
        expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
        // Plain HTTP: no HSTS.
        expect(response.headers.get('strict-transport-security')).toBeNull();
        // Every inline script carries this response's nonce.
        const html = await response.text();
        const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]!);
        expect(scripts.length).toBeGreaterThan(0);
        for (const attributes of scripts) expect(attributes).toContain(`nonce="${nonce}"`);
      }

      const nonces = await Promise.all(
        [1, 2].map(async () =>
          (await fetch(`${web.url}/login`)).headers.get('content-security-policy'),
        ),
      );
      expect(nonces[0]).not.toBe(nonces[1]);

      const behindTls = await fetch(`${web.url}/login`, {
        headers: { 'x-forwarded-proto': 'https' },
      });
      expect(behindTls.headers.get('strict-transport-security')).toMatch(/max-age=\d{7,}/);
    });

    it('gives the 404 page a title and prints no stack trace for it', async () => {
      const path = `/no-such-page-${Date.now().toString(36)}`;
      const response = await fetch(`${web.url}${path}`);
      expect(response.status).toBe(404);
      expect(await response.text()).toContain('<title>Page not found · Herald</title>');
      // The access log's line is written when the response is done; anything logged for this
      // request comes before it.
      await web.waitForLine(new RegExp(`GET ${path} 404`), 10_000);
      const log = web.output.join('\n');
      expect(log).not.toMatch(/No route matches/);
      expect(log).not.toMatch(/^\[web\]\s+at /m);
    });

    it('refuses a cross-site sign-out and keeps the session', async () => {
      const cookie = await sessionCookie();
      const signOut = (headers: Record<string, string>) =>
        fetch(`${web.url}/logout`, {
          method: 'POST',
          headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers },
          redirect: 'manual',
        });
      const signedIn = async () =>
        (await fetch(`${web.url}${clientPage()}`, { headers: { cookie }, redirect: 'manual' }))
          .status === 200;

      // /logout has no page, so React Router's own origin check (pages only) never saw it.
      expect((await signOut({ origin: 'https://evil.example' })).status).toBe(403);
      expect((await signOut({ origin: 'null' })).status).toBe(403);
      expect((await signOut({ referer: 'https://evil.example/page' })).status).toBe(403);
      expect((await signOut({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
      // React Router's client posts to /logout.data, where its own check covers Origin (400);
      // a Referer from another site is ours to refuse.
      const data = await fetch(`${web.url}/logout.data`, {
        method: 'POST',
        headers: { cookie, referer: 'https://evil.example/page' },
      });
      expect(data.status).toBe(403);
      // tRPC mutations too.
      const trpc = await fetch(`${web.url}/api/trpc/posts.cancel`, {
        method: 'POST',
        headers: { cookie, origin: 'https://evil.example', 'content-type': 'application/json' },
        body: JSON.stringify({ json: { postId: crypto.randomUUID() } }),
      });
      expect(trpc.status).toBe(403);
      expect(await signedIn()).toBe(true);

      const own = await signOut({ origin: web.url });
      expect(own.status).toBe(302);
      expect(await signedIn()).toBe(false);
    });

    it('answers 413 to a 2 MB body before the client has sent it', async () => {
      const cookie = await sessionCookie();
      for (const path of ['/api/trpc/posts.cancel', '/logout', '/login']) {
        // The client states 2 MB and sends 64 KB, then waits: only an early answer arrives.
        const declared = await postWithoutFinishing(web.url, path, {
          headers: { cookie, 'content-type': 'application/json', 'content-length': String(2 * MB) },
          send: 64 * 1024,
        });
        expect(declared.status, path).toBe(413);
        expect(declared.body).toMatch(/too large/);

        // Chunked, no length: the answer comes once the cap is passed, not at the end.
        const chunked = await postWithoutFinishing(web.url, path, {
          headers: { cookie, 'content-type': 'application/json' },
          send: MB + 64 * 1024,
        });
        expect(chunked.status, path).toBe(413);
      }
      // Small bodies still go through, chunked or not.
      const small = await fetch(`${web.url}/logout`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new Blob(['a=1']).stream(),
        duplex: 'half',
        redirect: 'manual',
      } as RequestInit);
      expect(small.status).toBe(302);
    });

    it('shows an unexpected error as a sentence with the reference the server log has', async () => {
      const cookie = await sessionCookie();
      await t.db.$executeRawUnsafe('ALTER TABLE clients RENAME TO clients_gone');
      try {
        const response = await fetch(`${web.url}${clientPage()}`, { headers: { cookie } });
        expect(response.status).toBe(500);
        const reference = response.headers.get('x-error-reference');
        expect(reference).toMatch(/^[0-9a-f]{8}$/);
        const html = await response.text();
        expect(html).toContain(
          `Something went wrong on our side. Quote reference ${reference} if you contact support.`,
        );
        expect(html).not.toMatch(/prisma|invocation|clients_gone|does not exist|\.ts:\d/i);
        await web.waitForLine(new RegExp(`failed, reference ${reference}`), 10_000);
      } finally {
        await t.db.$executeRawUnsafe('ALTER TABLE clients_gone RENAME TO clients');
      }
    });
  });

  describe('in Chromium', () => {
    let context: BrowserContext;
    let page: Page;
    const browserLog: string[] = [];

    beforeAll(async () => {
      context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      page = await context.newPage();
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') {
          browserLog.push(`${m.type()}: ${m.text()}`);
        }
      });
      page.on('pageerror', (e) => browserLog.push(`pageerror: ${e.message}`));
    });
    afterAll(() => context?.close());

    /** Resolves once React owns the page: hydrated nodes carry React's fiber keys. */
    async function hydrated(selector: string) {
      await page.waitForFunction((s) => {
        const el = document.querySelector(s);
        return !!el && Object.keys(el).some((k) => k.startsWith('__reactFiber'));
      }, selector);
      // Let errors reported during the hydration commit reach the console.
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r))));
    }

    async function signInAs() {
      const [name, value] = (await sessionCookie()).split('=');
      await context.clearCookies();
      await context.addCookies([{ name: name!, value: value!, url: web.url }]);
    }

    it('hydrates the signed-in page with no CSP violation', async () => {
      await signInAs();
      browserLog.length = 0;
      const response = await page.goto(`${web.url}${clientPage()}`);
      expect(response!.headers()['content-security-policy']).toMatch(/script-src 'self' 'nonce-/);
      // The viewer's-clock preview renders only once React has hydrated the form.
      await page.getByText(/^Your time:/).waitFor();
      await hydrated('main');
      // Chromium reports every blocked script, style or connection as a console error.
      expect(browserLog).toEqual([]);
    });

    it('renders /login?redirectTo=<another site> without a hydration mismatch', async () => {
      await context.clearCookies();
      browserLog.length = 0;
      await page.goto(
        `${web.url}/login?redirectTo=${encodeURIComponent('https://evil.example/x')}`,
      );
      await hydrated('form');
      expect(browserLog).toEqual([]);
      expect(await page.locator('input[name=redirectTo]').inputValue()).toBe('');
    });

    it('keeps the error reference on the page once it hydrates', async () => {
      await signInAs();
      await t.db.$executeRawUnsafe('ALTER TABLE clients RENAME TO clients_gone');
      try {
        browserLog.length = 0;
        const response = await page.goto(`${web.url}${clientPage()}`);
        const reference = response!.headers()['x-error-reference'];
        expect(reference).toMatch(/^[0-9a-f]{8}$/);
        await hydrated('main');
        await page.getByText(`Quote reference ${reference} if you contact support.`).waitFor();
        expect(await page.title()).toBe('Something went wrong · Herald');
        // Besides the 500 itself and the boundary's log of the (sanitized) error, nothing: a
        // reference that differed between server and browser would be a hydration error.
        const expected = /status of 500|Unexpected Server Error/;
        expect(browserLog.filter((line) => !expected.test(line))).toEqual([]);
      } finally {
        await t.db.$executeRawUnsafe('ALTER TABLE clients_gone RENAME TO clients');
      }
    });

    it('offers a link to sign in again when the session ends in an open tab', async () => {
      await signInAs();
      await page.goto(`${web.url}${clientPage()}`);
      await page.getByText(/^Your time:/).waitFor();
      // Sign out elsewhere (another tab); this tab's post list polls and finds no session.
      const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
      await fetch(`${web.url}/logout`, {
        method: 'POST',
        headers: { cookie, origin: web.url },
        redirect: 'manual',
      });
      const link = page.getByRole('link', { name: 'Sign in to continue.' });
      await link.waitFor({ timeout: 15_000 });
      expect(await link.getAttribute('href')).toBe(
        `/login?redirectTo=${encodeURIComponent(clientPage())}`,
      );
    });
  });
});

/**
 * POSTs `send` bytes of a larger body and never finishes it, then waits for the answer. A
 * server that reads the whole body before answering never answers (the test then times out).
 */
function postWithoutFinishing(
  base: string,
  path: string,
  options: { headers: Record<string, string>; send: number },
): Promise<{ status: number; body: string }> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', headers: options.headers });
    let answered = false;
    request.on('response', (response) => {
      answered = true;
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        request.destroy();
        resolve({ status: response.statusCode!, body });
      });
    });
    request.on('error', (error) => {
      if (!answered) reject(error);
    });
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    const writeMore = () => {
      while (!answered && sent < options.send) {
        sent += chunk.length;
        if (!request.write(chunk)) return void request.once('drain', writeMore);
      }
    };
    writeMore();
  });
}
