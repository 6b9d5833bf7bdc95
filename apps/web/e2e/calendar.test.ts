// The calendar in a real browser: a scheduled post sits on its day in the client's timezone
// (the browser is in another), dragging it to a later day moves the post and its queued job,
// and dragging it into the past is refused with a sentence and the event goes back.
import { fromZonedLocal, nextDay, toZonedLocal } from '@herald/core/domain';
import { schedulePost } from '@herald/core';
import { DEMO_CLIENTS } from '@herald/db/seed';
import { findJob, type TestDatabase } from '@herald/db/testing';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchChromium,
  newWatchedPage,
  signInAsDemo,
  startHerald,
  type Herald,
} from './support/herald.ts';

const CLIENT = DEMO_CLIENTS.find((c) => c.name === 'Northwind Coffee')!;
const ZONE = CLIENT.timezone; // America/New_York

const previousDay = (day: string) =>
  new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
const daysAfter = (day: string, n: number) => {
  let d = day;
  for (let i = 0; i < n; i++) d = nextDay(d);
  return d;
};

describe('the calendar in the browser', () => {
  let herald: Herald;
  let t: TestDatabase;
  let browser: Browser;
  let page: Page;
  let browserLog: string[];

  beforeAll(async () => {
    herald = await startHerald({ webEnv: { SESSION_COOKIE_SECURE: 'false' } });
    t = herald.t;
    browser = await launchChromium();
    // Tokyo is 14 hours ahead of New York: a day drawn in the browser's zone would be wrong.
    ({ page, log: browserLog } = await newWatchedPage(browser, { timezoneId: 'Asia/Tokyo' }));
    await signInAsDemo(page, herald.url);
  });

  afterAll(async () => {
    await browser?.close();
    await herald?.stop();
  });

  /** Drags `event` onto the day cell `day` with small mouse steps, as a person would. */
  async function drag(event: Locator, day: string) {
    const from = (await event.boundingBox())!;
    const to = (await page.locator(`td.fc-daygrid-day[data-date="${day}"]`).boundingBox())!;
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(from.x + from.width / 2 + 5, from.y + from.height / 2 + 5, { steps: 3 });
    await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 12 });
    await page.mouse.up();
  }

  it('shows the post on its day, moves it by dragging, and refuses the past', async ({
    onTestFailed,
  }) => {
    onTestFailed(() => console.log([herald.output(), '--- browser ---', ...browserLog].join('\n')));
    const client = await t.db.client.findFirstOrThrow({ where: { name: CLIENT.name } });
    const member = await t.db.member.findFirstOrThrow({
      where: { organizationId: client.organizationId, role: 'owner' },
    });
    const account = await t.db.socialAccount.findFirstOrThrow({
      where: { clientId: client.id, handle: CLIENT.pages[0].handle },
    });
    const today = toZonedLocal(new Date(), ZONE).slice(0, 10);
    const yesterday = previousDay(today);
    const seededDay = daysAfter(today, 1);
    const laterDay = daysAfter(today, 3);
    // 22:30 in New York is already the next day in Tokyo (and in UTC).
    const caption = `Calendar ${Date.now().toString(36)}: late-night roast`;
    const post = await schedulePost(
      t.db,
      { userId: member.userId, organizationId: client.organizationId, role: 'owner' },
      {
        clientId: client.id,
        caption,
        accountIds: [account.id],
        scheduledFor: fromZonedLocal(`${seededDay}T22:30:00`, ZONE),
      },
    );
    const targetId = post.targets[0]!.id;

    // Opened on yesterday's month: yesterday, the seeded day and three days on are all shown.
    await page.goto(`${herald.url}/clients/${client.id}/calendar?date=${yesterday}`);
    await page.getByRole('heading', { level: 1, name: CLIENT.name }).waitFor();
    const event = page.locator(`[data-target-id="${targetId}"]`);
    await page
      .locator(`td.fc-daygrid-day[data-date="${seededDay}"] [data-target-id="${targetId}"]`)
      .waitFor();
    expect(await event.innerText()).toContain('22:30');

    // A later day: the post and its job move, keeping the time of day.
    await drag(event, laterDay);
    await page
      .getByRole('status')
      .filter({ hasText: /^Moved to / })
      .waitFor();
    const movedTo = fromZonedLocal(`${laterDay}T22:30:00`, ZONE);
    const moved = await t.db.postTarget.findUniqueOrThrow({ where: { id: targetId } });
    expect(moved.scheduledFor).toEqual(movedTo);
    expect((await findJob(t.db, `publish:${targetId}`))?.run_at).toEqual(movedTo);
    await page
      .locator(`td.fc-daygrid-day[data-date="${laterDay}"] [data-target-id="${targetId}"]`)
      .waitFor();

    // Yesterday: refused with the reason; the event goes back and nothing moved.
    await drag(event, yesterday);
    await page
      .getByRole('alert')
      .filter({
        hasText: 'The post was not moved: That time has already passed. Pick a time in the future.',
      })
      .waitFor();
    await page
      .locator(`td.fc-daygrid-day[data-date="${laterDay}"] [data-target-id="${targetId}"]`)
      .waitFor();
    const after = await t.db.postTarget.findUniqueOrThrow({ where: { id: targetId } });
    expect(after.scheduledFor).toEqual(movedTo);
    expect((await findJob(t.db, `publish:${targetId}`))?.run_at).toEqual(movedTo);

    // FullCalendar's injected styles carry the nonce: the CSP refused nothing.
    expect(browserLog.filter((line) => /Content Security Policy|Refused to/i.test(line))).toEqual(
      [],
    );
  }, 120_000);

  it('opens a panel on click: the caption is edited inline, and one account is cancelled after asking', async ({
    onTestFailed,
  }) => {
    onTestFailed(() => console.log([herald.output(), '--- browser ---', ...browserLog].join('\n')));
    const client = await t.db.client.findFirstOrThrow({ where: { name: CLIENT.name } });
    const member = await t.db.member.findFirstOrThrow({
      where: { organizationId: client.organizationId, role: 'owner' },
    });
    const accounts = await t.db.socialAccount.findMany({ where: { clientId: client.id } });
    const today = toZonedLocal(new Date(), ZONE).slice(0, 10);
    const day = daysAfter(today, 1);
    const post = await schedulePost(
      t.db,
      { userId: member.userId, organizationId: client.organizationId, role: 'owner' },
      {
        clientId: client.id,
        caption: `Panel ${Date.now().toString(36)}`,
        accountIds: accounts.map((a) => a.id),
        scheduledFor: fromZonedLocal(`${day}T09:00:00`, ZONE),
      },
    );
    const [first, second] = post.targets;
    await page.goto(`${herald.url}/clients/${client.id}/calendar?date=${day}`);
    await page.locator(`[data-target-id="${first!.id}"]`).click();
    const panel = page.getByRole('dialog');
    const caption = panel.getByRole('textbox', { name: 'Caption' });
    await caption.fill('A better caption');
    await panel.getByRole('button', { name: 'Save caption' }).click();
    await panel.getByRole('status').filter({ hasText: 'Caption saved.' }).waitFor();
    expect((await t.db.post.findUniqueOrThrow({ where: { id: post.id } })).caption).toBe(
      'A better caption',
    );

    await panel
      .getByRole('button', { name: `Cancel on ${first!.socialAccount.handle} only` })
      .click();
    await panel.getByRole('button', { name: 'Yes, cancel it there' }).click();
    await panel
      .getByRole('status')
      .filter({ hasText: /^Cancelled on / })
      .waitFor();
    const targets = await t.db.postTarget.findMany({ where: { postId: post.id } });
    expect(Object.fromEntries(targets.map((x) => [x.id, x.status]))).toEqual({
      [first!.id]: 'cancelled',
      [second!.id]: 'scheduled',
    });
    expect(await findJob(t.db, `publish:${first!.id}`)).toBeNull();
  }, 120_000);

  it('lists every post a page at a time and finds one by its caption', async ({ onTestFailed }) => {
    onTestFailed(() => console.log([herald.output(), '--- browser ---', ...browserLog].join('\n')));
    const client = await t.db.client.findFirstOrThrow({ where: { name: CLIENT.name } });
    const member = await t.db.member.findFirstOrThrow({
      where: { organizationId: client.organizationId, role: 'owner' },
    });
    const account = await t.db.socialAccount.findFirstOrThrow({ where: { clientId: client.id } });
    const actor = {
      userId: member.userId,
      organizationId: client.organizationId,
      role: 'owner',
    } as const;
    // More than a page (25): the oldest would have vanished from the newest-50 list before.
    for (let i = 0; i < 27; i++) {
      await schedulePost(t.db, actor, {
        clientId: client.id,
        caption: i === 0 ? 'The oldest: pumpkin spice returns' : `Filler post ${i}`,
        accountIds: [account.id],
        scheduledFor: new Date(Date.now() + (i + 2) * 86_400_000),
      });
    }
    await page.goto(`${herald.url}/clients/${client.id}/posts`);
    const table = page.getByRole('table', { name: 'Posts' });
    await table.getByRole('link', { name: 'Filler post 26' }).waitFor();
    expect(await table.getByRole('link', { name: /pumpkin spice/ }).count()).toBe(0);
    await page.getByRole('button', { name: 'Load more posts' }).click();
    await table.getByRole('link', { name: 'The oldest: pumpkin spice returns' }).waitFor();

    await page.getByLabel('Search captions').fill('PUMPKIN');
    await page.waitForFunction(
      () => document.querySelectorAll('table[aria-label="Posts"] tbody tr').length === 1,
    );
    expect(await table.getByRole('link').allInnerTexts()).toEqual([
      'The oldest: pumpkin spice returns',
    ]);
  }, 120_000);
});
