// Keeping tokens alive against a real database, with a scripted platform: a refresh stores the
// rotated credentials and resumes held targets in one go; a refused refresh asks a person once;
// an unreachable platform is tried again; a token nobody can refresh is announced ahead.
import { decryptSecret, encryptSecret } from '@herald/db';
import {
  createAgency,
  createTestDatabase,
  findJob,
  TEST_TOKEN_KEY,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLATFORM_RULES } from '../domain/platform-rules.ts';
import { AuthPublishError, RetryablePublishError } from '../providers/errors.ts';
import type { PlatformAdapter, RefreshTokenRequest, RefreshedToken } from '../providers/types.ts';
import { scheduleOneTarget } from '../testing.ts';
import { publishJobKey } from './publish-job.ts';
import { refreshExpiringTokens, type TokenHealthDeps } from './token-health.ts';

describe('refreshExpiringTokens', () => {
  let t: TestDatabase;
  let agency: AgencyFixture;
  let deps: TokenHealthDeps;
  /** What the platform answers to the next refresh. */
  let answer: (request: RefreshTokenRequest) => Promise<RefreshedToken>;
  const calls: RefreshTokenRequest[] = [];
  const now = new Date('2030-04-01T10:00:00Z');
  const inMinutes = (m: number) => new Date(now.getTime() + m * 60_000);

  beforeAll(async () => {
    t = await createTestDatabase();
    agency = await createAgency(t.db, { pages: 3 });
    const adapter: PlatformAdapter = {
      platform: 'x',
      rules: PLATFORM_RULES.x,
      publish: () => Promise.reject(new Error('not in this test')),
      reconcile: () => Promise.reject(new Error('not in this test')),
      refreshToken: (request) => {
        calls.push(request);
        return answer(request);
      },
    };
    const facebook: PlatformAdapter = { ...adapter, platform: 'facebook', refreshToken: undefined };
    deps = {
      db: t.db,
      tokenKey: TEST_TOKEN_KEY,
      now: () => now,
      adapterFor: (platform) => (platform === 'x' ? adapter : facebook),
    };
  });
  afterAll(() => t.drop());

  /** Turns fixture account `i` into an X account with these credentials. */
  async function xAccount(
    i: number,
    data: { expiresAt: Date; refreshToken: string | null; status?: 'active' | 'needs_action' },
  ) {
    const account = agency.accounts[i]!;
    await t.db.socialAccount.update({
      where: { id: account.id },
      data: {
        platform: 'x',
        accessTokenEncrypted: encryptSecret(`access-${i}`, TEST_TOKEN_KEY),
        refreshTokenEncrypted: data.refreshToken
          ? encryptSecret(data.refreshToken, TEST_TOKEN_KEY)
          : null,
        tokenExpiresAt: data.expiresAt,
        status: data.status ?? 'active',
      },
    });
    return account.id;
  }

  const row = (id: string) => t.db.socialAccount.findUniqueOrThrow({ where: { id } });

  it('refreshes a token about to expire, keeps the rotated refresh token, and resumes held posts', async () => {
    const { targetId } = await scheduleOneTarget(t.db, agency, {
      caption: 'Waiting for X',
      now: inMinutes(-60),
      scheduledFor: inMinutes(-5),
    });
    const id = await xAccount(0, {
      expiresAt: inMinutes(10),
      refreshToken: 'refresh-1',
      status: 'needs_action',
    });
    await t.db.postTarget.update({
      where: { id: targetId },
      data: { status: 'waiting_for_account' },
    });
    answer = () =>
      Promise.resolve({
        accessToken: 'access-new',
        refreshToken: 'refresh-2',
        expiresAt: inMinutes(120),
      });

    const result = await refreshExpiringTokens(deps);
    expect(result).toMatchObject({ refreshed: 1, refused: 0, deferred: 0 });
    expect(calls.at(-1)).toEqual({ accessToken: 'access-0', refreshToken: 'refresh-1' });
    const account = await row(id);
    expect(account.status).toBe('active');
    expect(account.tokenExpiresAt).toEqual(inMinutes(120));
    expect(decryptSecret(account.accessTokenEncrypted, TEST_TOKEN_KEY)).toBe('access-new');
    expect(decryptSecret(account.refreshTokenEncrypted!, TEST_TOKEN_KEY)).toBe('refresh-2');
    const target = await t.db.postTarget.findUniqueOrThrow({ where: { id: targetId } });
    expect(target.status).toBe('scheduled');
    expect((await findJob(t.db, publishJobKey(targetId)))?.run_at).toEqual(now);

    // Two hours left: nothing to do on the next run.
    const calledBefore = calls.length;
    expect((await refreshExpiringTokens(deps)).refreshed).toBe(0);
    expect(calls).toHaveLength(calledBefore);
  });

  it('tries again later when the platform cannot be reached, and asks a person once when it refuses', async () => {
    const id = await xAccount(1, { expiresAt: inMinutes(5), refreshToken: 'refresh-x' });
    answer = () => Promise.reject(new RetryablePublishError('X did not answer.'));
    expect(await refreshExpiringTokens(deps)).toMatchObject({ deferred: 1, refused: 0 });
    expect((await row(id)).status).toBe('active');

    answer = () => Promise.reject(new AuthPublishError('The refresh token was revoked.'));
    expect(await refreshExpiringTokens(deps)).toMatchObject({ refused: 1 });
    const account = await row(id);
    expect([account.status, account.statusReason, account.refreshTokenEncrypted]).toEqual([
      'needs_action',
      'The refresh token was revoked.',
      null,
    ]);
    const told = await t.db.notification.findMany({
      where: { kind: 'account_needs_action', data: { path: ['accountId'], equals: id } },
    });
    expect(told).toHaveLength(1);
    // Its refresh token is gone: the next run does not ask X again.
    const calledBefore = calls.length;
    await refreshExpiringTokens(deps);
    expect(calls).toHaveLength(calledBefore);
  });

  it('announces, once, a token nobody can refresh a week before it expires', async () => {
    const account = agency.accounts[2]!;
    await t.db.socialAccount.update({
      where: { id: account.id },
      data: { tokenExpiresAt: inMinutes(3 * 24 * 60) },
    });
    expect((await refreshExpiringTokens(deps)).warned).toBe(1);
    expect((await row(account.id)).status).toBe('expiring');
    expect((await refreshExpiringTokens(deps)).warned).toBe(0);
    const told = await t.db.notification.findMany({
      where: { kind: 'account_expiring', data: { path: ['accountId'], equals: account.id } },
    });
    expect(told.map((n) => n.body)).toEqual([
      `The Facebook access for ${account.handle} expires on 2030-04-04. Reconnect it before then so its posts keep going out.`,
    ]);
  });
});
