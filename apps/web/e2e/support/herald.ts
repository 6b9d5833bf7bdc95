// What every browser and HTTP-level test of the built app needs: a fresh database with the
// demo agency, the platform sandbox, the production web server (server.mjs) and,
// when asked, the real worker process — each a separate process, as in production.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateEncryptionKey, parseTokenKeyring } from '@herald/db';
import { freePort } from '@herald/db/local';
import { DEMO_LOGIN, seedDemo } from '@herald/db/seed';
import {
  createTestDatabase,
  startProcess,
  type ChildProcessHandle,
  type TestDatabase,
} from '@herald/db/testing';
import { startSandbox, type Sandbox } from '@herald/sandbox';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';

export const webDir = fileURLToPath(new URL('../..', import.meta.url));
export const repoRoot = path.resolve(webDir, '../..');
const serverBuild = path.join(webDir, 'build/server/index.js');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Herald {
  t: TestDatabase;
  sandbox: Sandbox;
  /** The web app's origin, e.g. http://127.0.0.1:41234 */
  url: string;
  web: ChildProcessHandle;
  worker: ChildProcessHandle | undefined;
  /** Every process's output so far, for a failing test to print. */
  output(): string;
  stop(): Promise<void>;
}

export async function startHerald(
  options: { worker?: boolean; webEnv?: Record<string, string> } = {},
): Promise<Herald> {
  const t = await createTestDatabase();
  const tokenKey = generateEncryptionKey();
  await seedDemo(t.db, { tokenKey: parseTokenKeyring(tokenKey) });
  const sandbox = await startSandbox({ port: 0 });
  // Every platform at the sandbox; media on a fresh local store, its URLs signed by a key web
  // and worker share (ADR 0024).
  const webPort = await freePort();
  const mediaDir = await mkdtemp(path.join(tmpdir(), 'herald-e2e-media-'));
  const media = {
    // Every platform's consent page is the sandbox's, with app credentials it accepts.
    FACEBOOK_APP_ID: 'herald-e2e',
    FACEBOOK_APP_SECRET: 'herald-e2e-secret',
    FACEBOOK_DIALOG_URL: sandbox.facebookBaseUrl,
    INSTAGRAM_GRAPH_URL: sandbox.baseUrl('instagram'),
    META_APP_ID: 'herald-e2e',
    META_APP_SECRET: 'herald-e2e-secret',
    X_API_URL: sandbox.baseUrl('x'),
    X_OAUTH_URL: sandbox.baseUrl('x'),
    X_CLIENT_ID: 'herald-e2e',
    X_CLIENT_SECRET: 'herald-e2e-secret',
    LINKEDIN_API_URL: sandbox.baseUrl('linkedin'),
    LINKEDIN_AUTH_URL: sandbox.baseUrl('linkedin'),
    LINKEDIN_CLIENT_ID: 'herald-e2e',
    LINKEDIN_CLIENT_SECRET: 'herald-e2e-secret',
    YOUTUBE_API_URL: sandbox.baseUrl('youtube'),
    YOUTUBE_OAUTH_URL: sandbox.baseUrl('youtube'),
    YOUTUBE_TOKEN_URL: sandbox.baseUrl('youtube'),
    YOUTUBE_CLIENT_ID: 'herald-e2e',
    YOUTUBE_CLIENT_SECRET: 'herald-e2e-secret',
    TIKTOK_API_URL: sandbox.baseUrl('tiktok'),
    TIKTOK_AUTH_URL: sandbox.baseUrl('tiktok'),
    TIKTOK_CLIENT_KEY: 'herald-e2e',
    TIKTOK_CLIENT_SECRET: 'herald-e2e-secret',
    GOOGLE_BUSINESS_API_URL: sandbox.baseUrl('google_business'),
    GOOGLE_BUSINESS_ACCOUNT_MANAGEMENT_URL: sandbox.baseUrl('google_business'),
    GOOGLE_BUSINESS_INFORMATION_URL: sandbox.baseUrl('google_business'),
    GOOGLE_BUSINESS_OAUTH_URL: sandbox.baseUrl('google_business'),
    GOOGLE_BUSINESS_TOKEN_URL: sandbox.baseUrl('google_business'),
    GOOGLE_BUSINESS_CLIENT_ID: 'herald-e2e',
    GOOGLE_BUSINESS_CLIENT_SECRET: 'herald-e2e-secret',
    MEDIA_DIR: mediaDir,
    MEDIA_SIGNING_KEY: randomBytes(48).toString('base64'),
    PUBLIC_URL: `http://127.0.0.1:${webPort}`,
  };

  const worker = options.worker
    ? startProcess('worker', path.join(repoRoot, 'node_modules/.bin/tsx'), ['src/main.ts'], {
        cwd: path.join(repoRoot, 'apps/worker'),
        env: {
          DATABASE_URL: t.url,
          TOKEN_ENCRYPTION_KEY: tokenKey,
          FACEBOOK_GRAPH_URL: sandbox.facebookBaseUrl,
          WORKER_POLL_INTERVAL_MS: '250',
          ...media,
        },
      })
    : undefined;
  // The web app gets what the worker gets, as `pnpm dev` gives it (the cron tick publishes).
  const web = await startWebServer(
    {
      DATABASE_URL: t.url,
      TOKEN_ENCRYPTION_KEY: tokenKey,
      FACEBOOK_GRAPH_URL: sandbox.facebookBaseUrl,
      ...media,
      ...options.webEnv,
    },
    { port: webPort },
  );
  await worker?.waitForLine(/worker: running/, 30_000);
  const url = web.url;
  return {
    t,
    sandbox,
    url,
    web,
    worker,
    output: () =>
      ['--- web ---', ...web.output, '--- worker ---', ...(worker?.output ?? [])].join('\n'),
    async stop() {
      await Promise.all([web.stop(), worker?.stop()]);
      await sandbox.close();
      await t.drop();
      await rm(mediaDir, { recursive: true, force: true });
    },
  };
}

