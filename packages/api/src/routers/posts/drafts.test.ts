// Drafts through the API: what the web app's buttons call.
import { saveDraftPost, scheduleDraftPost, signIn } from '@herald/core';
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

/** The refusal's code and message, or 'OK'. */
async function outcome(call: Promise<unknown>) {
  return call.then(
    () => 'OK',
    (error: unknown) => {
      if (!(error instanceof TRPCError)) throw error;
      return `${error.code}: ${error.message}`;
    },
  );
}

describe('posts.saveDraft, posts.scheduleDraft and posts.unschedule', () => {
  let t: TestDatabase;
  let agency: AgencyFixture;
  let api: Awaited<ReturnType<typeof callerFor>>;
  beforeAll(async () => {
    t = await createTestDatabase();
    agency = await createAgency(t.db, { pages: 2 });
    api = await callerFor(t, agency);
  });
  afterAll(() => t.drop());

  const inHours = (hours: number) => new Date(Date.now() + hours * 3_600_000);

  it('saves a draft, schedules it, and unschedules it again', async () => {
    const draft = await api.posts.saveDraft({
      clientId: agency.clientId,
      caption: '  Draft from the API  ',
      accountIds: agency.accounts.map((a) => a.id),
      scheduledFor: inHours(1),
    });
    expect(draft.caption).toBe('Draft from the API');
    expect(draft.targets.map((x) => x.status)).toEqual(['draft', 'draft']);
    const key = `publish:${draft.targets[0]!.id}`;
    expect(await findJob(t.db, key)).toBeNull();

    const when = inHours(2);
    const scheduled = await api.posts.scheduleDraft({ postId: draft.id, scheduledFor: when });
    expect(scheduled.targets.map((x) => x.status)).toEqual(['scheduled', 'scheduled']);
    expect((await findJob(t.db, key))?.run_at).toEqual(when);

    const unscheduled = await api.posts.unschedule({ postId: draft.id });
    expect(unscheduled.targets.map((x) => x.status)).toEqual(['draft', 'draft']);
    expect(await findJob(t.db, key)).toBeNull();
    expect(await outcome(api.posts.unschedule({ postId: draft.id }))).toBe(
      'CONFLICT: Nothing left to unschedule: no account of this post is waiting for its time.',
    );
  });

  it('refuses a draft scheduled in the past or for a scheduled post, with a sentence', async () => {
    const post = await api.posts.schedule({
      clientId: agency.clientId,
      caption: 'Already on the schedule',
      accountIds: [agency.accounts[0]!.id],
      scheduledFor: inHours(1),
    });
    expect(
      await outcome(api.posts.scheduleDraft({ postId: post.id, scheduledFor: inHours(2) })),
    ).toBe('CONFLICT: This post has no drafts left to schedule.');
    const draft = await api.posts.saveDraft({
      clientId: agency.clientId,
      caption: 'A draft for yesterday',
      accountIds: [agency.accounts[0]!.id],
      scheduledFor: inHours(1),
    });
    expect(
      await outcome(api.posts.scheduleDraft({ postId: draft.id, scheduledFor: inHours(-24) })),
    ).toBe('BAD_REQUEST: That time has already passed. Pick a time in the future.');
  });

  it('lets a viewer do none of it', async () => {
    const viewer = await createAgency(t.db, { role: 'viewer' });
    const viewerApi = await callerFor(t, viewer);
    const draftInput = {
      clientId: viewer.clientId,
      caption: 'Not mine to write',
      accountIds: [viewer.accounts[0]!.id],
      scheduledFor: inHours(1),
    };
    expect(await outcome(viewerApi.posts.saveDraft(draftInput))).toMatch(/^FORBIDDEN: /);
    // A post someone allowed to write saved in the viewer's organization.
    const writer = {
      userId: viewer.userId,
      organizationId: viewer.organizationId,
      role: 'editor',
    } as const;
    const draft = await saveDraftPost(t.db, writer, draftInput);
    expect(
      await outcome(viewerApi.posts.scheduleDraft({ postId: draft.id, scheduledFor: inHours(2) })),
    ).toMatch(/^FORBIDDEN: /);
    await scheduleDraftPost(t.db, writer, { postId: draft.id, scheduledFor: inHours(2) });
    expect(await outcome(viewerApi.posts.unschedule({ postId: draft.id }))).toMatch(/^FORBIDDEN: /);
    expect((await viewerApi.posts.get({ postId: draft.id })).targets[0]!.status).toBe('scheduled');
  });
});
