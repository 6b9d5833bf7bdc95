// The admin queue page in a real browser: an agency member gets the ordinary 404; platform
// staff see a failed job and replay it, giving a reason the audit log keeps.
import { schedulePost } from '@herald/core';
import { DEMO_LOGIN } from '@herald/db/seed';
import { findJob } from '@herald/db/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchChromium,
  newWatchedPage,
  signInAsDemo,
  startHerald,
  type Herald,
} from './support/herald.ts';

describe('the admin queue page', () => {
  let herald: Herald;
  let browser: Browser;
  let page: Page;
  let jobId: string;

  beforeAll(async () => {
    herald = await startHerald({ webEnv: { SESSION_COOKIE_SECURE: 'false' } });
    const db = herald.t.db;
    const member = await db.member.findFirstOrThrow({
      where: { user: { email: DEMO_LOGIN.email } },
    });
    const account = await db.socialAccount.findFirstOrThrow({
      where: { organizationId: member.organizationId },
    });
    const post = await schedulePost(
      db,
      { userId: member.userId, organizationId: member.organizationId, role: member.role },
      {
        clientId: account.clientId,
        caption: 'A job that failed',
        accountIds: [account.id],
        scheduledFor: new Date(Date.now() + 3_600_000),
      },
    );
    jobId = (await findJob(db, `publish:${post.targets[0]!.id}`))!.id;
    await db.$executeRaw`UPDATE graphile_worker._private_jobs
      SET attempts = 3, last_error = 'Injected for the admin test'
      WHERE id = ${jobId}::bigint`;
    browser = await launchChromium();
    ({ page } = await newWatchedPage(browser));
    await signInAsDemo(page, herald.url);
  });
  afterAll(async () => {
    await browser?.close();
    await herald?.stop();
  });

  it('is a 404 for an agency member, however senior', async () => {
    const response = await page.goto(`${herald.url}/admin/queue`);
    expect(response?.status()).toBe(404);
    await expect(
      page.getByRole('heading', { name: 'Queue (platform staff)' }).count(),
    ).resolves.toBe(0);
  });

  it('lets platform staff replay a failed job, with a reason for the audit log', async () => {
    await herald.t.db.user.update({
      where: { email: DEMO_LOGIN.email },
      data: { isPlatformStaff: true },
    });
    const response = await page.goto(`${herald.url}/admin/queue`);
    expect(response?.status()).toBe(200);
    const job = page.getByRole('listitem', { name: `Job ${jobId}` });
    await job.getByText('Injected for the admin test').waitFor();
    await job.getByRole('button', { name: 'Replay now' }).click();
    const form = page.getByRole('form', { name: `Replay now: job ${jobId}` });
    await form.getByLabel('Why? (kept in the audit log)').fill('The platform is back up');
    await form.getByRole('button', { name: 'Replay now' }).click();
    await page
      .getByRole('list', { name: 'Audit log' })
      .getByText(/replay_job job .* “The platform is back up”/)
      .waitFor();
    const [row] = await herald.t.db.$queryRaw<{ attempts: number }[]>`
      SELECT attempts FROM graphile_worker._private_jobs WHERE id = ${jobId}::bigint`;
    expect(row?.attempts).toBe(0);
    expect(
      await herald.t.db.adminAuditEvent.count({
        where: { subjectId: jobId, action: 'replay_job', reason: 'The platform is back up' },
      }),
    ).toBe(1);
  });
});
