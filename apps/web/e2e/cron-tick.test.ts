// POST /api/cron/tick against the built web server, a real database and the sandbox: only the
// right X-Cron-Secret runs anything, and a right one publishes what is due and says so.
import { schedulePost } from '@herald/core';
import { DEMO_LOGIN } from '@herald/db/seed';
import { makePostDue } from '@herald/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHerald, type Herald } from './support/herald.ts';

const SECRET = 'cron-secret-for-the-e2e-test';

describe('POST /api/cron/tick', () => {
  let herald: Herald;
  let postId: string;
  let targetId: string;

  beforeAll(async () => {
    herald = await startHerald({ webEnv: { CRON_SECRET: SECRET, CRON_TICK_BUDGET_MS: '20000' } });
    const member = await herald.t.db.member.findFirstOrThrow({
      where: { user: { email: DEMO_LOGIN.email } },
      include: { organization: true },
    });
    const account = await herald.t.db.socialAccount.findFirstOrThrow({
      where: { organizationId: member.organizationId },
    });
    const post = await schedulePost(
      herald.t.db,
      { userId: member.userId, organizationId: member.organizationId, role: member.role },
      {
        clientId: account.clientId,
        caption: 'Published by a cron tick',
        accountIds: [account.id],
        scheduledFor: new Date(Date.now() + 3_600_000),
      },
    );
    postId = post.id;
    targetId = post.targets[0]!.id;
    await makePostDue(herald.t.db, postId, new Date());
  });
  afterAll(() => herald?.stop());

  const tick = (headers: Record<string, string>, method = 'POST') =>
    fetch(`${herald.url}/api/cron/tick`, { method, headers });
  const status = async () =>
    (await herald.t.db.postTarget.findUniqueOrThrow({ where: { id: targetId } })).status;

  it.each([
    ['a wrong secret', { 'x-cron-secret': 'not-the-secret-at-all' }],
    ['a prefix of the secret', { 'x-cron-secret': SECRET.slice(0, -1) }],
    ['no secret', {}],
  ])('answers 401 to %s, and runs nothing', async (_, headers) => {
    const response = await tick(headers);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'A valid X-Cron-Secret header is required.' });
    expect(await status()).toBe('scheduled');
  });

  it('answers 405 to a GET', async () => {
    expect((await tick({ 'x-cron-secret': SECRET }, 'GET')).status).toBe(405);
  });

  it('runs the due job with the right secret, and counts what happened', async () => {
    const response = await tick({ 'x-cron-secret': SECRET });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      ran: 1,
      succeeded: 1,
      failed: 0,
      budgetSpent: false,
      stillDue: 0,
      outcomes: { published: 1 },
    });
    expect(await status()).toBe('published');
    expect(
      herald.sandbox.posts().filter((p) => p.message === 'Published by a cron tick'),
    ).toHaveLength(1);
  });
});

describe('POST /api/cron/tick without a configured secret', () => {
  let herald: Herald;
  beforeAll(async () => {
    herald = await startHerald();
  });
  afterAll(() => herald?.stop());

  it('refuses every call, even one that sends an empty secret', async () => {
    const attempts: Record<string, string>[] = [{}, { 'x-cron-secret': '' }];
    for (const headers of attempts) {
      const response = await fetch(`${herald.url}/api/cron/tick`, { method: 'POST', headers });
      expect(response.status).toBe(401);
    }
  });
});
