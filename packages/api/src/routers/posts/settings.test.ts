// Per-platform settings through tRPC: given per account when scheduling, replaced on one target
// with posts.setTargetSettings, and refused with a sentence (nothing written) when they are not
// storable or not the platform's.
import { signIn } from '@herald/core';
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

describe('target settings through the posts procedures', () => {
  let t: TestDatabase;
  let agency: AgencyFixture;
  let api: ReturnType<typeof createCaller>;
  let account: { id: string; handle: string };
  beforeAll(async () => {
    t = await createTestDatabase();
    agency = await createAgency(t.db);
    account = agency.accounts[0]!;
    const session = await signIn(t.db, { email: agency.email, password: agency.password });
    const headers = new Headers({ cookie: `${SESSION_COOKIE}=${session!.token}` });
    api = createCaller(await createContext({ headers, db: t.db }));
  });
  afterAll(() => t.drop());

  const schedule = (settings: Record<string, Record<string, unknown>>) =>
    api.posts.schedule({
      clientId: agency.clientId,
      caption: `With settings ${Math.random().toString(36).slice(2)}`,
      accountIds: [account.id],
      scheduledFor: new Date(Date.now() + 3_600_000),
      settings,
    });

  async function refusal(call: Promise<unknown>) {
    const error = await call.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TRPCError);
    const { code, cause, message } = error as TRPCError;
    const issues =
      cause && 'issues' in cause && Array.isArray(cause.issues)
        ? (cause.issues as { message: string }[]).map((i) => i.message)
        : [message];
    return { code, messages: issues };
  }

  it('schedules with settings and replaces them on one target', async () => {
    const post = await schedule({ [account.id]: { postType: 'post' } });
    expect(post.targets[0]?.settings).toEqual({ postType: 'post' });
    const edited = await api.posts.setTargetSettings({
      targetId: post.targets[0]!.id,
      settings: {},
    });
    expect(edited.targets[0]?.settings).toEqual({});
  });

  it('refuses settings that are not storable, or not the platform’s, and writes nothing', async () => {
    const before = await t.db.post.count();
    expect(await refusal(schedule({ [account.id]: { postType: 'po\u0000st' } }))).toEqual({
      code: 'BAD_REQUEST',
      messages: ['The settings contain a character that cannot be saved. Remove it and try again.'],
    });
    const wrong = await refusal(schedule({ [account.id]: { postType: 'short' } }));
    expect(wrong.code).toBe('BAD_REQUEST');
    expect(wrong.messages[0]).toMatch(
      new RegExp(`^${account.handle}: Facebook settings: postType: `),
    );
    expect(await t.db.post.count()).toBe(before);

    const post = await schedule({});
    const edit = await refusal(
      api.posts.setTargetSettings({
        targetId: post.targets[0]!.id,
        settings: { title: 'YouTube only' },
      }),
    );
    expect(edit.code).toBe('BAD_REQUEST');
    expect(
      (await t.db.postTarget.findUniqueOrThrow({ where: { id: post.targets[0]!.id } })).settings,
    ).toEqual({});
  });
});
