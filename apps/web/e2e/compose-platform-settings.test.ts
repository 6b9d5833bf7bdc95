// Per-platform settings in a real browser: a vertical video uploaded in the composer (the real
// worker processes it), Fjord Outdoor's TikTok account chosen, the privacy options TikTok's
// creator_info gives that account offered (none chosen for the person), one chosen, published
// now, and the sandbox's TikTok shows the video with the privacy level chosen.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { toZonedLocal } from '@herald/core/domain';
import { DEMO_CLIENTS, DEMO_LOGIN } from '@herald/db/seed';
import { countQueuedJobs, waitFor, type TestDatabase } from '@herald/db/testing';
import type { Sandbox } from '@herald/sandbox';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, newWatchedPage, startHerald, type Herald } from './support/herald.ts';

const CLIENT = DEMO_CLIENTS.find((c) => c.name === 'Fjord Outdoor')!;
const TIKTOK = CLIENT.others.find((a) => a.platform === 'tiktok')!;
const YOUTUBE = CLIENT.others.find((a) => a.platform === 'youtube')!;

/** Eleven seconds of 9:16 colour bars: a real MP4 TikTok's rules take. */
async function verticalClip(): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'herald-e2e-clip-'));
  try {
    const file = join(dir, 'clip.mp4');
    await promisify(execFile)('/usr/bin/ffmpeg', [
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=180x320:rate=10',
      '-t',
      '11',
      '-pix_fmt',
      'yuv420p',
      '-y',
      file,
    ]);
    return await readFile(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('platform settings in the composer', () => {
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

  /** The client's page with its composer hydrated, the clip uploaded and processed. */
  async function composeWithClip() {
    await page.goto(herald.url);
    await page
      .getByRole('navigation', { name: 'Clients' })
      .getByRole('link', { name: CLIENT.name })
      .click();
    await page.getByRole('heading', { level: 1, name: CLIENT.name }).waitFor();
    const compose = page.getByRole('form', { name: 'New post' });
    await compose.getByText(/^Your time:|^That is your local time too/).waitFor(); // hydrated
    await compose
      .getByTestId('media-file-input')
      .setInputFiles([{ name: 'fjord.mp4', mimeType: 'video/mp4', buffer: await verticalClip() }]);
    const chosen = compose.getByRole('list', { name: 'Media in this post' });
    await chosen.getByText('180×320').waitFor({ timeout: 60_000 });
    return compose;
  }

  /** Publishes now: the date and time of this moment in the client's timezone. */
  async function publishNow(compose: ReturnType<Page['getByRole']>) {
    const local = toZonedLocal(new Date(), CLIENT.timezone);
    await compose.getByLabel('Date').fill(local.slice(0, 10));
    await compose.getByLabel('Time').fill(local.slice(11, 19));
    await compose.getByRole('button', { name: 'Schedule post' }).click();
    await compose.getByRole('status').filter({ hasText: 'Publishing now.' }).waitFor();
  }

  it('publishes a TikTok video at the privacy level chosen from creator_info', async ({
    onTestFailed,
  }) => {
    onTestFailed(() => console.log([herald.output(), '--- browser ---', ...browserLog].join('\n')));
    await page.goto(`${herald.url}/login`);
    await page.getByLabel('Email').fill(DEMO_LOGIN.email);
    await page.getByLabel('Password').fill(DEMO_LOGIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Clients' }).waitFor();
    const compose = await composeWithClip();
    const caption = `TikTok E2E ${Date.now().toString(36)} paddling the fjord #kayak`;
    await compose.getByLabel('Caption').fill(caption);

    await compose.getByRole('checkbox', { name: `TikTok ${TIKTOK.handle}` }).check();
    // TikTok's own tab: its settings and a preview as its feed shows the post.
    await compose.getByRole('tab', { name: 'TikTok' }).click();
    await compose
      .getByRole('figure', { name: 'Preview on TikTok' })
      .getByText('#kayak', { exact: true })
      .waitFor();
    const settings = compose.getByRole('group', { name: `TikTok settings for ${TIKTOK.handle}` });
    // The options creator_info gives this creator, none of them chosen.
    const privacy = settings.getByRole('radiogroup', { name: /Who can see this video/ });
    await privacy.waitFor({ timeout: 30_000 });
    const options = privacy.getByRole('radio');
    expect(await options.count()).toBe(4);
    for (const name of ['Everyone', 'Friends', 'Followers', 'Only me']) {
      expect(await privacy.getByRole('radio', { name }).isChecked()).toBe(false);
    }
    await settings
      .getByText('Posting as Fjord Outdoor (@fjordoutdoor)', { exact: false })
      .waitFor();

    // Scheduling waits for the creator's choice, and says so beside the settings.
    await compose.getByRole('button', { name: 'Schedule post' }).click();
    await settings
      .getByRole('alert')
      .filter({ hasText: /choose who can see this video/ })
      .waitFor();
    expect(await t.db.post.count({ where: { caption } })).toBe(0);

    await privacy.getByRole('radio', { name: 'Followers' }).check();
    await expect.poll(() => settings.getByRole('alert').count(), { timeout: 5_000 }).toBe(0);
    await compose.getByRole('button', { name: 'Publish now' }).click();
    await compose.getByRole('status').filter({ hasText: 'Publishing now.' }).waitFor();

    const target = await t.db.postTarget.findFirstOrThrow({
      where: { post: { caption } },
      select: { settings: true },
    });
    expect(target.settings).toEqual({ privacyLevel: 'FOLLOWER_OF_CREATOR' });
    const post = page.getByRole('article').filter({ hasText: caption });
    await post.getByRole('status').filter({ hasText: 'Published' }).waitFor({ timeout: 90_000 });
    await waitFor('the queue to drain', async () => (await countQueuedJobs(t.db)) === 0, 20_000);
    expect(
      sandbox.posts().filter((p) => p.platform === 'tiktok' && p.message === caption),
    ).toHaveLength(1);

    // The sandbox's page lists the video under TikTok and the creator.
    await page.goto(`${sandbox.url}/`);
    const row = page.locator('#platform-tiktok').getByRole('row').filter({ hasText: caption });
    await row.waitFor();
    expect(await row.count()).toBe(1);
    // And TikTok stored the privacy level the person chose.
    await page.goBack();
    const href = await page
      .getByRole('article')
      .filter({ hasText: caption })
      .getByRole('link', { name: 'View post' })
      .getAttribute('href');
    await page.goto(href!);
    await page.getByText(/· FOLLOWER_OF_CREATOR ·/).waitFor();
  }, 240_000);

  it('publishes a YouTube Short with the title and tags set in the composer', async ({
    onTestFailed,
  }) => {
    onTestFailed(() => console.log([herald.output(), '--- browser ---', ...browserLog].join('\n')));
    const compose = await composeWithClip();
    const caption = `YouTube E2E ${Date.now().toString(36)} a morning on the water`;
    await compose.getByLabel('Caption').fill(caption);
    await compose.getByRole('checkbox', { name: `YouTube ${YOUTUBE.handle}` }).check();
    await compose.getByRole('tab', { name: 'YouTube' }).click();
    const settings = compose.getByRole('group', { name: `YouTube settings for ${YOUTUBE.handle}` });
    await settings.getByText('Short', { exact: true }).click();
    await settings.getByLabel('Title', { exact: true }).fill('Paddling <the> fjord');
    await settings
      .getByRole('alert')
      .filter({ hasText: /may not contain < or >/ })
      .waitFor();
    await settings.getByLabel('Title', { exact: true }).fill('Paddling the fjord at dawn');
    await settings.getByLabel('Tags').fill('kayak');
    await settings.getByLabel('Tags').press('Enter');
    await publishNow(compose);

    const target = await t.db.postTarget.findFirstOrThrow({
      where: { post: { caption } },
      select: { settings: true },
    });
    expect(target.settings).toEqual({
      postType: 'short',
      title: 'Paddling the fjord at dawn',
      tags: ['kayak'],
    });
    const post = page.getByRole('article').filter({ hasText: caption });
    await post.getByRole('status').filter({ hasText: 'Published' }).waitFor({ timeout: 90_000 });
    // A Short's description is the caption with #Shorts at its end (providers/youtube/metadata.ts).
    const received = sandbox.posts().filter((p) => p.platform === 'youtube');
    expect(received.map((p) => [p.title, p.message])).toEqual([
      ['Paddling the fjord at dawn', `${caption}\n\n#Shorts`],
    ]);
  }, 240_000);
});
