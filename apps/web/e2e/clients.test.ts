// A client from nothing, in a real browser: created with a name and a timezone picked from the
// searchable list, given a brand profile the settings page checks a caption against, and an
// account that lost its access shown on the accounts page with its reason and the posts held
// for it.
import { DEMO_CLIENTS } from '@herald/db/seed';
import type { TestDatabase } from '@herald/db/testing';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchChromium,
  newWatchedPage,
  signInAsDemo,
  startHerald,
  type Herald,
} from './support/herald.ts';

const DEMO = DEMO_CLIENTS.find((c) => c.name === 'Fjord Outdoor')!;

/** Mantine's searchable select or tags input: a combobox (or a textbox) named by its label. */
const comboInput = (scope: Locator, name: string) =>
  scope.getByRole('combobox', { name }).or(scope.getByRole('textbox', { name }));
const timeZoneInput = (scope: Locator) => comboInput(scope, 'Timezone');

describe('clients', () => {
  let herald: Herald;
  let t: TestDatabase;
  let browser: Browser;
  let page: Page;
  let browserLog: string[];

  beforeAll(async () => {
    herald = await startHerald({ webEnv: { SESSION_COOKIE_SECURE: 'false' } });
    t = herald.t;
    browser = await launchChromium();
    ({ page, log: browserLog } = await newWatchedPage(browser, { timezoneId: 'Asia/Tokyo' }));
  });
  afterAll(async () => {
    await browser?.close();
    await herald?.stop();
  });

  it('creates a client and edits its name, timezone and brand profile', async ({
    onTestFailed,
  }) => {
    onTestFailed(() => console.log([herald.output(), '--- browser ---', ...browserLog].join('\n')));
    await signInAsDemo(page, herald.url);
    await page.goto(`${herald.url}/clients/new`);
    const form = page.getByRole('form', { name: 'New client' });
    await form.getByLabel('Name').fill('Alpine Dairy');
    // The browser's own zone is offered first; the person searches for another.
    const zone = timeZoneInput(form);
    await expect.poll(() => zone.inputValue()).toMatch(/^Asia\/Tokyo \(/);
    await zone.fill('zurich');
    await page.getByRole('option', { name: /^Europe\/Zurich \(.*UTC\+[12]\)?\)$/ }).click();
    await form.getByRole('button', { name: 'Create client' }).click();

    await page.getByRole('status').filter({ hasText: 'Created Alpine Dairy.' }).waitFor();
    const client = await t.db.client.findFirstOrThrow({ where: { name: 'Alpine Dairy' } });
    expect(client.timezone).toBe('Europe/Zurich');
    expect(new URL(page.url()).pathname).toBe(`/clients/${client.id}/settings`);
    // The client switcher lists it.
    await page
      .getByRole('navigation', { name: 'Clients' })
      .getByRole('link', { name: 'Alpine Dairy' })
      .waitFor();

    // Moving it to another zone says what happens to posts already scheduled.
    const settings = page.getByRole('form', { name: 'Client', exact: true });
    await timeZoneInput(settings).fill('new york');
    await page.getByRole('option', { name: /^America\/New York/ }).click();
    await settings.getByText('Posts already scheduled keep their moment').waitFor();
    await settings.getByRole('button', { name: 'Save client' }).click();
    await settings.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect((await t.db.client.findUniqueOrThrow({ where: { id: client.id } })).timezone).toBe(
      'America/New_York',
    );

    const brand = page.getByRole('form', { name: 'Brand profile' });
    await brand.getByLabel('Voice and tone').fill('Warm, plain, proud of the cows.');
    const topics = comboInput(brand, 'Banned topics');
    await topics.fill('crypto');
    await topics.press('Enter');
    await topics.fill('Black Friday');
    await topics.press('Enter');
    await brand.getByLabel('Required call to action').fill('Order at alpine.example');
    const hashtags = comboInput(brand, 'Default hashtags');
    await hashtags.fill('#AlpineDairy');
    await hashtags.press('Enter');
    await brand.getByRole('button', { name: 'Save brand profile' }).click();
    await brand.getByRole('status').filter({ hasText: 'Brand profile saved.' }).waitFor();
    const stored = await t.db.client.findUniqueOrThrow({ where: { id: client.id } });
    expect(stored.brandProfile).toEqual({
      voice: 'Warm, plain, proud of the cows.',
      bannedTopics: ['crypto', 'Black Friday'],
      callToAction: 'Order at alpine.example',
      defaultHashtags: ['AlpineDairy'],
    });

    // After a reload the page shows what was stored, and checks a caption against it.
    await page.reload();
    await brand.getByLabel('Required call to action').waitFor();
    expect(await brand.getByLabel('Required call to action').inputValue()).toBe(
      'Order at alpine.example',
    );
    await brand.getByLabel('Try a caption').fill('BLACK FRIDAY: cheese for Crypto!');
    const problems = brand.getByRole('list', { name: 'Brand problems' });
    await problems.getByText('The caption mentions a banned topic: “crypto”.').waitFor();
    await problems.getByText('The caption mentions a banned topic: “Black Friday”.').waitFor();
    await problems
      .getByText('The caption is missing the required call to action: “Order at alpine.example”.')
      .waitFor();
    await brand.getByLabel('Try a caption').fill('Fresh cheese. Order at alpine.example');
    await brand.getByText('This caption keeps to the brand profile.').waitFor();
    await brand.getByText('#AlpineDairy', { exact: false }).first().waitFor();

    // The composer gives the same advice while a caption is written.
    await page.goto(`${herald.url}/clients/${client.id}`);
    const compose = page.getByRole('form', { name: 'New post' });
    await compose.getByLabel('Caption').fill('Crypto cheese, this week only');
    const advice = compose.getByRole('status').filter({ hasText: 'Brand profile' });
    await advice.getByText('The caption mentions a banned topic: “crypto”.').waitFor();
    await compose.getByLabel('Caption').fill('Fresh cheese. Order at alpine.example');
    await advice.waitFor({ state: 'detached' });
  }, 120_000);

  it('shows an account that lost its access, why, and the posts held for it', async ({
    onTestFailed,
  }) => {
    onTestFailed(() => console.log([herald.output(), '--- browser ---', ...browserLog].join('\n')));
    const demo = await t.db.client.findFirstOrThrow({
      where: { name: DEMO.name },
      include: { socialAccounts: true },
    });
    const account = demo.socialAccounts[0]!;
    const expires = new Date(Date.now() - 2 * 86_400_000);
    await t.db.socialAccount.update({
      where: { id: account.id },
      data: {
        status: 'needs_action',
        statusReason: 'Facebook says the Page’s password was changed.',
        tokenExpiresAt: expires,
      },
    });
    // Two posts the publisher held for the account (services/account-holds.ts).
    const captions = ['Held kayak post', 'Held paddle post'];
    const posts = [];
    for (const [i, caption] of captions.entries()) {
      posts.push(
        await t.db.post.create({
          data: {
            organizationId: demo.organizationId,
            clientId: demo.id,
            caption,
            targets: {
              create: {
                organizationId: demo.organizationId,
                socialAccountId: account.id,
                scheduledFor: new Date(Date.now() + (i + 1) * 3_600_000),
                scheduledTimezone: demo.timezone,
                status: 'waiting_for_account',
              },
            },
          },
        }),
      );
    }

    await page.goto(`${herald.url}/clients/${demo.id}/accounts`);
    const row = page
      .getByRole('region', { name: 'Accounts' })
      .getByRole('row')
      .filter({ hasText: account.handle });
    await row.getByText('Needs reconnecting').waitFor();
    await row.getByText('Facebook says the Page’s password was changed.').waitFor();
    await row.getByText('Expired 2 days ago').waitFor();
    await row.getByText('2 posts waiting').waitFor();
    const held = row.getByRole('list', { name: `Posts held for ${account.handle}` });
    for (const [i, caption] of captions.entries()) {
      expect(await held.getByRole('link', { name: caption }).getAttribute('href')).toBe(
        `/posts/${posts[i]!.id}`,
      );
    }
    const reconnect = row.getByRole('link', { name: `Reconnect Facebook ${account.handle}` });
    expect(await reconnect.getAttribute('href')).toBe(`/connect/facebook?clientId=${demo.id}`);
  }, 120_000);
});