export interface WebServer extends ChildProcessHandle {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
}

/**
 * The production build under server.mjs, as `pnpm start` and the web image serve it: on
 * 127.0.0.1, or with `host: 'localhost'` on every interface and addressed as localhost (what
 * `pnpm start` prints, and a secure context in browsers).
 */
export async function startWebServer(
  env: Record<string, string>,
  options: { host?: '127.0.0.1' | 'localhost'; port?: number } = {},
): Promise<WebServer> {
  if (!existsSync(serverBuild)) {
    throw new Error(`${serverBuild} is missing: run pnpm --filter @herald/web build first`);
  }
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? (await freePort());
  const url = `http://${host}:${port}`;
  const web = startProcess('web', process.execPath, ['server.mjs'], {
    cwd: webDir,
    env: {
      PORT: String(port),
      ...(host === '127.0.0.1' ? { HOST: host } : {}),
      NODE_ENV: 'production',
      ...env,
    },
  });
  await web.waitForLine(/listening on http/, 30_000);
  return { ...web, url };
}

/** Debian's Chromium, headless, with the flags our closed network needs (never a downloaded browser). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `No Chromium at ${chromiumPath}: install Debian's chromium: apt-get install -y chromium ` +
        '(or set CHROMIUM_PATH). Never `playwright install`.',
    );
  }
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** A page whose console errors, warnings and uncaught exceptions are collected in `log`. */
export async function newWatchedPage(
  browser: Browser,
  options: BrowserContextOptions = {},
): Promise<{ page: Page; log: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  const log: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') log.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`));
  return { page, log };
}

/** Signs in through the real form and waits for the clients overview. */
export async function signInAsDemo(page: Page, url: string): Promise<void> {
  await signIn(page, url, DEMO_LOGIN);
  await page.getByRole('heading', { level: 1, name: 'Clients' }).waitFor();
}

/** Signs in through the real form and waits to leave the sign-in page. */
export async function signIn(
  page: Page,
  url: string,
  login: { email: string; password: string },
): Promise<void> {
  await page.goto(`${url}/login`);
  await page.getByLabel('Email').fill(login.email);
  await page.getByLabel('Password').fill(login.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((address) => address.pathname !== '/login');
}
