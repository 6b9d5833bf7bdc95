// Connecting accounts through OAuth against a real database, with a scripted platform: the
// state is single use and personal, PKCE's challenge matches its verifier, granted tokens stay
// encrypted until chosen, and a reconnect refreshes credentials and resumes held posts.
import { createHash } from 'node:crypto';
import { decryptSecret } from '@herald/db';
import {
  createAgency,
  createTestDatabase,
  TEST_TOKEN_KEY,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GrantedIdentity, PlatformConnector } from '../providers/types.ts';
import { actorOf, scheduleOneTarget } from '../testing.ts';
import type { Actor } from './actor.ts';
import {
  CONNECTION_TTL_MS,
  connectAccounts,
  finishAuthorization,
  grantedIdentities,
  startConnection,
  type ConnectionDeps,
} from './connections.ts';

const REDIRECT = 'https://herald.test/oauth/facebook/callback';

describe('connecting accounts through OAuth', () => {
  let t: TestDatabase;
  let agency: AgencyFixture;
  let actor: Actor;
  let deps: ConnectionDeps;
  let clock = new Date('2030-02-01T09:00:00Z');
  /** What the platform grants for the next code. */
  let granted: GrantedIdentity[];
  const exchanges: { code: string; codeVerifier: string }[] = [];
  let lastChallenge = '';

  beforeAll(async () => {
    t = await createTestDatabase();
    agency = await createAgency(t.db);
    actor = actorOf(agency);
    const connector: PlatformConnector = {
      platform: 'facebook',
      authorizeUrl: ({ redirectUri, state, codeChallenge }) => {
        lastChallenge = codeChallenge;
        return `https://platform.test/dialog?${new URLSearchParams({ redirect_uri: redirectUri, state }).toString()}`;
      },
      complete: ({ code, codeVerifier }) => {
        exchanges.push({ code, codeVerifier });
        if (code === 'bad') return Promise.reject(new Error('The code has expired.'));
        return Promise.resolve(granted);
      },
    };
    deps = { db: t.db, tokenKey: TEST_TOKEN_KEY, connectorFor: () => connector, now: () => clock };
  });
  afterAll(() => t.drop());

  async function begin() {
    const { url, connectionId } = await startConnection(deps, actor, {
      clientId: agency.clientId,
      platform: 'facebook',
      redirectUri: REDIRECT,
    });
    const state = new URL(url).searchParams.get('state')!;
    return { state, connectionId };
  }

  const back = (state: string, code: string | null = 'good', who = actor) =>
    finishAuthorization(deps, who, {
      platform: 'facebook',
      state,
      redirectUri: REDIRECT,
      code,
      error: code ? null : 'access_denied',
    });

  it('connects the chosen Pages, with their tokens encrypted, and PKCE that matches', async () => {
    granted = [
      {
        externalId: '5001',
        handle: 'Cafe One',
        accessToken: 'tok-1',
        refreshToken: null,
        expiresAt: null,
      },
      {
        externalId: '5002',
        handle: 'Cafe Two',
        accessToken: 'tok-2',
        refreshToken: 'ref-2',
        expiresAt: new Date('2030-04-01T00:00:00Z'),
      },
    ];
    const { state, connectionId } = await begin();
    expect(await back(state)).toEqual({ connectionId, clientId: agency.clientId });
    const { codeVerifier } = exchanges.at(-1)!;
    expect(createHash('sha256').update(codeVerifier).digest('base64url')).toBe(lastChallenge);
    // At rest, what was granted is ciphertext.
    const row = await t.db.oAuthConnection.findUniqueOrThrow({ where: { id: connectionId } });
    expect(row.identitiesEncrypted).not.toContain('tok-1');

    expect(await grantedIdentities(deps, actor, { connectionId })).toEqual({
      clientId: agency.clientId,
      platform: 'facebook',
      identities: [
        { externalId: '5001', handle: 'Cafe One', connected: false },
        { externalId: '5002', handle: 'Cafe Two', connected: false },
      ],
    });
    const result = await connectAccounts(deps, actor, { connectionId, externalIds: ['5002'] });
    expect(result.accounts).toMatchObject([{ handle: 'Cafe Two', reconnected: false }]);
    const account = await t.db.socialAccount.findUniqueOrThrow({
      where: { id: result.accounts[0]!.id },
    });
    expect(decryptSecret(account.accessTokenEncrypted, TEST_TOKEN_KEY)).toBe('tok-2');
    expect(decryptSecret(account.refreshTokenEncrypted!, TEST_TOKEN_KEY)).toBe('ref-2');
    expect(account.tokenExpiresAt).toEqual(new Date('2030-04-01T00:00:00Z'));
    const done = await t.db.oAuthConnection.findUniqueOrThrow({ where: { id: connectionId } });
    expect([done.identitiesEncrypted, done.completedAt]).toEqual([null, clock]);
    await expect(
      connectAccounts(deps, actor, { connectionId, externalIds: ['5001'] }),
    ).rejects.toThrow('This connection is finished.');
  });

  it('reconnecting an account stores the new token and resumes the posts waiting for it', async () => {
    const existing = agency.accounts[0]!;
    const { targetId } = await scheduleOneTarget(t.db, agency, {
      caption: 'Waiting for a reconnect',
      now: new Date(clock.getTime() - 3_600_000),
      scheduledFor: new Date(clock.getTime() - 60_000),
    });
    await t.db.socialAccount.update({
      where: { id: existing.id },
      data: { status: 'needs_action', statusReason: 'The password changed.' },
    });
    await t.db.postTarget.update({
      where: { id: targetId },
      data: { status: 'waiting_for_account' },
    });
    granted = [
      {
        externalId: existing.externalId,
        handle: 'Renamed Page',
        accessToken: 'tok-new',
        refreshToken: null,
        expiresAt: null,
      },
    ];
    const { state, connectionId } = await begin();
    await back(state);
    expect((await grantedIdentities(deps, actor, { connectionId })).identities).toEqual([
      { externalId: existing.externalId, handle: 'Renamed Page', connected: true },
    ]);
    const result = await connectAccounts(deps, actor, {
      connectionId,
      externalIds: [existing.externalId],
    });
    expect(result.accounts).toEqual([
      { id: existing.id, handle: 'Renamed Page', reconnected: true },
    ]);
    const account = await t.db.socialAccount.findUniqueOrThrow({ where: { id: existing.id } });
    expect([account.status, account.statusReason]).toEqual(['active', null]);
    expect(decryptSecret(account.accessTokenEncrypted, TEST_TOKEN_KEY)).toBe('tok-new');
    const target = await t.db.postTarget.findUniqueOrThrow({ where: { id: targetId } });
    expect(target.status).toBe('scheduled');
  });

  it('lets only the same person through, once, in time, and says why not otherwise', async () => {
    const expired =
      'This sign-in link has expired or was already used. Start connecting the account again.';
    const first = await begin();
    const other = await createAgency(t.db);
    await expect(back(first.state, 'good', actorOf(other))).rejects.toThrow(expired);
    await back(first.state);
    await expect(back(first.state)).rejects.toThrow(expired); // replayed

    const late = await begin();
    clock = new Date(clock.getTime() + CONNECTION_TTL_MS + 1);
    await expect(back(late.state)).rejects.toThrow(expired);

    const declined = await begin();
    await expect(back(declined.state, null)).rejects.toThrow(
      'The platform did not grant access (access_denied). Nothing was connected.',
    );
    const failed = await begin();
    await expect(back(failed.state, 'bad')).rejects.toThrow(
      'The platform would not finish connecting: The code has expired.',
    );
    await expect(
      grantedIdentities(deps, actorOf(other), { connectionId: first.connectionId }),
    ).rejects.toThrow('Connection not found.');
  });
});
