// Input Postgres or the queue cannot take is refused at the edge with a sentence, not a 500.
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

describe('posts procedures at the edge', () => {
  let t: TestDatabase;
  let agency: AgencyFixture;
  let api: ReturnType<typeof createCaller>;
  beforeAll(async () => {
    t = await createTestDatabase();
    agency = await createAgency(t.db);
    const session = await signIn(t.db, { email: agency.email, password: agency.password });
    const headers = new Headers({ cookie: `${SESSION_COOKIE}=${session!.token}` });
    api = createCaller(await createContext({ headers, db: t.db }));
  });
  afterAll(() => t.drop());

  const inAnHour = () => new Date(Date.now() + 3_600_000);

  /** The error's code and the sentences a person would read (field messages, else the message). */
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

  it('refuses a caption with a NUL character and writes nothing', async () => {
    const before = await t.db.post.count();
    const result = await refusal(
      api.posts.schedule({
        clientId: agency.clientId,
        caption: 'Hello\u0000world',
        accountIds: [agency.accounts[0]!.id],
        scheduledFor: inAnHour(),
      }),
    );
    expect(result).toEqual({
      code: 'BAD_REQUEST',
      messages: ['The caption contains a character that cannot be saved. Remove it and try again.'],
    });
    expect(await t.db.post.count()).toBe(before);
  });

  it('refuses a date in the year 10000, before 1970, or invalid', async () => {
    const schedule = (scheduledFor: Date) =>
      refusal(
        api.posts.schedule({
          clientId: agency.clientId,
          caption: 'Far away',
          accountIds: [agency.accounts[0]!.id],
          scheduledFor,
        }),
      );
    expect(await schedule(new Date('+010000-01-01T00:00:00Z'))).toEqual({
      code: 'BAD_REQUEST',
      messages: ['Pick a date before the year 10000.'],
    });
    expect(await schedule(new Date('1969-12-31T23:00:00Z'))).toEqual({
      code: 'BAD_REQUEST',
      messages: ['Pick a date after 1970.'],
    });
    expect(await schedule(new Date(Number.NaN))).toEqual({
      code: 'BAD_REQUEST',
      messages: ['Pick a valid date and time.'],
    });
  });

  it('refuses a date beyond the scheduling horizon, when scheduling and rescheduling', async () => {
    const inThreeYears = new Date(Date.now() + 3 * 365 * 24 * 3_600_000);
    const horizon = {
      code: 'BAD_REQUEST',
      messages: ['Posts can be scheduled at most two years ahead. Pick an earlier date.'],
    };
    const input = {
      clientId: agency.clientId,
      caption: 'Next year',
      accountIds: [agency.accounts[0]!.id],
    };
    expect(await refusal(api.posts.schedule({ ...input, scheduledFor: inThreeYears }))).toEqual(
      horizon,
    );
    const post = await api.posts.schedule({ ...input, scheduledFor: inAnHour() });
    expect(
      await refusal(api.posts.reschedule({ postId: post.id, scheduledFor: inThreeYears })),
    ).toEqual(horizon);
  });
});
