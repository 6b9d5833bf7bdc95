// The operator's controls on a post, in a real browser: save a draft, schedule it, unschedule
// it, and settle a target nobody could confirm as published, with its link. Every step goes
// through the buttons; the database is read only to check what the buttons did.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fromZonedLocal, toZonedLocal } from '@herald/core/domain';
import { DEMO_CLIENTS } from '@herald/db/seed';
import { findJob, type TestDatabase } from '@herald/db/testing';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchChromium,
  newWatchedPage,
  signInAsDemo,
  startHerald,
  webDir,
  type Herald,
} from './support/herald.ts';

const screenshots = path.join(webDir, 'e2e/screenshots');

const CLIENT = DEMO_CLIENTS.find((c) => c.name === 'Northwind Coffee')!;
const ACCOUNT = CLIENT.pages[0];

describe('post controls in the browser', () => {
  let herald: Herald;
  let t: TestDatabase;
  let browser: Browser;
  let page: Page;
  let browserLog: string[];

  beforeAll(async () => {
    // No worker: nothing may publish behind the test's back; the buttons are what is tested.
    herald = await startHerald({ webEnv: { SESSION_COOKIE_SECURE: 'false' } });
    t = herald.t;
    browser = await launchChromium();
    ({ page, log: browserLog } = await newWatchedPage(browser, { timezoneId: CLIENT.timezone }));
    await signInAsDemo(page, herald.url);
    await page
      .getByRole('navigation', { name: 'Clients' })
      .getByRole('link', { name: CLIENT.name })
      .click();
    await page.getByRole('heading', { level: 1, name: CLIENT.name }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await herald?.stop();
  });

  /** Fills the date and time inputs of `form` with `at` as clocks read in the client's zone. */
  async function fillTime(form: Locator, at: Date) {
    const local = toZonedLocal(at, CLIENT.timezone);
    await form.getByLabel('Date').fill(local.slice(0, 10));
    await form.getByLabel('Time').fill(local.slice(11, 19));
    return fromZonedLocal(local, CLIENT.timezone);
  }

  async function targetOf(caption: string) {
    return t.db.postTarget.findFirstOrThrow({ where: { post: { caption } } });
  }

  it('saves a draft, schedules it, and unschedules it again', async ({ onTestFailed }) => {
    onTestFailed(() => console.log([herald.output(), '--- browser ---', ...browserLog].join('\n')));
    const compose = page.getByRole('form', { name: 'New post' });
    await compose.getByText(/^That is your local time too\.$/).waitFor(); // hydrated

    const caption = `Draft ${Date.now().toString(36)}: the winter blend`;
    await compose.getByLabel('Caption').fill(caption);
    await compose.getByRole('checkbox', { name: ACCOUNT.handle, exact: false }).check();
    const proposed = await fillTime(compose, new Date(Date.now() + 2 * 3_600_000));
    await compose.getByRole('button', { name: 'Save as draft' }).click();
    await compose
      .getByRole('status')
      .filter({ hasText: /^Saved as a draft for / })
      .waitFor();

    const post = page.getByRole('article').filter({ hasText: caption });
    await post.getByRole('status').filter({ hasText: 'Draft' }).waitFor();
    expect(await post.getByText('Proposed for').count()).toBe(1);
    expect(await post.locator('time').first().getAttribute('datetime')).toBe(
      proposed.toISOString(),
    );
    const draft = await targetOf(caption);
    expect(draft.status).toBe('draft');
    expect(await findJob(t.db, `publish:${draft.id}`)).toBeNull();
    // A draft can be scheduled, not unscheduled.
    expect(await post.getByRole('button', { name: 'Unschedule' }).count()).toBe(0);

    await post.getByRole('button', { name: 'Schedule', exact: true }).click();
    const scheduleForm = post.getByRole('form', { name: 'Schedule' });
    const when = await fillTime(scheduleForm, new Date(Date.now() + 3 * 3_600_000));
    await scheduleForm.getByRole('button', { name: 'Schedule post' }).click();
    await post.getByRole('status').filter({ hasText: 'Scheduled' }).waitFor();
    expect(await post.locator('time').first().getAttribute('datetime')).toBe(when.toISOString());
    expect((await findJob(t.db, `publish:${draft.id}`))?.run_at).toEqual(when);

    await post.getByRole('button', { name: 'Unschedule' }).click();
    await post.getByRole('status').filter({ hasText: 'Draft' }).waitFor();
    expect((await targetOf(caption)).status).toBe('draft');
    expect(await findJob(t.db, `publish:${draft.id}`)).toBeNull();
    await post.getByRole('button', { name: 'Schedule', exact: true }).waitFor();
  }, 60_000);

  it('says what to check on an unconfirmed target and marks it published with its link', async ({
    onTestFailed,
  }) => {
    onTestFailed(() => console.log([herald.output(), '--- browser ---', ...browserLog].join('\n')));
    const compose = page.getByRole('form', { name: 'New post' });
    const caption = `Unconfirmed ${Date.now().toString(36)}: did it go out?`;
    await compose.getByLabel('Caption').fill(caption);
    await compose.getByRole('checkbox', { name: ACCOUNT.handle, exact: false }).check();
    await fillTime(compose, new Date(Date.now() + 3_600_000));
    await compose.getByRole('button', { name: 'Schedule post' }).click();
    const post = page.getByRole('article').filter({ hasText: caption });
    await post.getByRole('status').filter({ hasText: 'Scheduled' }).waitFor();

    // What the engine leaves when neither the platform's answer nor reconcile can tell
    // (services/publishing/settle.ts): the target unconfirmed, its attempt on record.
    const target = await targetOf(caption);
    const attemptAt = new Date('2030-05-01T18:02:00Z'); // 14:02 in New York
    await t.db.$transaction([
      t.db.postTarget.update({
        where: { id: target.id },
        data: {
          status: 'unconfirmed',
          attemptCount: 1,
          lastError: 'Facebook did not answer, and its recent posts could not be read.',
        },
      }),
      t.db.publishAttempt.create({
        data: {
          organizationId: target.organizationId,
          targetId: target.id,
          attemptNumber: 1,
          outcome: 'ambiguous',
          startedAt: attemptAt,
        },
      }),
    ]);

    // The list polls: the card shows the state, the advice and the buttons that apply.
    await post.getByRole('status').filter({ hasText: 'Needs check' }).waitFor();
    await post
      .getByText(
        `Open ${ACCOUNT.handle} on Facebook and look for the post around 2030-05-01 14:02 (${CLIENT.timezone}): if it is there, mark it published with its link; if not, retry it.`,
      )
      .waitFor();
    expect(await post.locator('.target-actions').getByRole('button').allInnerTexts()).toEqual([
      'Retry',
      'Mark as published',
      'Mark as failed',
    ]);

    await mkdir(screenshots, { recursive: true });
    await page.screenshot({ path: path.join(screenshots, 'needs-check.png'), fullPage: true });

    // Marking it failed asks first; going back changes nothing.
    await post.getByRole('button', { name: 'Mark as failed' }).click();
    const asking = page.getByRole('dialog', { name: 'Mark as failed' });
    await asking.getByText(/^Mark it failed\?/).waitFor();
    await asking.getByRole('button', { name: 'No, go back' }).click();
    await asking.waitFor({ state: 'hidden' });

    await post.getByRole('button', { name: 'Mark as published' }).click();
    const form = post.getByRole('form', { name: 'Mark as published' });
    const link = form.getByLabel('Link to the post on Facebook');
    await link.fill('facebook.com/somewhere');
    await form.getByRole('button', { name: 'Mark as published' }).click();
    await form
      .getByText('Give the link to the post on the platform, starting with https://.')
      .waitFor();
    expect((await targetOf(caption)).status).toBe('unconfirmed');

    const url = `https://www.facebook.com/${ACCOUNT.externalId}_987654321`;
    await link.fill(url);
    await form.getByRole('button', { name: 'Mark as published' }).click();
    await post.getByRole('status').filter({ hasText: 'Published' }).waitFor();
    expect(await post.getByRole('link', { name: 'View post' }).getAttribute('href')).toBe(url);
    expect(await targetOf(caption)).toMatchObject({ status: 'published', externalUrl: url });
    expect(await post.getByRole('button', { name: 'Retry' }).count()).toBe(0);
  }, 60_000);
});
