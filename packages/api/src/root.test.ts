import { signIn } from '@herald/core';
import {
  createAgency,
  createTestDatabase,
  findJob,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaller } from './root.ts';
import { SESSION_COOKIE } from './session-cookie.ts';
import { createContext } from './trpc.ts';

async function callerFor(t: TestDatabase, agency?: AgencyFixture) {
  const headers = new Headers();
  if (agency) {
    const session = await signIn(t.db, { email: agency.email, password: agency.password });
    headers.set('cookie', `theme=dark; ${SESSION_COOKIE}=${session!.token}`);
  }
  return createCaller(await createContext({ headers, db: t.db }));
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'OK';
  } catch (error) {
    if (error instanceof TRPCError) return error.code;
    throw error;
  }
}

describe('the tRPC API', () => {
  let t: TestDatabase;
  let agency: AgencyFixture;
  let other: AgencyFixture;
  beforeAll(async () => {
    t = await createTestDatabase();
    agency = await createAgency(t.db, { pages: 2 });
    other = await createAgency(t.db);
  });
  afterAll(() => t.drop());

  it('refuses every procedure without a session', async () => {
    const anonymous = await callerFor(t);
    expect(await codeOf(anonymous.clients.list())).toBe('UNAUTHORIZED');
    expect(await codeOf(anonymous.posts.list({ clientId: agency.clientId }))).toBe('UNAUTHORIZED');
  });

  it("lists only the member's own clients and accounts, without tokens", async () => {
    const api = await callerFor(t, agency);
    const clients = await api.clients.list();
    expect(clients.map((c) => c.id)).toEqual([agency.clientId]);
    expect(clients[0]!.socialAccounts).toHaveLength(2);
    expect(JSON.stringify(clients)).not.toMatch(/accessToken|sbx-page/);
    expect((await api.me.get()).organization.id).toBe(agency.organizationId);
  });

  it('schedules, reads, reschedules and cancels a post', async () => {
    const api = await callerFor(t, agency);
    const when = new Date(Date.now() + 3_600_000);
    const post = await api.posts.schedule({
      clientId: agency.clientId,
      caption: '  New menu tomorrow  ',
      accountIds: agency.accounts.map((a) => a.id),
      scheduledFor: when,
    });
    expect(post.caption).toBe('New menu tomorrow');
    expect(post.targets.map((x) => x.status)).toEqual(['scheduled', 'scheduled']);
    expect((await api.posts.list({ clientId: agency.clientId })).map((p) => p.id)).toContain(
      post.id,
    );

    const later = new Date(when.getTime() + 600_000);
    await api.posts.reschedule({ postId: post.id, scheduledFor: later });
    const job = await findJob(t.db, `publish:${post.targets[0]!.id}`);
    expect(job!.run_at.toISOString()).toBe(later.toISOString());

    const cancelled = await api.posts.cancel({ postId: post.id });
    expect(cancelled.targets.every((x) => x.status === 'cancelled')).toBe(true);
    expect(await codeOf(api.posts.cancel({ postId: post.id }))).toBe('CONFLICT');
  });

  it("answers NOT_FOUND for another organization's ids", async () => {
    const api = await callerFor(t, agency);
    const theirs = await (
      await callerFor(t, other)
    ).posts.schedule({
      clientId: other.clientId,
      caption: 'Theirs',
      accountIds: [other.accounts[0]!.id],
      scheduledFor: new Date(Date.now() + 3_600_000),
    });
    expect(await codeOf(api.clients.get({ clientId: other.clientId }))).toBe('NOT_FOUND');
    expect(await codeOf(api.posts.get({ postId: theirs.id }))).toBe('NOT_FOUND');
    expect(await codeOf(api.posts.cancel({ postId: theirs.id }))).toBe('NOT_FOUND');
    expect(
      await codeOf(
        api.posts.schedule({
          clientId: agency.clientId,
          caption: 'Sneaky',
          accountIds: [other.accounts[0]!.id],
          scheduledFor: new Date(Date.now() + 3_600_000),
        }),
      ),
    ).toBe('NOT_FOUND');
  });

  it('explains bad input and refuses viewers', async () => {
    const api = await callerFor(t, agency);
    const error = await api.posts
      .schedule({
        clientId: agency.clientId,
        caption: ' ',
        accountIds: [],
        scheduledFor: new Date(),
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe('BAD_REQUEST');
    expect(
      await codeOf(
        api.posts.schedule({
          clientId: agency.clientId,
          caption: 'Too late',
          accountIds: [agency.accounts[0]!.id],
          scheduledFor: new Date(Date.now() - 3_600_000),
        }),
      ),
    ).toBe('BAD_REQUEST');

    const viewer = await createAgency(t.db, { role: 'viewer' });
    const viewerApi = await callerFor(t, viewer);
    expect(await codeOf(viewerApi.posts.list({ clientId: viewer.clientId }))).toBe('OK');
    expect(
      await codeOf(
        viewerApi.posts.schedule({
          clientId: viewer.clientId,
          caption: 'Hi',
          accountIds: [viewer.accounts[0]!.id],
          scheduledFor: new Date(Date.now() + 3_600_000),
        }),
      ),
    ).toBe('FORBIDDEN');
  });
});
