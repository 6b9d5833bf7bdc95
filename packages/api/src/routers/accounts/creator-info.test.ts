// accounts.tiktokCreatorInfo through tRPC, the core service and the TikTok adapter against the
// real sandbox over HTTP: the creator's own privacy options and switched-off interactions, a
// sentence when TikTok refuses the token, and nothing about another organization's accounts.
import { signIn } from '@herald/core';
import { createAdapterRegistry } from '@herald/core/providers';
import { encryptSecret } from '@herald/db';
import {
  createAgency,
  createTestDatabase,
  TEST_TOKEN_KEY,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { sandboxToken, startSandbox, type Sandbox } from '@herald/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaller } from '../../root.ts';
import { SESSION_COOKIE } from '../../session-cookie.ts';
import { createContext, type PlatformApis } from '../../trpc.ts';

describe('accounts.tiktokCreatorInfo', () => {
  let t: TestDatabase;
  let sandbox: Sandbox;
  let agency: AgencyFixture;
  let apis: PlatformApis;
  let api: ReturnType<typeof createCaller>;

  async function addTikTok(owner: AgencyFixture, openId: string, token: string) {
    const account = await t.db.socialAccount.create({
      data: {
        organizationId: owner.organizationId,
        clientId: owner.clientId,
        platform: 'tiktok',
        externalId: openId,
        handle: `@${openId}`,
        accessTokenEncrypted: encryptSecret(token, TEST_TOKEN_KEY),
      },
    });
    return account.id;
  }

  async function callerFor(owner: AgencyFixture, platformApis: PlatformApis | null) {
    const session = await signIn(t.db, { email: owner.email, password: owner.password });
    const headers = new Headers({ cookie: `${SESSION_COOKIE}=${session!.token}` });
    return createCaller(await createContext({ headers, db: t.db, platformApis }));
  }

  beforeAll(async () => {
    t = await createTestDatabase();
    sandbox = await startSandbox({ port: 0 });
    agency = await createAgency(t.db);
    apis = {
      tokenKey: TEST_TOKEN_KEY,
      adapterFor: createAdapterRegistry({
        facebook: { baseUrl: sandbox.facebookBaseUrl },
        tiktok: { baseUrl: sandbox.baseUrl('tiktok') },
      }),
    };
    api = await callerFor(agency, apis);
  });
  afterAll(async () => {
    await sandbox.close();
    await t.drop();
  });

  it('answers the creator’s privacy options, nickname, interactions and longest video', async () => {
    const fjord = await addTikTok(
      agency,
      '_000FjordOutdoorSbx01',
      sandboxToken('tiktok', '_000FjordOutdoorSbx01'),
    );
    expect(await api.accounts.tiktokCreatorInfo({ accountId: fjord })).toEqual({
      ok: true,
      info: {
        nickname: 'Fjord Outdoor',
        username: 'fjordoutdoor',
        privacyLevels: [
          'PUBLIC_TO_EVERYONE',
          'MUTUAL_FOLLOW_FRIENDS',
          'FOLLOWER_OF_CREATOR',
          'SELF_ONLY',
        ],
        commentDisabled: false,
        duetDisabled: false,
        stitchDisabled: false,
        maxVideoSeconds: 600,
      },
    });
    // A private account: no public option, duets switched off by its creator.
    const northwind = await addTikTok(
      agency,
      '_000NorthwindSbx02',
      sandboxToken('tiktok', '_000NorthwindSbx02'),
    );
    const answer = await api.accounts.tiktokCreatorInfo({ accountId: northwind });
    expect(answer.ok && answer.info.privacyLevels).toEqual([
      'MUTUAL_FOLLOW_FRIENDS',
      'FOLLOWER_OF_CREATOR',
      'SELF_ONLY',
    ]);
    expect(answer.ok && answer.info.duetDisabled).toBe(true);
    expect(answer.ok && answer.info.maxVideoSeconds).toBe(300);
  });

  it('says to reconnect when TikTok refuses the token', async () => {
    const broken = await addTikTok(agency, '_000BrokenSbx03', 'not-a-sandbox-token');
    const answer = await api.accounts.tiktokCreatorInfo({ accountId: broken });
    expect(answer.ok).toBe(false);
    expect(!answer.ok && answer.problem).toMatch(/reconnect the account, then try again/);
  });

  it('refuses another organization’s account and accounts on other platforms', async () => {
    const other = await createAgency(t.db);
    const theirs = await addTikTok(
      other,
      '_000FjordOutdoorSbx01',
      sandboxToken('tiktok', '_000FjordOutdoorSbx01'),
    );
    await expect(api.accounts.tiktokCreatorInfo({ accountId: theirs })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(
      api.accounts.tiktokCreatorInfo({ accountId: agency.accounts[0]!.id }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/not a TikTok account/),
    });
  });

  it('explains when the server has no credentials key', async () => {
    const bare = await callerFor(agency, null);
    const answer = await bare.accounts.tiktokCreatorInfo({ accountId: agency.accounts[0]!.id });
    expect(answer).toEqual({ ok: false, problem: expect.stringMatching(/TOKEN_ENCRYPTION_KEY/) });
  });
});
