// The calendar's procedures and posts.search through the API: scoped, role-checked, and
// refusing what they cannot do with a sentence.
import { schedulePost, signIn } from '@herald/core';
import {
  createAgency,
  createTestDatabase,
  findJob,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaller } from '../../root.ts';
import { SESSION_COOKIE } from '../../session-cookie.ts';
import { createContext } from '../../trpc.ts';

async function callerFor(t: TestDatabase, agency: AgencyFixture) {
  const session = await signIn(t.db, { email: agency.email, password: agency.password });
  const headers = new Headers({ cookie: `${SESSION_COOKIE}=${session!.token}` });
  return createCaller(await createContext({ headers, db: t.db }));
}

async function outcome(call: Promise<unknown>) {
  return call.then(
    () => 'OK',
    (error: unknown) => {
      if (!(error instanceof TRPCError)) throw error;
      return `${error.code}: ${error.message}`;
    },
  );
}

describe('calendar procedures and posts.search', () => {
  let t: TestDatabase;
  let agency: AgencyFixture;
  let viewer: AgencyFixture;
  let postId: string;
  let targetId: string;
  const inDays = (days: number) => new Date(Date.now() + days * 86_400_000);

  beforeAll(async () => {
    t = await createTestDatabase();
    agency = await createAgency(t.db);
    viewer = await createAgency(t.db, { role: 'viewer' });
    const post = await schedulePost(
      t.db,
      { userId: agency.userId, organizationId: agency.organizationId, role: agency.role },
      {
        clientId: agency.clientId,
        caption: 'On the calendar',
        accountIds: [agency.accounts[0]!.id],
        scheduledFor: inDays(2),
      },
    );
    postId = post.id;
    targetId = post.targets[0]!.id;
  });
  afterAll(() => t.drop());

  it('lists entries, moves a post and its job, and refuses the past with a sentence', async () => {
    const api = await callerFor(t, agency);
    const entries = await api.calendar.entries({ from: inDays(0), to: inDays(7) });
    expect(entries.map((e) => e.targetId)).toEqual([targetId]);
    const when = inDays(3);
    await api.calendar.reschedule({ postId, scheduledFor: when });
    expect((await findJob(t.db, `publish:${targetId}`))?.run_at).toEqual(when);
    expect(await outcome(api.calendar.reschedule({ postId, scheduledFor: inDays(-1) }))).toBe(
      'BAD_REQUEST: That time has already passed. Pick a time in the future.',
    );
    expect(await outcome(api.calendar.entries({ from: inDays(0), to: inDays(100) }))).toBe(
      'BAD_REQUEST: The calendar shows at most 62 days at a time. Pick a shorter range.',
    );
  });

  it('pages posts.search and refuses a broken cursor', async () => {
    const api = await callerFor(t, agency);
    const page = await api.posts.search({ text: 'calendar' });
    expect(page.items.map((p) => p.id)).toEqual([postId]);
    expect(page.nextCursor).toBeNull();
    expect(await outcome(api.posts.search({ cursor: 'nope' }))).toBe(
      'BAD_REQUEST: That page link is no longer valid. Start from the first page.',
    );
  });

  it("lets a viewer read but change nothing, and never reach another organization's post", async () => {
    const api = await callerFor(t, viewer);
    expect(await api.calendar.entries({ from: inDays(0), to: inDays(7) })).toEqual([]);
    for (const call of [
      api.calendar.reschedule({ postId, scheduledFor: inDays(4) }),
      api.calendar.updateCaption({ postId, caption: 'x' }),
      api.calendar.duplicate({ postId }),
      api.calendar.cancelTarget({ targetId }),
      api.calendar.deletePost({ postId }),
    ]) {
      expect(await outcome(call)).toMatch(/^FORBIDDEN: /);
    }
    const owner = await callerFor(t, agency);
    const otherOwner = await createAgency(t.db);
    const stranger = await callerFor(t, otherOwner);
    expect(await outcome(stranger.calendar.updateCaption({ postId, caption: 'Mine now' }))).toBe(
      'NOT_FOUND: Post not found.',
    );
    expect((await owner.posts.get({ postId })).caption).toBe('On the calendar');
  });
});
