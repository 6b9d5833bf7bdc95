// Media in a real browser: drop a photo into the composer (it goes straight to storage with a
// progress bar, the worker processes it), schedule it for the sandbox Facebook Page, and see the
// sandbox's own page show the photo it fetched from Herald's signed URL. A file that lies about
// being a picture is refused with the sentence, beside it.
import { DEMO_CLIENTS, DEMO_LOGIN } from '@herald/db/seed';
import { countQueuedJobs, makePostDue, waitFor, type TestDatabase } from '@herald/db/testing';
import { toZonedLocal } from '@herald/core/domain';
import type { Sandbox } from '@herald/sandbox';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, newWatchedPage, startHerald, type Herald } from './support/herald.ts';

const CLIENT = DEMO_CLIENTS.find((c) => c.name === 'Northwind Coffee')!;
const ACCOUNT = CLIENT.pages[0];

describe('media in the composer', () => {
  let herald: Herald;
  let t: TestDatabase;
  let sandbox: Sandbox;
  let browser: Browser;
  let page: Page;
  let browserLog: string[];

  beforeAll(async () => {
    herald = await startHerald({ worker: true, webEnv: { SESSION_COOKIE_SECURE: 'false' } });
    ({ t, sandbox } = herald);
    browser = await launchChromium();
    ({ page, log: browserLog } = await newWatchedPage(browser));
  });
  afterAll(async () => {
    await browser?.close();
    await herald?.stop();
  });

  it('uploads a photo, schedules it, and the sandbox Page shows the photo post', async ({
    onTestFailed,
  }) => {
    onTestFailed(() => console.log([herald.output(), '--- browser ---', ...browserLog].join('\n')));
    await page.goto(`${herald.url}/login`);
    await page.getByLabel('Email').fill(DEMO_LOGIN.email);
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
    await compose.getByText(/^Your time:/).waitFor(); // hydrated

    const photo = await sharp({
      create: { width: 1600, height: 1200, channels: 3, background: '#c0392b' },
    })
      .jpeg()
      .toBuffer();
    const input = compose.getByTestId('media-file-input');
    await input.setInputFiles([
      { name: 'roastery.jpg', mimeType: 'image/jpeg', buffer: photo },
      // Text dressed as a JPEG: accepted before upload (its name and type agree), refused after.
      {
        name: 'liar.jpg',
        mimeType: 'image/jpeg',
        buffer: Buffer.from('not a picture\n'.repeat(50)),
      },
    ]);
    const chosen = compose.getByRole('list', { name: 'Media in this post' });
    // Processed by the worker: the composer shows the shape it found.
    await chosen.getByText('1600×1200').waitFor({ timeout: 30_000 });
    const liar = chosen.getByRole('listitem').filter({ hasText: 'liar.jpg' });
    await liar.getByText(/says it is a JPEG image/i).waitFor({ timeout: 30_000 });
    await liar.getByRole('button', { name: 'Remove' }).click();
    await compose.getByRole('checkbox', { name: ACCOUNT.handle, exact: false }).check();

    const caption = `Media E2E ${Date.now().toString(36)} roastery tour`;
    await compose.getByLabel('Caption').fill(caption);
    const local = toZonedLocal(new Date(Date.now() + 3_600_000), CLIENT.timezone);
    await compose.getByLabel('Date').fill(local.slice(0, 10));
    await compose.getByLabel('Time').fill(local.slice(11, 19));
    await compose.getByRole('button', { name: 'Schedule post' }).click();

    const post = page.getByRole('article').filter({ hasText: caption });
    await post.getByText('1 file: roastery.jpg').waitFor();
    const { id: postId } = await t.db.post.findFirstOrThrow({ where: { caption } });
    expect(await makePostDue(t.db, postId, new Date())).toBe(1);
    await post.getByRole('status').filter({ hasText: 'Published' }).waitFor({ timeout: 30_000 });
    await waitFor('the queue to drain', async () => (await countQueuedJobs(t.db)) === 0, 10_000);

    const received = sandbox.posts().filter((p) => p.message === caption);
    expect(received).toHaveLength(1);
    expect(received[0]!.media?.map((m) => m.kind)).toEqual(['image']);

    // The sandbox's page for the post shows the photo it fetched from Herald.
    const href = await post.getByRole('link', { name: 'View post' }).getAttribute('href');
    await page.goto(href!);
    const image = page.locator('img').first();
    await image.waitFor();
    expect(
      await image.evaluate((img: HTMLImageElement) =>
        img.complete ? [img.naturalWidth, img.naturalHeight] : null,
      ),
    ).toEqual([1600, 1200]);

    // The library lists both uploads; the refused one says why.
    await page.goBack();
    const library = page.getByRole('region', { name: 'Media library' });
    await library.getByText('roastery.jpg', { exact: true }).waitFor();
    await library.getByText('liar.jpg', { exact: true }).waitFor();
    await library.getByText(/“liar.jpg” says it is a JPEG image/).waitFor();
  }, 120_000);
});
