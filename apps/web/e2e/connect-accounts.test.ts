// Connecting Facebook Pages in a real browser, through the sandbox's Facebook Login dialog: the
// person leaves Herald, picks Pages on the platform's consent page, comes back, and chooses
// which become the client's accounts — a new one, and a reconnect of one it had. It starts
// and ends on the client's accounts page.
import { DEMO_CLIENTS, DEMO_LOGIN } from '@herald/db/seed';
import type { TestDatabase } from '@herald/db/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, newWatchedPage, startHerald, type Herald } from './support/herald.ts';

const CLIENT = DEMO_CLIENTS.find((c) => c.name === 'Fjord Outdoor')!;

describe('connecting accounts', () => {
  let herald: Herald;
  let t: TestDatabase;
  let browser: Browser;
  let page: Page;
  let browserLog: string[];

  beforeAll(async () => {
    herald = await startHerald({ webEnv: { SESSION_COOKIE_SECURE: 'false' } });
    t = herald.t;
    browser = await launchChromium();
    ({ page, log: browserLog } = await newWatchedPage(browser));
  });
  afterAll(async () => {
    await browser?.close();
    await herald?.stop();
  });

  it('connects a new Page and reconnects a known one through the platform’s consent page', async ({
    onTestFailed,
  }) => {
    onTestFailed(() => console.log([herald.output(), '--- browser ---', ...browserLog].join('\n')));
    await page.goto(`${herald.url}/login`);
    await page.getByLabel('Email').fill(DEMO_LOGIN.email);
    await page.getByLabel('Password').fill(DEMO_LOGIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Signed in, on the clients overview.
    await page.getByRole('heading', { level: 1, name: 'Clients' }).waitFor();
    // The client's accounts page shows the known Page needs a person, and why.
    const known = CLIENT.pages[0];
    await t.db.socialAccount.updateMany({
      where: { externalId: known.externalId },
      data: { status: 'needs_action', statusReason: 'The password changed.' },
    });
    const { id: clientId } = await t.db.client.findFirstOrThrow({ where: { name: CLIENT.name } });
    await page.goto(`${herald.url}/clients/${clientId}/accounts`);
    await page.getByRole('heading', { level: 1, name: CLIENT.name }).waitFor();
    const accounts = page.getByRole('region', { name: 'Accounts' });
    // The client has accounts of that name on other platforms too: the Facebook one.
    const knownRow = accounts
      .getByRole('row')
      .filter({ hasText: known.handle })
      .filter({ has: page.getByRole('cell', { name: 'Facebook', exact: true }) });
    await knownRow.getByText('Needs reconnecting').waitFor();
    await knownRow.getByText('The password changed.').waitFor();
    // Herald offers every platform it has app credentials for; this one through Reconnect.
    await page.getByRole('link', { name: 'Connect Facebook', exact: true }).waitFor();
    await knownRow.getByRole('link', { name: `Reconnect Facebook ${known.handle}` }).click();

    // The platform's own page (the sandbox), not Herald's.
    await page.getByRole('heading', { name: 'Herald wants to manage your Pages' }).waitFor();
    expect(page.url().startsWith(herald.sandbox.url)).toBe(true);
    await page.getByLabel('Northwind Coffee').uncheck();
    await page.getByLabel('Northwind Roastery').uncheck();
    await page.getByRole('button', { name: 'Continue' }).click();

    // Back on Herald: what was granted, the known Page marked and ticked.
    await page.getByRole('heading', { name: 'Connect Facebook accounts' }).waitFor();
    expect(page.url().startsWith(herald.url)).toBe(true);
    await page.getByText('(connected: its access is renewed)').waitFor();
    expect(await page.getByLabel(/Fjord Outdoor/).isChecked()).toBe(true);
    await page.getByLabel(/Sandbox Bakery/).check();
    await page.getByRole('button', { name: 'Connect' }).click();

    // Back on the accounts page: both connected, the known Page healthy again.
    await page.getByRole('status').filter({ hasText: 'Connected 2 accounts.' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/clients/${clientId}/accounts`);
    await accounts.getByText('Sandbox Bakery').waitFor();
    await knownRow.getByText('Healthy').waitFor();
    expect(await knownRow.getByRole('link', { name: /Reconnect/ }).count()).toBe(0);
    const rows = await t.db.socialAccount.findMany({
      where: { client: { name: CLIENT.name }, platform: 'facebook' },
      orderBy: { externalId: 'asc' },
    });
    expect(rows.map((a) => [a.externalId, a.handle, a.status])).toEqual([
      [known.externalId, 'Fjord Outdoor', 'active'],
      ['1000000004', 'Sandbox Bakery', 'active'],
    ]);
  }, 120_000);
});
