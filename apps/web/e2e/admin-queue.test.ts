// The admin queue page in a real browser: a signed-out visitor and an agency owner get the
// ordinary 404; the seeded platform staff member sees a failed job and replays it, giving a
// reason the audit log keeps.
import { schedulePost } from '@herald/core';
import { DEMO_LOGIN, STAFF_LOGIN } from '@herald/db/seed';
import { findJob } from '@herald/db/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchChromium,
  newWatchedPage,
  signIn,
  signInAsDemo,
  startHerald,
  type Herald,
} from './support/herald.ts';

describe('the admin queue page', () => {
  let herald: Herald;
  let browser: Browser;
  let jobId: string;
  const pages: { page: Page; log: string[] }[] = [];

  async function freshPage() {
    const watched = await newWatchedPage(browser);
    pages.push(watched);
    return watched.page;
  }

  async function expectOrdinary404(page: Page) {
    const response = await page.goto(`${herald.url}/admin/queue`);
    expect(response?.status()).toBe(404);
    expect(page.url()).toBe(`${herald.url}/admin/queue`);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Queue (platform staff)' }).count()).toBe(0);
  }

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
  });
  afterAll(async () => {
    await browser?.close();
    await herald?.stop();
  });

  it('is the ordinary 404 for a signed-out visitor, not a sign-in page', async () => {
    await expectOrdinary404(await freshPage());
  });

  it('is the ordinary 404 for an agency owner', async () => {
    const page = await freshPage();
    await signInAsDemo(page, herald.url);
    await expectOrdinary404(page);
    const unknown = await page.goto(`${herald.url}/admin/nothing-here`);
    expect(unknown?.status()).toBe(404);
  });

  it('lets platform staff replay a failed job, with a reason for the audit log', async () => {
    const page = await freshPage();
    await signIn(page, herald.url, STAFF_LOGIN);
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
      .getByText(`replay_job job ${jobId} · “The platform is back up”`, { exact: false })
      .waitFor();
    const [row] = await herald.t.db.$queryRaw<{ attempts: number; run_at: Date }[]>`
      SELECT attempts, run_at FROM graphile_worker._private_jobs WHERE id = ${jobId}::bigint`;
    expect(row?.attempts).toBe(0);
    expect(row!.run_at.getTime()).toBeLessThanOrEqual(Date.now());
    expect(
      await herald.t.db.adminAuditEvent.findMany({
        where: { subjectId: jobId },
        select: { action: true, reason: true, actor: { select: { email: true } } },
      }),
    ).toEqual([
      {
        action: 'replay_job',
        reason: 'The platform is back up',
        actor: { email: STAFF_LOGIN.email },
      },
    ]);
    // Replayed with a fresh budget: it is no longer among the failed jobs.
    await job.waitFor({ state: 'detached' });
    expect(pages.at(-1)!.log).toEqual([]);
  });
});
