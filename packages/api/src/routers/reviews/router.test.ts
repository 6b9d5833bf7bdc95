// Reviews through the API: the organization comes from the session, never from input.
import { saveDraftPost, signIn } from '@herald/core';
import {
  createAgency,
  createTestDatabase,
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

describe('reviews router', () => {
  let t: TestDatabase;
  let agency: AgencyFixture;
  let other: AgencyFixture;
  let viewer: AgencyFixture;
  beforeAll(async () => {
    t = await createTestDatabase();
    agency = await createAgency(t.db);
    other = await createAgency(t.db);
    viewer = await createAgency(t.db, { role: 'viewer' });
  });
  afterAll(() => t.drop());

  const draftOf = (a: AgencyFixture) =>
    saveDraftPost(
      t.db,
      { userId: a.userId, organizationId: a.organizationId, role: 'editor' },
      {
        clientId: a.clientId,
        caption: 'Up for review',
        accountIds: [a.accounts[0]!.id],
        scheduledFor: new Date(Date.now() + 3_600_000),
      },
    );

  it('submits, comments and approves within the organization', async () => {
    const api = await callerFor(t, agency);
    const post = await draftOf(agency);
    expect((await api.reviews.submit({ postId: post.id })).status).toBe('in_review');
    expect((await api.reviews.queue()).map((p) => p.id)).toEqual([post.id]);
    await api.reviews.comment({ postId: post.id, body: 'Looks good' });
    expect((await api.reviews.approve({ postId: post.id })).status).toBe('approved');
    expect((await api.reviews.comments({ postId: post.id })).map((c) => c.body)).toEqual([
      'Looks good',
    ]);
    expect((await api.reviews.activity({ postId: post.id })).map((e) => e.action)).toContain(
      'post.review.approve',
    );
    expect(await outcome(api.reviews.requestChanges({ postId: post.id, comment: ' ' }))).toMatch(
      /^BAD_REQUEST: /,
    );
  });

  it("refuses another organization's post as if it did not exist", async () => {
    const post = await draftOf(agency);
    const stranger = await callerFor(t, other);
    for (const call of [
      () => stranger.reviews.get({ postId: post.id }),
      () => stranger.reviews.submit({ postId: post.id }),
      () => stranger.reviews.approve({ postId: post.id }),
      () => stranger.reviews.requestChanges({ postId: post.id, comment: 'No' }),
      () => stranger.reviews.comment({ postId: post.id, body: 'Hi' }),
      () => stranger.reviews.comments({ postId: post.id }),
      () => stranger.reviews.activity({ postId: post.id }),
      () => stranger.reviews.createLink({ postId: post.id }),
      () =>
        stranger.reviews.setClientRequiresApproval({
          clientId: agency.clientId,
          requiresApproval: true,
        }),
    ]) {
      expect(await outcome(call())).toMatch(/^NOT_FOUND: /);
    }
    expect(await stranger.reviews.queue()).toEqual([]);
    expect(await outcome(stranger.reviews.links({ postId: post.id }))).toMatch(/^NOT_FOUND: /);
    const link = await (await callerFor(t, agency)).reviews.createLink({ postId: post.id });
    expect(await outcome(stranger.reviews.revokeLink({ linkId: link.id }))).toMatch(/^NOT_FOUND: /);
  });

  it('lets a viewer read reviews but neither submit, approve nor comment', async () => {
    const api = await callerFor(t, viewer);
    const post = await draftOf(viewer);
    expect(await outcome(api.reviews.submit({ postId: post.id }))).toMatch(/^FORBIDDEN: /);
    expect(await outcome(api.reviews.approve({ postId: post.id }))).toMatch(/^FORBIDDEN: /);
    expect(await outcome(api.reviews.comment({ postId: post.id, body: 'Hi' }))).toMatch(
      /^FORBIDDEN: /,
    );
    expect((await api.reviews.get({ postId: post.id })).status).toBe('none');
  });
});
