// The publish hot path's SQL against real Postgres through a real pg pool: it starts only a
// due, scheduled target on a usable account, only once under concurrent claims, and settles
// only while the target is still the attempt's.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimDueTarget, settleTargetPublished, type ClaimRules } from './publishing.ts';
import {
  createAgency,
  createTestDatabase,
  type AgencyFixture,
  type TestDatabase,
} from './testing/index.ts';

const RULES: ClaimRules = {
  from: 'scheduled',
  to: 'publishing',
  usableAccountStatuses: ['active', 'expiring'],
  earlyToleranceMs: 5_000,
};

describe('the publish hot path', () => {
  let t: TestDatabase;
  let pool: pg.Pool;
  let agency: AgencyFixture;
  const now = new Date('2030-05-01T10:00:00.000Z');

  beforeAll(async () => {
    t = await createTestDatabase();
    pool = new pg.Pool({ connectionString: t.url, max: 4 });
    agency = await createAgency(t.db);
  });
  afterAll(async () => {
    await pool.end();
    await t.drop();
  });

  async function target(caption: string, scheduledFor: Date, settings: object = {}) {
    const post = await t.db.post.create({
      data: { organizationId: agency.organizationId, clientId: agency.clientId, caption },
    });
    return t.db.postTarget.create({
      data: {
        organizationId: agency.organizationId,
        postId: post.id,
        socialAccountId: agency.accounts[0]!.id,
        scheduledFor,
        scheduledTimezone: 'UTC',
        settings,
      },
    });
  }

  it('starts a due target once, however many claim it at the same time', async () => {
    const { id } = await target('Claimed once', new Date(now.getTime() - 1_500), {
      postType: 'story',
    });
    const claims = await Promise.all(
      Array.from({ length: 4 }, () => claimDueTarget(pool, id, now, RULES)),
    );
    const won = claims.filter((c) => c !== null);
    expect(won).toHaveLength(1);
    expect(won[0]).toMatchObject({
      targetId: id,
      attemptCount: 1,
      latenessMs: 1_500,
      caption: 'Claimed once',
      platform: 'facebook',
      accountExternalId: agency.accounts[0]!.externalId,
      // The settings come with the claim: no second statement to read them.
      settings: { postType: 'story' },
    });
    expect(await t.db.publishAttempt.count({ where: { targetId: id } })).toBe(1);
    expect((await t.db.postTarget.findUniqueOrThrow({ where: { id } })).status).toBe('publishing');
  });

  it('leaves a target that is not due yet, or whose account needs a person', async () => {
    const later = await target('Not yet', new Date(now.getTime() + 60_000));
    expect(await claimDueTarget(pool, later.id, now, RULES)).toBeNull();
    const held = await target('Account gone', now);
    await t.db.socialAccount.update({
      where: { id: agency.accounts[0]!.id },
      data: { status: 'needs_action' },
    });
    expect(await claimDueTarget(pool, held.id, now, RULES)).toBeNull();
    await t.db.socialAccount.update({
      where: { id: agency.accounts[0]!.id },
      data: { status: 'active' },
    });
    expect((await t.db.postTarget.findUniqueOrThrow({ where: { id: held.id } })).status).toBe(
      'scheduled',
    );
  });

  it('settles only while the target is still on the attempt, recording the attempt either way', async () => {
    const { id } = await target('Settled', now);
    const claim = (await claimDueTarget(pool, id, now, RULES))!;
    const settle = (attemptCount: number) =>
      settleTargetPublished(pool, {
        targetId: id,
        attemptId: claim.attemptId,
        attemptCount,
        from: ['publishing', 'reconciling'],
        to: 'published',
        externalId: 'fb_1',
        url: 'https://facebook.test/fb_1',
        now,
        activity: { externalId: 'fb_1' },
      });
    expect(await settle(2)).toBe(false);
    expect(
      await t.db.publishAttempt.findUniqueOrThrow({ where: { id: claim.attemptId } }),
    ).toMatchObject({ outcome: 'succeeded', externalId: 'fb_1' });
    expect((await t.db.postTarget.findUniqueOrThrow({ where: { id } })).status).toBe('publishing');
    expect(await settle(1)).toBe(true);
    expect(await t.db.postTarget.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: 'published',
      externalId: 'fb_1',
      externalUrl: 'https://facebook.test/fb_1',
      publishedAt: now,
    });
    expect(
      await t.db.activityEvent.count({ where: { subjectId: id, action: 'target.published' } }),
    ).toBe(1);
  });
});
