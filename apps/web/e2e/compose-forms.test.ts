// The compose and reschedule forms in a real browser: typing a date, over-long captions,
// times that happen twice, and what the forms show before and after they are sent.
// Everything is scheduled for 2027 or later, so nothing publishes while the test runs.
import { fromZonedLocal, toZonedLocal } from '@herald/core/domain';
import { DEMO_CLIENTS, DEMO_LOGIN } from '@herald/db/seed';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchChromium, startHerald, type Herald } from './support/herald.ts';

/** A client in America/New_York, where 2027-11-07 01:30 happens twice. */
const CLIENT = DEMO_CLIENTS.find((c) => c.timezone === 'America/New_York')!;
const OTHER_CLIENT = DEMO_CLIENTS.find((c) => c.name !== CLIENT.name)!;
const ACCOUNT = CLIENT.pages[0];
/** The browser's clock stands still here, so "now" in the page is known to the test. */
const BROWSER_NOW = new Date(Math.floor(Date.now() / 60_000) * 60_000);

describe('the compose and reschedule forms', () => {
  let herald: Herald;
  let webUrl: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let clientPath: string;
  const browserLog: string[] = [];
  /** Every posts.schedule call the page makes, in order. */
  const scheduleCalls: string[] = [];

  beforeAll(async () => {
    herald = await startHerald({ webEnv: { SESSION_COOKIE_SECURE: 'false' } });
    webUrl = herald.url;
    browser = await launchChromium();
    context = await browser.newContext({
      locale: 'en-US',
      timezoneId: 'Europe/Oslo',
      viewport: { width: 1280, height: 900 },
    });
    page = await context.newPage();
    await page.clock.setFixedTime(BROWSER_NOW);
    page.on('console', (m) => {
      if (m.type() === 'error') browserLog.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => browserLog.push(`pageerror: ${e.message}`));
    page.on('request', (r) => {
      if (r.url().includes('/api/trpc/posts.schedule')) scheduleCalls.push(r.postData() ?? '');
    });

    await page.goto(`${webUrl}/login`);
    await page.getByLabel('Email').fill(DEMO_LOGIN.email);
    await page.getByLabel('Password').fill(DEMO_LOGIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Signed in, on the clients overview.
    await page.getByRole('heading', { level: 1, name: 'Clients' }).waitFor();
    const link = page
      .getByRole('navigation', { name: 'Clients' })
      .getByRole('link', { name: CLIENT.name });
    clientPath = (await link.getAttribute('href'))!;
  });

  afterAll(async () => {
    await browser?.close();
    await herald?.stop();
  });

  beforeEach(({ onTestFailed }) => {
    onTestFailed(() => {
      console.log([herald.output(), '--- browser ---', ...browserLog].join('\n'));
    });
  });

  /** The client's page, freshly loaded and hydrated. */
  async function openCompose() {
    await page.goto(`${webUrl}${clientPath}`);
    const compose = page.getByRole('form', { name: 'New post' });
    // The viewer's-clock preview renders only once React has hydrated the form.
    await compose.getByText(/^Your time:/).waitFor();
    return compose;
  }

  it('survives typing a year digit by digit, and keeps the draft', async () => {
    const compose = await openCompose();
    await compose.getByLabel('Caption').fill('Draft that must survive');
    const dateInput = compose.getByLabel('Date');
    // Month, day, then the year: the input holds 0002, 0020 and 0202 on the way to 2027.
    await dateInput.fill('');
    await dateInput.focus();
    await page.keyboard.type('11232027');

    await expect.poll(() => dateInput.inputValue()).toBe('2027-11-23');
    await compose.getByText(/^Your time: .*2027/).waitFor();
    expect(await compose.getByLabel('Caption').inputValue()).toBe('Draft that must survive');
    expect(await page.getByRole('heading', { name: 'Something went wrong' }).count()).toBe(0);
    expect(browserLog.filter((line) => line.startsWith('pageerror'))).toEqual([]);
  });

  it('refuses an over-long caption, with the reason beside the caption', async () => {
    const compose = await openCompose();
    const callsBefore = scheduleCalls.length;
    const caption = compose.getByLabel('Caption');
    await caption.fill('a'.repeat(63_207));
    await compose.getByRole('checkbox', { name: ACCOUNT.handle }).check();
    await compose.getByLabel('Date').fill('2027-06-15');
    await compose.getByLabel('Time').fill('10:00:00');
    await compose.getByText('63,207 / 63,206 characters').waitFor();

    const message = 'The caption is 63,207 characters; Facebook allows 63,206 characters.';
    await compose.getByRole('button', { name: 'Schedule post' }).click();
    const reason = compose.getByText(message);
    await reason.waitFor();
    // Described by the caption itself, and focused there, not at the bottom of the form.
    const reasonId = await reason.getAttribute('id');
    expect((await caption.getAttribute('aria-describedby'))?.split(' ')).toContain(reasonId);
    expect(await caption.getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => caption.evaluate((el) => el === document.activeElement)).toBe(true);

    // Shortened, it goes through; it is the only schedule call this test made.
    await caption.fill('a'.repeat(63_206));
    await compose.getByRole('button', { name: 'Schedule post' }).click();
    await compose.getByRole('status').filter({ hasText: 'Scheduled for' }).waitFor();
    expect(scheduleCalls.length - callsBefore).toBe(1);
  });

  it('starts a fresh form after scheduling', async () => {
    const compose = await openCompose();
    await compose.getByLabel('Caption').fill('Reset me after scheduling');
    await compose.getByRole('checkbox', { name: ACCOUNT.handle }).check();
    await compose.getByLabel('Date').fill('2027-06-16');
    await compose.getByLabel('Time').fill('11:15:00');
    await compose.getByRole('button', { name: 'Schedule post' }).click();

    await compose.getByRole('status').filter({ hasText: 'Scheduled for' }).waitFor();
    // A fresh suggestion: five minutes after the browser's now, in whole minutes.
    const fresh = toZonedLocal(new Date(BROWSER_NOW.getTime() + 5 * 60_000), CLIENT.timezone);
    expect(await compose.getByLabel('Caption').inputValue()).toBe('');
    expect(await compose.getByRole('checkbox', { name: ACCOUNT.handle }).isChecked()).toBe(false);
    expect(await compose.getByLabel('Date').inputValue()).toBe(fresh.slice(0, 10));
    expect(await compose.getByLabel('Time').inputValue()).toBe(fresh.slice(11, 19));
  });

  it('asks which 01:30 is meant when New York clocks fall back', async () => {
    const compose = await openCompose();
    const callsBefore = scheduleCalls.length;
    await compose.getByLabel('Caption').fill('Twice at half past one');
    await compose.getByRole('checkbox', { name: ACCOUNT.handle }).check();
    await compose.getByLabel('Date').fill('2027-11-07');
    await compose.getByLabel('Time').fill('01:30:00');

    const choices = compose.getByRole('group', { name: /01:30 happens twice on 2027-11-07/ });
    const edt = choices.getByRole('radio', { name: '01:30 EDT (UTC\u22124)' });
    const est = choices.getByRole('radio', { name: '01:30 EST (UTC\u22125)' });
    await edt.waitFor();
    expect(await est.isChecked()).toBe(false);

    // Nothing is sent until one is chosen.
    await compose.getByRole('button', { name: 'Schedule post' }).click();
    await compose.getByText('Choose which of the two times you mean.').waitFor();
    await est.check();
    await compose.getByRole('button', { name: 'Schedule post' }).click();
    await compose.getByRole('status').filter({ hasText: 'Scheduled for' }).waitFor();
    expect(scheduleCalls.length - callsBefore).toBe(1);

    const post = page.getByRole('article').filter({ hasText: 'Twice at half past one' });
    expect(await post.locator('time').first().getAttribute('datetime')).toBe(
      '2027-11-07T06:30:00.000Z',
    );
  });

  it('says "Publishing now" for a time that has just passed', async () => {
    const compose = await openCompose();
    const local = toZonedLocal(new Date(BROWSER_NOW.getTime() - 20_000), CLIENT.timezone);
    await compose.getByLabel('Date').fill(local.slice(0, 10));
    await compose.getByLabel('Time').fill(local.slice(11, 19));
    await compose
      .getByRole('status')
      .filter({ hasText: /^Publishing now: / })
      .waitFor();
    // The button says so too, for someone reaching it by keyboard or screen reader.
    const button = compose.getByRole('button', { name: 'Schedule post' });
    await expect
      .poll(() =>
        button.evaluate((el) =>
          (el.getAttribute('aria-describedby') ?? '')
            .split(' ')
            .map((id) => document.getElementById(id)?.textContent ?? '')
            .join(''),
        ),
      )
      .toMatch(/^Publishing now: /);
    // An hour ahead is an ordinary schedule again.
    const later = toZonedLocal(new Date(BROWSER_NOW.getTime() + 3_600_000), CLIENT.timezone);
    await compose.getByLabel('Time').fill(later.slice(11, 19));
    await expect.poll(() => compose.getByText(/^Publishing now/).count()).toBe(0);
  });

  it('shows only the current reschedule error, and closes when the post publishes', async () => {
    await openCompose();
    // The over-long-caption test scheduled this one for 2027-06-15 10:00.
    const post = page.getByRole('article').filter({ hasText: 'a'.repeat(200) });
    await post.getByRole('button', { name: 'Reschedule' }).click();
    const form = post.getByRole('form', { name: 'Reschedule' });

    // An hour ago by the server's clock: refused as already passed.
    const past = toZonedLocal(new Date(Date.now() - 3_600_000), CLIENT.timezone);
    await form.getByLabel('Date').fill(past.slice(0, 10));
    await form.getByLabel('Time').fill(past.slice(11, 19));
    await form.getByRole('button', { name: 'Save new time' }).click();
    await form.getByRole('alert').filter({ hasText: 'already passed' }).waitFor();

    // A time the clocks skip: that is the one problem now.
    await form.getByLabel('Date').fill('2027-03-14');
    await form.getByLabel('Time').fill('02:30:00');
    await form
      .getByRole('alert')
      .filter({ hasText: 'does not exist in America/New_York' })
      .waitFor();
    expect(await form.getByRole('alert').allInnerTexts()).toEqual([
      '2027-03-14 02:30 does not exist in America/New_York: the clocks go forward 1 hour then. Pick another time.',
    ]);

    // The worker publishes it while the form is open (written here as the worker would).
    const target = await herald.t.db.postTarget.findFirstOrThrow({
      where: { scheduledFor: fromZonedLocal('2027-06-15T10:00', CLIENT.timezone) },
    });
    await herald.t.db.postTarget.update({
      where: { id: target.id },
      data: { status: 'published', publishedAt: new Date() },
    });
    await post
      .getByText('This post has been published, so its time can no longer be changed.')
      .waitFor();
    expect(await form.count()).toBe(0);
  });

  it('links the error page back to the client it happened on', async () => {
    await openCompose();
    const other = page
      .getByRole('navigation', { name: 'Clients' })
      .getByRole('link', { name: OTHER_CLIENT.name });
    const otherPath = (await other.getAttribute('href'))!;
    // The other client's page cannot render: its stored timezone is one Intl does not know.
    const otherId = otherPath.split('/').pop()!;
    await herald.t.db.client.update({ where: { id: otherId }, data: { timezone: 'Mars/Olympus' } });
    await other.click();
    await page.getByRole('heading', { name: 'Something went wrong' }).waitFor();
    expect(await page.getByRole('link', { name: 'Back to this client' }).getAttribute('href')).toBe(
      otherPath,
    );
    await herald.t.db.client.update({
      where: { id: otherId },
      data: { timezone: OTHER_CLIENT.timezone },
    });
  });
});
