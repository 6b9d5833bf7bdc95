// Connecting an X account in a real browser and publishing to it: the person leaves Herald for
// the sandbox's X consent page (OAuth 2.0 with PKCE), picks the X account, comes back, connects
// it to the client (from the client's accounts page), and schedules one post to a Facebook Page and the new X account together.
// The real worker publishes both, and both show on the sandbox's page of published posts.
import { toZonedLocal } from '@herald/core/domain';
import { DEMO_CLIENTS } from '@herald/db/seed';
import { countQueuedJobs, makePostDue, waitFor, type TestDatabase } from '@herald/db/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchChromium,
  newWatchedPage,
  signInAsDemo,
  startHerald,
  type Herald,
} from './support/herald.ts';

const CLIENT = DEMO_CLIENTS.find((c) => c.name === 'Northwind Coffee')!;
const PAGE = CLIENT.pages[0];
/** The sandbox's X user the person authorizes (packages/sandbox platforms/x/oauth.ts). */
const X_USER = { id: '2000000001', handle: '@northwind_coffee' };

describe('connecting an X account and publishing to it', () => {
  let herald: Herald;
  let t: TestDatabase;
  let browser: Browser;
  let page: Page;
  let browserLog: string[];

  beforeAll(async () => {
    herald = await startHerald({ worker: true, webEnv: { SESSION_COOKIE_SECURE: 'false' } });
    t = herald.t;
    browser = await launchChromium();
    ({ page, log: browserLog } = await newWatchedPage(browser));
  });
  afterAll(async () => {
    await browser?.close();
    await herald?.stop();
  });

  it('connects X through its consent page, then publishes one post to Facebook and X', async ({
    onTestFailed,
  }) => {
    onTestFailed(() => console.log([herald.output(), '--- browser ---', ...browserLog].join('\n')));
    await signInAsDemo(page, herald.url);
    const { id: clientId } = await t.db.client.findFirstOrThrow({ where: { name: CLIENT.name } });
    await page.goto(`${herald.url}/clients/${clientId}/accounts`);
    await page.getByRole('heading', { level: 1, name: CLIENT.name }).waitFor();

    // Herald offers every platform it has app credentials for.
    for (const label of ['Facebook', 'Instagram', 'X', 'LinkedIn']) {
      await page.getByRole('link', { name: `Connect ${label}`, exact: true }).waitFor();
    }
    await page.getByRole('link', { name: 'Connect X', exact: true }).click();

    // X's consent page (the sandbox's), not Herald's.
    await page.getByRole('heading', { name: 'Herald wants to access your X account' }).waitFor();
    const consent = new URL(page.url());
    expect(consent.origin).toBe(new URL(herald.sandbox.url).origin);
    expect(consent.searchParams.get('code_challenge_method')).toBe('S256');
    await page.getByRole('radio', { name: new RegExp(X_USER.handle) }).check();
    await page.getByRole('button', { name: 'Authorize app' }).click();

    // Back on Herald: the X account granted, to connect to this client.
    await page.getByRole('heading', { name: 'Connect X accounts' }).waitFor();
    expect(page.url().startsWith(herald.url)).toBe(true);
    await page.getByLabel(X_USER.handle).check();
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByRole('status').filter({ hasText: 'Connected 1 account.' }).waitFor();
    const xRow = page
      .getByRole('region', { name: 'Accounts' })
      .getByRole('row')
      .filter({ hasText: X_USER.handle });
    await xRow.getByText('Healthy').waitFor();
    const account = await t.db.socialAccount.findFirstOrThrow({
      where: { platform: 'x', externalId: X_USER.id, client: { name: CLIENT.name } },
    });
    expect([account.handle, account.status]).toEqual([X_USER.handle, 'active']);
    expect(account.refreshTokenEncrypted).not.toBeNull();

    // One post to the Facebook Page and the X account, an hour ahead in the client's zone.
    await page.getByRole('link', { name: 'Back to posts' }).click();
    await page.waitForURL(`${herald.url}/clients/${clientId}`);
    const compose = page.getByRole('form', { name: 'New post' });
    await compose.getByText(/^Your time:/).waitFor();
    const caption = `E2E ${Date.now().toString(36)} now on X too`;
    await compose.getByLabel('Caption').fill(caption);
    await compose.getByRole('checkbox', { name: `Facebook ${PAGE.handle}` }).check();
    await compose.getByRole('checkbox', { name: `X ${X_USER.handle}` }).check();
    // Nothing can publish it before we have seen it Scheduled; then we make it due (below).
    const local = toZonedLocal(new Date(Date.now() + 3_600_000), CLIENT.timezone);
    await compose.getByLabel('Date').fill(local.slice(0, 10));
    await compose.getByLabel('Time').fill(local.slice(11, 19));
    await compose.getByRole('button', { name: 'Schedule post' }).click();
    const post = page.getByRole('article').filter({ hasText: caption });
    const target = (label: string) => post.getByRole('listitem').filter({ hasText: label });
    for (const label of ['Facebook', X_USER.handle]) {
      await target(label).getByRole('status').filter({ hasText: 'Scheduled' }).waitFor();
    }

    // Its time comes; the worker publishes both targets, the X one with the connected token.
    const { id: postId } = await t.db.post.findFirstOrThrow({ where: { caption } });
    expect(await makePostDue(t.db, postId, new Date())).toBe(2);
    for (const label of ['Facebook', X_USER.handle]) {
      await target(label)
        .getByRole('status')
        .filter({ hasText: 'Published' })
        .waitFor({ timeout: 30_000 });
    }
    await waitFor('the queue to drain', async () => (await countQueuedJobs(t.db)) === 0, 10_000);

    // The sandbox's page lists what the platforms accepted: one post on each, exactly once.
    await page.goto(`${herald.sandbox.url}/`);
    const rows = page.getByRole('row').filter({ hasText: caption });
    await rows.first().waitFor();
    expect(await rows.count()).toBe(2);
    // Grouped by platform, then account: one under the Page, one under the X user.
    const under = (platform: string, account: string) =>
      page
        .locator(`#platform-${platform}`)
        .locator('h3', { hasText: account })
        .locator('xpath=following-sibling::table[1]')
        .getByRole('row')
        .filter({ hasText: caption });
    expect(await under('facebook', PAGE.externalId).count()).toBe(1);
    expect(await under('x', X_USER.id).count()).toBe(1);
  }, 180_000);
});
