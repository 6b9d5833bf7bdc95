import {
  createAgency,
  createTestDatabase,
  findJob,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf } from '../testing.ts';
import { captionExcerpt } from '../domain/caption-excerpt.ts';
import { listCalendarEntries, rescheduleFromCalendar } from './calendar.ts';
import { ForbiddenError, InvalidInputError, NotFoundError } from './errors.ts';
import { cancelPost, schedulePost } from './posts.ts';
import { publishJobKey } from './publish-job.ts';

const DAY = 86_400_000;

describe('the calendar', () => {
  let t: TestDatabase;
  let agency: AgencyFixture;
  let other: AgencyFixture;
  let secondClientId: string;
  const now = new Date('2026-12-01T12:00:00Z');
  const march = (d: number, h = 10) => new Date(Date.UTC(2027, 2, d, h));

  beforeAll(async () => {
    t = await createTestDatabase();
    agency = await createAgency(t.db, { pages: 2, timezone: 'America/New_York' });
    other = await createAgency(t.db);
    const actor = actorOf(agency);
    await schedulePost(
      t.db,
      actor,
      {
        clientId: agency.clientId,
        caption: 'Spring menu\n\nlaunch',
        accountIds: agency.accounts.map((a) => a.id),
        scheduledFor: march(10),
      },
      now,
    );
    const cancelled = await schedulePost(
      t.db,
      actor,
      {
        clientId: agency.clientId,
        caption: 'Cancelled one',
        accountIds: [agency.accounts[0]!.id],
        scheduledFor: march(12),
      },
      now,
    );
    await cancelPost(t.db, actor, { postId: cancelled.id });
    // Outside the range.
    await schedulePost(
      t.db,
      actor,
      {
        clientId: agency.clientId,
        caption: 'April fool',
        accountIds: [agency.accounts[0]!.id],
        scheduledFor: new Date(Date.UTC(2027, 3, 1, 10)),
      },
      now,
    );
    // A second client of the same organization, with its own page.
    const client = await t.db.client.create({
      data: { organizationId: agency.organizationId, name: 'Second', timezone: 'Asia/Tokyo' },
    });
    secondClientId = client.id;
    const account = await t.db.socialAccount.create({
      data: {
        organizationId: agency.organizationId,
        clientId: client.id,
        platform: 'x',
        externalId: 'x-second',
        handle: '@second',
        accessTokenEncrypted: 'unused',
      },
    });
    await schedulePost(
      t.db,
      actor,
      {
        clientId: client.id,
        caption: 'Konnichiwa',
        accountIds: [account.id],
        scheduledFor: march(11),
      },
      now,
    );
    // Another organization's post in the same month never shows.
    await schedulePost(
      t.db,
      actorOf(other),
      {
        clientId: other.clientId,
        caption: 'Not yours',
        accountIds: [other.accounts[0]!.id],
        scheduledFor: march(10),
      },
      now,
    );
  });
  afterAll(() => t.drop());

  const range = { from: march(1, 0), to: march(31, 0) };

  it('lists one entry per target of one client in the range, oldest first', async () => {
    const entries = await listCalendarEntries(t.db, actorOf(agency), {
      ...range,
      clientId: agency.clientId,
    });
    // Oldest first; the two accounts of one post share a time, so their order is the ids'.
    const rows = entries.map((e) => [e.captionExcerpt, e.account.handle, e.status]);
    expect([...rows.slice(0, 2)].sort()).toEqual(
      [
        ['Spring menu launch', agency.accounts[0]!.handle, 'scheduled'],
        ['Spring menu launch', agency.accounts[1]!.handle, 'scheduled'],
      ].sort(),
    );
    expect(rows[2]).toEqual(['Cancelled one', agency.accounts[0]!.handle, 'cancelled']);
    expect(entries[0]).toMatchObject({
      client: { id: agency.clientId, timezone: 'America/New_York' },
      scheduledFor: march(10),
      at: march(10),
      publishedAt: null,
    });
  });

  it("lists every client of the organization, and nobody else's", async () => {
    const entries = await listCalendarEntries(t.db, actorOf(agency), range);
    expect(entries.map((e) => e.client.name).sort()).toEqual(
      ['Second', ...Array(3).fill(entries[0]!.client.name)].sort(),
    );
    expect(entries.some((e) => e.captionExcerpt === 'Not yours')).toBe(false);
    await expect(
      listCalendarEntries(t.db, actorOf(agency), { ...range, clientId: other.clientId }),
    ).rejects.toThrow(NotFoundError);
  });

  it('filters by status, platform and account', async () => {
    const actor = actorOf(agency);
    const cancelled = await listCalendarEntries(t.db, actor, { ...range, statuses: ['cancelled'] });
    expect(cancelled.map((e) => e.captionExcerpt)).toEqual(['Cancelled one']);
    const onX = await listCalendarEntries(t.db, actor, { ...range, platforms: ['x'] });
    expect(onX.map((e) => e.client.id)).toEqual([secondClientId]);
    const second = await listCalendarEntries(t.db, actor, {
      ...range,
      accountIds: [agency.accounts[1]!.id],
    });
    expect(second.map((e) => e.account.id)).toEqual([agency.accounts[1]!.id]);
    // Another organization's account id matches nothing.
    const foreign = await listCalendarEntries(t.db, actor, {
      ...range,
      accountIds: [other.accounts[0]!.id],
    });
    expect(foreign).toEqual([]);
  });

  it('refuses a backwards or too-long range with a sentence', async () => {
    const actor = actorOf(agency);
    await expect(
      listCalendarEntries(t.db, actor, { from: range.to, to: range.from }),
    ).rejects.toThrow(/must end after it starts/);
    await expect(
      listCalendarEntries(t.db, actor, {
        from: range.from,
        to: new Date(range.from.getTime() + 90 * DAY),
      }),
    ).rejects.toThrow(/at most 62 days/);
  });

  it('shortens long captions to one line', () => {
    expect(captionExcerpt('a\n b', 10)).toBe('a b');
    expect(captionExcerpt('x'.repeat(20), 10)).toBe(`${'x'.repeat(9)}…`);
  });

  describe('dropping an event on another day', () => {
    it('moves the post and its queued jobs', async () => {
      const actor = actorOf(agency);
      const post = await schedulePost(
        t.db,
        actor,
        {
          clientId: agency.clientId,
          caption: 'Drag me',
          accountIds: [agency.accounts[0]!.id],
          scheduledFor: march(15),
        },
        now,
      );
      const moved = await rescheduleFromCalendar(
        t.db,
        actor,
        { postId: post.id, scheduledFor: march(17, 14) },
        now,
      );
      expect(moved.targets[0]!.scheduledFor).toEqual(march(17, 14));
      const job = await findJob(t.db, publishJobKey(post.targets[0]!.id));
      expect(job!.run_at).toEqual(march(17, 14));
    });

    it('refuses the past, a viewer, and a day the account has no quota left, moving nothing', async () => {
      const actor = actorOf(agency);
      const post = await schedulePost(
        t.db,
        actor,
        {
          clientId: agency.clientId,
          caption: 'Stay',
          accountIds: [agency.accounts[0]!.id],
          scheduledFor: march(20),
        },
        now,
      );
      await expect(
        rescheduleFromCalendar(
          t.db,
          actor,
          { postId: post.id, scheduledFor: new Date(now.getTime() - DAY) },
          now,
        ),
      ).rejects.toThrow(InvalidInputError);
      await expect(
        rescheduleFromCalendar(
          t.db,
          { ...actor, role: 'viewer' },
          { postId: post.id, scheduledFor: march(21) },
          now,
        ),
      ).rejects.toThrow(ForbiddenError);
      await expect(
        rescheduleFromCalendar(
          t.db,
          actorOf(other),
          { postId: post.id, scheduledFor: march(21) },
          now,
        ),
      ).rejects.toThrow(NotFoundError);

      // An Instagram account already holding its 25 posts on 22 March (New York).
      const instagram = await t.db.socialAccount.create({
        data: {
          organizationId: agency.organizationId,
          clientId: agency.clientId,
          platform: 'instagram',
          externalId: 'ig-full',
          handle: '@full',
          accessTokenEncrypted: 'unused',
        },
      });
      for (let i = 0; i < 26; i++) {
        const p = await t.db.post.create({
          data: {
            organizationId: agency.organizationId,
            clientId: agency.clientId,
            caption: `ig ${i}`,
          },
        });
        await t.db.postTarget.create({
          data: {
            organizationId: agency.organizationId,
            postId: p.id,
            socialAccountId: instagram.id,
            // The last one is the post to move, sitting on the 24th.
            scheduledFor: i < 25 ? march(22, 13 + (i % 8)) : march(24),
            scheduledTimezone: 'America/New_York',
            status: 'scheduled',
          },
        });
      }
      const toMove = await t.db.postTarget.findFirstOrThrow({
        where: { socialAccountId: instagram.id, scheduledFor: march(24) },
      });
      await expect(
        rescheduleFromCalendar(
          t.db,
          actor,
          { postId: toMove.postId, scheduledFor: march(22, 15) },
          now,
        ),
      ).rejects.toThrow(/@full has no room left on 2027-03-22 \(25 posts per 24 hours\)/);
      const unchanged = await t.db.postTarget.findUniqueOrThrow({ where: { id: toMove.id } });
      expect(unchanged.scheduledFor).toEqual(march(24));
    });
  });
});
