// Per-account captions (a platform's variant) through tRPC: stored on the account's target,
// checked against that platform's rules, refused for an account the post does not go to.
import { signIn } from '@herald/core';
import { encryptSecret } from '@herald/db';
import {
  createAgency,
  createTestDatabase,
  TEST_TOKEN_KEY,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaller } from '../../root.ts';
import { SESSION_COOKIE } from '../../session-cookie.ts';
import { createContext } from '../../trpc.ts';

describe('per-account captions', () => {
  let t: TestDatabase;
  let agency: AgencyFixture;
  let api: ReturnType<typeof createCaller>;
  let page: string;
  let x: string;
  beforeAll(async () => {
    t = await createTestDatabase();
    agency = await createAgency(t.db);
    page = agency.accounts[0]!.id;
    x = (
      await t.db.socialAccount.create({
        data: {
          organizationId: agency.organizationId,
          clientId: agency.clientId,
          platform: 'x',
          externalId: '2000000099',
          handle: '@captions',
          accessTokenEncrypted: encryptSecret('sbx-x-2000000099-test', TEST_TOKEN_KEY),
        },
      })
    ).id;
    const session = await signIn(t.db, { email: agency.email, password: agency.password });
    const headers = new Headers({ cookie: `${SESSION_COOKIE}=${session!.token}` });
    api = createCaller(await createContext({ headers, db: t.db }));
  });
  afterAll(() => t.drop());

  const input = (captions: Record<string, string>) => ({
    clientId: agency.clientId,
    caption: 'The long story of our new roastery, told properly for Facebook.',
    accountIds: [page, x],
    scheduledFor: new Date(Date.now() + 3_600_000),
    captions,
  });

  it('stores the variant on its account and the post’s caption for the others', async () => {
    const post = await api.posts.schedule(input({ [x]: 'New roastery! #coffee' }));
    const byAccount = new Map(post.targets.map((target) => [target.socialAccount.id, target]));
    expect(byAccount.get(x)!.caption).toBe('New roastery! #coffee');
    expect(byAccount.get(page)!.caption).toBeNull();
    expect(post.caption).toBe(input({}).caption);
  });

  it('checks a variant against its own platform, saying which account', async () => {
    const before = await t.db.post.count();
    await expect(api.posts.saveDraft(input({ [x]: 'y'.repeat(281) }))).rejects.toThrow(
      /@captions \(its own caption\): .*280/,
    );
    await expect(api.posts.schedule(input({ [agency.clientId]: 'Hi' }))).rejects.toThrow(
      /does not go to/,
    );
    expect(await t.db.post.count()).toBe(before);
  });
});
