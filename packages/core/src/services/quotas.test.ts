// Quotas against a real database: a target over its account's cap is deferred to the moment
// the window allows (no platform call, no attempt spent, a notification), and the forecast
// counts what was published and what is scheduled, for the actor's organization only.
import {
  createAgency,
  createTestDatabase,
  findJob,
  TEST_TOKEN_KEY,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLATFORM_RULES } from '../domain/platform-rules.ts';
import type { PlatformAdapter } from '../providers/types.ts';
import { actorOf, addReadyImage, scheduleOneTarget, startMediaServer } from '../testing.ts';
import { NotFoundError } from './errors.ts';
import { publishJobKey } from './publish-job.ts';
import { publishTarget } from './publishing/index.ts';
import { accountQuotaForecast } from './quotas.ts';

describe('quotas', () => {
  let t: TestDatabase;
  let media: Awaited<ReturnType<typeof startMediaServer>>;
  let photo: string;
  let agency: AgencyFixture;
  let other: AgencyFixture;
  const now = new Date('2030-06-10T12:00:00.000Z');
  let calls = 0;
  const adapter: PlatformAdapter = {
    platform: 'instagram',
    rules: PLATFORM_RULES.instagram,
    publish: () => {
      calls++;
      return Promise.resolve({ externalId: 'ig_1', url: 'https://instagram.test/p/1' });
    },
    reconcile: () => Promise.resolve({ status: 'not_published' }),
  };

  beforeAll(async () => {
    t = await createTestDatabase();
    agency = await createAgency(t.db, { timezone: 'UTC' });
    other = await createAgency(t.db);
    await t.db.socialAccount.update({
      where: { id: agency.accounts[0]!.id },
      data: { platform: 'instagram' },
    });
    // Instagram takes no post without media.
    media = await startMediaServer();
    photo = await addReadyImage(t.db, media.storage, agency);
  });
  afterAll(async () => {
    await media.close();
    await t.drop();
  });

  /** `n` attempts that reached Instagram, one a minute from `first`. */
  async function published(n: number, first: Date) {
    const { targetId } = await scheduleOneTarget(t.db, agency, {
      mediaIds: [photo],
      caption: 'Earlier',
      now: first,
    });
    for (let i = 0; i < n; i++) {
      await t.db.publishAttempt.create({
        data: {
          organizationId: agency.organizationId,
          targetId,
          attemptNumber: i + 1,
          outcome: i % 2 ? 'succeeded' : 'ambiguous',
          startedAt: new Date(first.getTime() + i * 60_000),
        },
      });
    }
    // Refused and never-sent attempts do not count.
    await t.db.publishAttempt.create({
      data: {
        organizationId: agency.organizationId,
        targetId,
        attemptNumber: n + 1,
        outcome: 'permanent',
        startedAt: first,
      },
    });
  }

  it('defers a target over the cap to when the window allows, without a call or a spent attempt', async () => {
    const first = new Date(now.getTime() - 20 * 3_600_000);
    await published(25, first);
    const { targetId } = await scheduleOneTarget(t.db, agency, {
      mediaIds: [photo],
      caption: 'One too many',
      now: new Date(now.getTime() - 3_600_000),
      scheduledFor: now,
    });
    const result = await publishTarget(
      { db: t.db, adapterFor: () => adapter, tokenKey: TEST_TOKEN_KEY, now: () => now },
      targetId,
    );
    const at = new Date(first.getTime() + 24 * 3_600_000);
    expect(result).toMatchObject({ outcome: 'deferred', at });
    expect(calls).toBe(0);
    expect(await t.db.postTarget.findUniqueOrThrow({ where: { id: targetId } })).toMatchObject({
      status: 'scheduled',
      attemptCount: 0,
      nextAttemptAt: at,
    });
    expect((await findJob(t.db, publishJobKey(targetId)))?.run_at).toEqual(at);
    const [attempt] = await t.db.publishAttempt.findMany({ where: { targetId } });
    expect(attempt).toMatchObject({ outcome: 'rate_limited', platformCode: 'quota' });
    const notification = await t.db.notification.findFirstOrThrow({
      where: { organizationId: agency.organizationId, kind: 'publish_deferred' },
    });
    expect(notification.body).toMatch(
      /^Instagram allows 25 posts per 24 hours on .+; the next one can go out at 2030-06-10 16:00 UTC/,
    );

    // When the window allows, it goes out.
    const later = await publishTarget(
      {
        db: t.db,
        adapterFor: () => adapter,
        tokenKey: TEST_TOKEN_KEY,
        now: () => at,
        storage: media.storage,
      },
      targetId,
    );
    expect(later.outcome).toBe('published');
    expect(calls).toBe(1);
  });

  it("defers on the platform's own count when the adapter can ask for it", async () => {
    const { targetId } = await scheduleOneTarget(t.db, agency, {
      mediaIds: [photo],
      caption: 'Counted by Instagram',
      now: new Date(now.getTime() - 3_600_000),
      scheduledFor: new Date(now.getTime() + 8 * 3_600_000),
    });
    const due = new Date(now.getTime() + 8 * 3_600_000);
    const asking: PlatformAdapter = {
      ...adapter,
      quotaUsage: () => Promise.resolve({ used: 50, cap: 50, durationMs: 24 * 3_600_000 }),
    };
    const result = await publishTarget(
      { db: t.db, adapterFor: () => asking, tokenKey: TEST_TOKEN_KEY, now: () => due },
      targetId,
    );
    // It counts 50 of 50; the only one we can name in its window is the post at 16:00, so the
    // slot opens when that one leaves.
    expect(result).toMatchObject({ outcome: 'deferred', at: new Date('2030-06-11T16:00:00.000Z') });
    await t.db.postTarget.update({ where: { id: targetId }, data: { status: 'cancelled' } });
  });

  it("forecasts the day's room from what counts and what is scheduled", async () => {
    const actor = actorOf(agency);
    // What counts by then: the post published at 2030-06-10 16:00 (the 25 of the day before
    // have left the window) and 2 scheduled at 09:00 and 10:00.
    for (const hour of [9, 10]) {
      await scheduleOneTarget(t.db, agency, {
        mediaIds: [photo],
        caption: `Tomorrow ${hour}`,
        now,
        scheduledFor: new Date(`2030-06-11T${String(hour).padStart(2, '0')}:00:00.000Z`),
      });
    }
    const forecast = await accountQuotaForecast(
      t.db,
      actor,
      { accountId: agency.accounts[0]!.id, day: '2030-06-11' },
      now,
    );
    expect(forecast).toMatchObject({
      day: '2030-06-11',
      timeZone: 'UTC',
      limits: ['25 posts per 24 hours'],
    });
    // 22 fit from midnight without pushing the 10:00 post over 25 in 24 hours; one more once
    // the 16:00 post leaves the window.
    expect(forecast.remaining).toBe(23);
  });

  it("answers NotFound for another organization's account", async () => {
    await expect(
      accountQuotaForecast(
        t.db,
        actorOf(other),
        { accountId: agency.accounts[0]!.id, day: '2030-06-11' },
        now,
      ),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});
