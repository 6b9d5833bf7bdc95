// The product's promise, in a real browser: sign in, schedule a post for a client in the
// client's own timezone, and watch it become Published when due — published by the real worker
// process, through the Facebook adapter, to the platform sandbox, exactly once.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromZonedLocal, toZonedLocal } from '@herald/core/domain';
import { generateEncryptionKey, parseEncryptionKey } from '@herald/db';
import { DEMO_CLIENTS, DEMO_LOGIN, seedDemo } from '@herald/db/seed';
import { freePort } from '@herald/db/local';
import {
  countQueuedJobs,
  createTestDatabase,
  makePostDue,
  waitFor,
  type TestDatabase,
} from '@herald/db/testing';
import { startSandbox, type Sandbox } from '@herald/sandbox';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const webDir = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = path.resolve(webDir, '../..');
const serverBuild = path.join(webDir, 'build/server/index.js');
const screenshots = path.join(webDir, 'e2e/screenshots');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CLIENT = DEMO_CLIENTS.find((c) => c.name === 'Northwind Coffee')!;
const ACCOUNT = CLIENT.pages[0];
/** The viewer sits in another zone than the client, so the two clocks must not be confused. */
const VIEWER_TIME_ZONE = 'Europe/Oslo';

describe('scheduling a post in the browser', () => {
  let t: TestDatabase;
  let sandbox: Sandbox;
  let worker: ChildProcessHandle;
  let web: ChildProcessHandle;
  let webUrl: string;
  let browser: Browser;
  let page: Page;
  const browserLog: string[] = [];

  beforeAll(async () => {
    if (!existsSync(serverBuild)) {
      throw new Error(`${serverBuild} is missing: run pnpm --filter @herald/web build first`);
    }
    if (!existsSync(chromiumPath)) {
      throw new Error(
        `No Chromium at ${chromiumPath}: install Debian's chromium: apt-get install -y chromium ` +
          '(or set CHROMIUM_PATH). Never `playwright install`.',
      );
    }

    t = await createTestDatabase();
    const tokenKey = generateEncryptionKey();
    await seedDemo(t.db, { tokenKey: parseEncryptionKey(tokenKey) });
    sandbox = await startSandbox({ port: 0 });

    worker = startProcess('worker', path.join(repoRoot, 'node_modules/.bin/tsx'), ['src/main.ts'], {
      cwd: path.join(repoRoot, 'apps/worker'),
      env: {
        DATABASE_URL: t.url,
        TOKEN_ENCRYPTION_KEY: tokenKey,
        FACEBOOK_GRAPH_URL: sandbox.facebookBaseUrl,
        WORKER_POLL_INTERVAL_MS: '250',
      },
    });
    const port = await freePort();
    webUrl = `http://127.0.0.1:${port}`;
    web = startProcess(
      'web',
      path.join(webDir, 'node_modules/.bin/react-router-serve'),
      ['build/server/index.js'],
      {
        cwd: webDir,
        env: {
          PORT: String(port),
          HOST: '127.0.0.1',
          NODE_ENV: 'production',
          SESSION_COOKIE_SECURE: 'false',
          DATABASE_URL: t.url,
        },
      },
    );
    await Promise.all([
      worker.waitForLine(/worker: running/, 30_000),
      web.waitUntil(async () => (await fetch(`${webUrl}/login`)).ok, 30_000),
    ]);

    browser = await chromium.launch({
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
    const context = await browser.newContext({
      timezoneId: VIEWER_TIME_ZONE,
      viewport: { width: 1280, height: 900 },
    });
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning')
        browserLog.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => browserLog.push(`pageerror: ${e.message}`));
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([web?.stop(), worker?.stop()]);
    await sandbox?.close();
    await t?.drop();
  });

  it('signs in, schedules for the client’s local time, and publishes exactly once', async ({
    onTestFailed,
  }) => {
    onTestFailed(() => {
      console.log(
        [
          '--- web ---',
          ...web.output,
          '--- worker ---',
          ...worker.output,
          '--- browser ---',
          ...browserLog,
        ].join('\n'),
      );
    });

    // Signed out, the dashboard sends you to sign in.
    await page.goto(`${webUrl}/`);
    expect(new URL(page.url()).pathname).toBe('/login');

    await page.getByLabel('Email').fill(DEMO_LOGIN.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: "That email and password don't match." })
      .waitFor();
    expect(await page.getByLabel('Email').inputValue()).toBe(DEMO_LOGIN.email);

    await page.getByLabel('Password').fill(DEMO_LOGIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/clients\/[0-9a-f-]{36}$/);

    await page
      .getByRole('navigation', { name: 'Clients' })
      .getByRole('link', { name: CLIENT.name })
      .click();
    await page.getByRole('heading', { level: 1, name: CLIENT.name }).waitFor();
    const compose = page.getByRole('form', { name: 'New post' });
    await compose.getByText(`Times are in ${CLIENT.timezone}`).waitFor();
    // The viewer's-clock preview renders only once React has hydrated the form.
    await compose.getByText(/^Your time:/).waitFor();

    const caption = `E2E ${Date.now().toString(36)} fresh beans are in`;
    await compose.getByLabel('Caption').fill(caption);
    await compose.getByText(`${caption.length} / 63,206 characters`).waitFor();
    await compose.getByRole('checkbox', { name: ACCOUNT.handle, exact: false }).check();

    // A wall-clock time the clocks skip (US spring-forward) is explained, and nothing is sent.
    await compose.getByLabel('Date').fill('2027-03-14');
    await compose.getByLabel('Time').fill('02:30:00');
    await compose
      .getByRole('alert')
      .filter({ hasText: 'does not exist in America/New_York' })
      .waitFor();
    await compose.getByRole('button', { name: 'Schedule post' }).click();

    // An hour from now, as clocks read in the client's timezone (not the viewer's). Nothing can
    // publish it before we have seen it Scheduled; then we make it due (below).
    const local = toZonedLocal(new Date(Date.now() + 3_600_000), CLIENT.timezone);
    const scheduledFor = fromZonedLocal(local, CLIENT.timezone);
    await compose.getByLabel('Date').fill(local.slice(0, 10));
    await compose.getByLabel('Time').fill(local.slice(11, 19));
    await compose.getByText(/^Your time: .*GMT\+[12]/).waitFor();
    await compose.getByRole('button', { name: 'Schedule post' }).click();

    const post = page.getByRole('article').filter({ hasText: caption });
    await post.getByRole('status').filter({ hasText: 'Scheduled' }).waitFor();
    expect(await post.locator('time').first().getAttribute('datetime')).toBe(
      scheduledFor.toISOString(),
    );
    // The list may show the post (it polls) before the form has its answer and clears.
    await page.waitForFunction(
      (field) => (field as HTMLTextAreaElement).value === '',
      await compose.getByLabel('Caption').elementHandle(),
    );

    // Its time comes: the post and its queued job move to now. The list polls; the worker
    // publishes it.
    const { id: postId } = await t.db.post.findFirstOrThrow({ where: { caption } });
    expect(await makePostDue(t.db, postId, new Date())).toBe(1);
    await post.getByRole('status').filter({ hasText: 'Published' }).waitFor({ timeout: 30_000 });
    const href = await post.getByRole('link', { name: 'View post' }).getAttribute('href');
    expect(href?.startsWith(sandbox.url)).toBe(true);
    expect(await post.getByRole('listitem').innerText()).toMatch(/Attempts\s*1\b/);

    await mkdir(screenshots, { recursive: true });
    await page.screenshot({ path: path.join(screenshots, 'published.png'), fullPage: true });

    // Let any duplicate delivery run before counting what the platform received (a running
    // job keeps its row until it finishes).
    await waitFor('the queue to drain', async () => (await countQueuedJobs(t.db)) === 0, 10_000);
    const received = sandbox.posts().filter((p) => p.message === caption);
    expect(received).toHaveLength(1);
    expect(received[0]!.accountId).toBe(ACCOUNT.externalId);
  }, 120_000);
});

