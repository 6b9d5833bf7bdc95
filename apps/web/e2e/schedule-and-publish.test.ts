// The product's promise, in a real browser: sign in, schedule a post for a client in the
// client's own timezone, and watch it become Published when due — published by the real worker
// process, through the Facebook adapter, to the platform sandbox, exactly once.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fromZonedLocal, toZonedLocal } from '@herald/core/domain';
import { DEMO_CLIENTS, DEMO_LOGIN } from '@herald/db/seed';
import { countQueuedJobs, makePostDue, waitFor, type TestDatabase } from '@herald/db/testing';
import type { Sandbox } from '@herald/sandbox';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchChromium,
  newWatchedPage,
  startHerald,
  webDir,
  type Herald,
} from './support/herald.ts';

const screenshots = path.join(webDir, 'e2e/screenshots');

const CLIENT = DEMO_CLIENTS.find((c) => c.name === 'Northwind Coffee')!;
const ACCOUNT = CLIENT.pages[0];
/** The viewer sits in another zone than the client, so the two clocks must not be confused. */
const VIEWER_TIME_ZONE = 'Europe/Oslo';

describe('scheduling a post in the browser', () => {
  let herald: Herald;
  let t: TestDatabase;
  let sandbox: Sandbox;
  let webUrl: string;
  let browser: Browser;
  let page: Page;
  let browserLog: string[];

  beforeAll(async () => {
    herald = await startHerald({ worker: true, webEnv: { SESSION_COOKIE_SECURE: 'false' } });
    ({ t, sandbox, url: webUrl } = herald);
    browser = await launchChromium();
    ({ page, log: browserLog } = await newWatchedPage(browser, { timezoneId: VIEWER_TIME_ZONE }));
  });

  afterAll(async () => {
    await browser?.close();
    await herald?.stop();
  });

  it('signs in, schedules for the client’s local time, and publishes exactly once', async ({
    onTestFailed,
  }) => {
    onTestFailed(() => {
      console.log([herald.output(), '--- browser ---', ...browserLog].join('\n'));
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
    // Signed in, on the clients overview.
    await page.getByRole('heading', { level: 1, name: 'Clients' }).waitFor();

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
