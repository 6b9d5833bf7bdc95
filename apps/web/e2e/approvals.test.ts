// Approvals in a real browser: a member submits a post for review and creates a client review
// link; someone with no account opens it in a fresh browser (no session, no cookies), sees the
// post and nothing else of the agency, and approves it; the post page then shows it approved.
import { saveDraftPost } from '@herald/core';
import { DEMO_CLIENTS, DEMO_LOGIN } from '@herald/db/seed';
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

describe('approving a post through the client review link', () => {
  let herald: Herald;
  let browser: Browser;
  let page: Page;
  let browserLog: string[];

  beforeAll(async () => {
    herald = await startHerald({ webEnv: { SESSION_COOKIE_SECURE: 'false' } });
    browser = await launchChromium();
    ({ page, log: browserLog } = await newWatchedPage(browser, { timezoneId: CLIENT.timezone }));
    await signInAsDemo(page, herald.url);
  });

  afterAll(async () => {
    await browser?.close();
    await herald?.stop();
  });

  it('is approved by someone without an account and shows as approved', async ({
    onTestFailed,
  }) => {
    onTestFailed(() => console.log([herald.output(), '--- browser ---', ...browserLog].join('\n')));
    const { db } = herald.t;
    const user = await db.user.findUniqueOrThrow({
      where: { email: DEMO_LOGIN.email },
      include: { memberships: true },
    });
    const member = user.memberships[0]!;
    const client = await db.client.findFirstOrThrow({
      where: { organizationId: member.organizationId, name: CLIENT.name },
      include: { socialAccounts: true },
    });
    const caption = `Review me ${Date.now().toString(36)}: the spring blend`;
    const post = await saveDraftPost(
      db,
      { userId: user.id, organizationId: member.organizationId, role: member.role },
      {
        clientId: client.id,
        caption,
        accountIds: [client.socialAccounts[0]!.id],
        scheduledFor: new Date(Date.now() + 24 * 3_600_000),
      },
    );

    // The member submits it for review and creates a link for the client.
    await page.goto(`${herald.url}/posts/${post.id}`);
    const status = page.getByTestId('review-status');
    await status.filter({ hasText: 'Not submitted' }).waitFor();
    await page.getByRole('button', { name: 'Submit for review' }).click();
    await status.filter({ hasText: 'In review' }).waitFor();
    await page.getByRole('button', { name: 'Create link' }).click();
    const linkInput = page.getByLabel('New link (shown only now: copy it)');
    await linkInput.waitFor();
    const link = await linkInput.inputValue();
    expect(link).toMatch(new RegExp(`^${herald.url}/review/[A-Za-z0-9_-]{43}$`));

    // A fresh browser context: no session cookie, nothing shared with the member's.
    const guest = await browser.newContext({ timezoneId: 'UTC' });
    try {
      const reviewPage = await guest.newPage();
      const response = await reviewPage.goto(link);
      expect(response?.status()).toBe(200);
      expect(response?.headers()['cache-control']).toBe('no-store');
      await reviewPage.getByLabel('Caption').filter({ hasText: caption }).waitFor();
      const html = await reviewPage.content();
      // The post, and nothing else of the agency: no client, account handle or member name.
      for (const secret of [CLIENT.name, client.socialAccounts[0]!.handle, user.name, user.email]) {
        expect(html).not.toContain(secret);
      }
      await reviewPage.getByLabel('Your name').fill('Clara Client');
      await reviewPage.getByLabel('Comment').fill('Perfect, go ahead.');
      await reviewPage.getByRole('button', { name: 'Approve' }).click();
      await reviewPage.getByText('This post is approved. Thank you.').waitFor();
      expect(await guest.cookies()).toEqual([]);
    } finally {
      await guest.close();
    }

    // Back on the member's side, the post shows as approved by the client, with the comment.
    await page.reload();
    await status.filter({ hasText: 'Approved' }).waitFor();
    await page.getByText(/^Approved by Clara Client \(review link\) on /).waitFor();
    await page.getByText('Perfect, go ahead.').waitFor();
    const row = await db.post.findUniqueOrThrow({ where: { id: post.id } });
    expect(row).toMatchObject({ reviewStatus: 'approved', approvedByName: 'Clara Client' });
    expect(browserLog.filter((line) => line.startsWith('pageerror'))).toEqual([]);
  });
});