interface ChildProcessHandle {
  output: string[];
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<void>;
  waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

/** A real separate process, in its own process group so stopping it stops its children too. */
function startProcess(
  name: string,
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string> },
): ChildProcessHandle {
  const child: ChildProcess = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const output: string[] = [];
  const listeners = new Set<(line: string) => void>();
  for (const stream of [child.stdout!, child.stderr!]) {
    let buffered = '';
    stream.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        output.push(`[${name}] ${line}`);
        for (const listener of listeners) listener(line);
      }
    });
  }
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const failure = (why: string) =>
    new Error(`${name} ${why}. Its output:\n${output.slice(-40).join('\n')}`);

  return {
    output,
    waitForLine: (pattern, timeoutMs) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(failure(`did not print ${pattern}`)), timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(listener);
        };
        const listener = (line: string) => {
          if (!pattern.test(line)) return;
          done();
          resolve();
        };
        listeners.add(listener);
        void exited.then((code) => {
          done();
          reject(failure(`exited (code ${code}) before printing ${pattern}`));
        });
      }),
    async waitUntil(check, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (child.exitCode !== null) throw failure(`exited (code ${child.exitCode})`);
        if (await check().catch(() => false)) return;
        if (Date.now() > deadline) throw failure('did not become ready');
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const signalGroup = (signal: NodeJS.Signals) => {
        try {
          process.kill(-child.pid!, signal);
        } catch {
          // Already gone.
        }
      };
      signalGroup('SIGTERM');
      const killTimer = setTimeout(() => signalGroup('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killTimer);
    },
  };
}
