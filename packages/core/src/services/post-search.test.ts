import {
  createAgency,
  createTestDatabase,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf } from '../testing.ts';
import { InvalidInputError, NotFoundError } from './errors.ts';
import { searchPosts } from './post-search.ts';
import { cancelPost, schedulePost } from './posts.ts';

describe('searchPosts', () => {
  let t: TestDatabase;
  let agency: AgencyFixture;
  let other: AgencyFixture;
  const now = new Date('2026-12-01T12:00:00Z');
  const day = (d: number) => new Date(Date.UTC(2027, 0, d, 10));

  beforeAll(async () => {
    t = await createTestDatabase();
    agency = await createAgency(t.db, { pages: 2 });
    other = await createAgency(t.db);
    // 30 posts, written in the same millisecond in pairs (the keyset must still be exact).
    for (let i = 0; i < 30; i++) {
      const post = await schedulePost(
        t.db,
        actorOf(agency),
        {
          clientId: agency.clientId,
          caption: i % 10 === 0 ? `Winter Blend number ${i}` : `Post number ${i}`,
          accountIds: [agency.accounts[i % 2]!.id],
          scheduledFor: day(1 + i),
        },
        now,
      );
      await t.db.post.update({
        where: { id: post.id },
        data: { createdAt: new Date(Date.UTC(2026, 10, 1, 0, Math.floor(i / 2))) },
      });
      if (i === 5) await cancelPost(t.db, actorOf(agency), { postId: post.id });
    }
    await schedulePost(
      t.db,
      actorOf(other),
      {
        clientId: other.clientId,
        caption: 'Winter Blend elsewhere',
        accountIds: [other.accounts[0]!.id],
        scheduledFor: day(3),
      },
      now,
    );
  });
  afterAll(() => t.drop());

  it('pages through every post once, newest first, without OFFSET', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof searchPosts>> = await searchPosts(
        t.db,
        actorOf(agency),
        { clientId: agency.clientId, limit: 7, cursor },
      );
      seen.push(...page.items.map((p) => p.caption));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(5);
    expect(seen).toHaveLength(30);
    expect(new Set(seen).size).toBe(30);
    // Newest first: the last pair written comes first.
    expect(seen.slice(0, 2).sort()).toEqual(['Post number 28', 'Post number 29']);
  });

  it("searches captions in any case, across clients, never another organization's", async () => {
    const found = await searchPosts(t.db, actorOf(agency), { text: 'winter blend' });
    expect(found.items.map((p) => p.caption).sort()).toEqual([
      'Winter Blend number 0',
      'Winter Blend number 10',
      'Winter Blend number 20',
    ]);
    expect(found.items[0]!.client.id).toBe(agency.clientId);
    await expect(searchPosts(t.db, actorOf(agency), { clientId: other.clientId })).rejects.toThrow(
      NotFoundError,
    );
  });

  it('filters by status, account and date range', async () => {
    const actor = actorOf(agency);
    const cancelled = await searchPosts(t.db, actor, { statuses: ['cancelled'] });
    expect(cancelled.items.map((p) => p.caption)).toEqual(['Post number 5']);
    const second = await searchPosts(t.db, actor, {
      accountIds: [agency.accounts[1]!.id],
      limit: 100,
    });
    expect(second.items).toHaveLength(15);
    const week = await searchPosts(t.db, actor, { from: day(1), to: day(4) });
    expect(week.items.map((p) => p.caption).sort()).toEqual([
      'Post number 1',
      'Post number 2',
      'Winter Blend number 0',
    ]);
    await expect(searchPosts(t.db, actor, { from: day(4), to: day(1) })).rejects.toThrow(
      InvalidInputError,
    );
    await expect(searchPosts(t.db, actor, { cursor: 'garbage' })).rejects.toThrow(
      /no longer valid/,
    );
  });
});
