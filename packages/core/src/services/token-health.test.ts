// Keeping tokens alive against a real database, with a scripted platform: a refresh stores the
// rotated credentials and resumes held targets in one go (unless a reconnect came first); a
// refused refresh asks a person once; an unreachable platform is tried again; the nightly check
// refreshes five days ahead, announces once a token nobody can refresh, and marks it when it
// runs out — each announcement one notification and one email job per owner and admin.
import { randomBytes } from 'node:crypto';
import { decryptSecret, encryptSecret, parseTokenKeyring } from '@herald/db';
import {
  createAgency,
  createTestDatabase,
  findJob,
  TEST_TOKEN_KEY,
  TEST_TOKEN_KEY_BASE64,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLATFORM_RULES } from '../domain/platform-rules.ts';
import { AuthPublishError, RetryablePublishError } from '../providers/errors.ts';
import type { PlatformAdapter, RefreshTokenRequest, RefreshedToken } from '../providers/types.ts';
import { scheduleOneTarget } from '../testing.ts';
import { publishJobKey } from './publish-job.ts';
import { SEND_NOTIFICATION_EMAIL_TASK } from './notification-emails.ts';
import {
  checkExpiringTokens,
  reconnectUrl,
  refreshExpiringTokens,
  type TokenHealthDeps,
} from './token-health.ts';
import { reencryptTokens } from './token-keys.ts';

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
    agency = await createAgency(t.db, { pages: 6 });
    // Besides the owner: an admin (emailed) and an editor (not).
    for (const role of ['admin', 'editor'] as const) {
      const user = await t.db.user.create({
        data: { email: `${role}-${agency.email}`, name: role, passwordHash: 'x' },
      });
      await t.db.member.create({
        data: { organizationId: agency.organizationId, userId: user.id, role },
      });
    }
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
      publicUrl: 'https://herald.test/',
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

  /** The recipients of the email jobs queued for a notification. */
  async function emailJobsFor(notificationId: string): Promise<string[]> {
    const jobs = await t.db.$queryRaw<{ user_id: string }[]>`
      SELECT payload->>'userId' AS user_id FROM graphile_worker._private_jobs j
      JOIN graphile_worker._private_tasks k ON k.id = j.task_id
      WHERE k.identifier = ${SEND_NOTIFICATION_EMAIL_TASK}
        AND payload->>'notificationId' = ${notificationId}`;
    const members = await t.db.member.findMany({
      where: { organizationId: agency.organizationId, userId: { in: jobs.map((j) => j.user_id) } },
    });
    return members.map((m) => m.role).sort();
  }

  const told = (kind: string, accountId: string) =>
    t.db.notification.findMany({
      where: { kind, data: { path: ['accountId'], equals: accountId } },
    });

  it('nightly: announces, once, a token nobody can refresh five days before it expires', async () => {
    const account = agency.accounts[2]!;
    await t.db.socialAccount.update({
      where: { id: account.id },
      data: { tokenExpiresAt: inMinutes(3 * 24 * 60) },
    });
    // The sweep leaves announcing to the nightly check.
    expect(await refreshExpiringTokens(deps)).toMatchObject({ warned: 0 });
    expect((await row(account.id)).status).toBe('active');

    expect((await checkExpiringTokens(deps)).warned).toBe(1);
    expect((await row(account.id)).status).toBe('expiring');
    expect((await checkExpiringTokens(deps)).warned).toBe(0);
    const notifications = await told('account_expiring', account.id);
    expect(notifications.map((n) => [n.title, n.body, n.data])).toEqual([
      [
        `Reconnect ${account.handle} soon`,
        `The Facebook access for ${account.handle} (${(await t.db.client.findUniqueOrThrow({ where: { id: agency.clientId } })).name}) expires on 2030-04-04. Reconnect it before then so its posts keep going out.`,
        {
          accountId: account.id,
          clientId: agency.clientId,
          reconnectUrl: `https://herald.test/clients/${agency.clientId}#accounts-heading`,
        },
      ],
    ]);
    // One email each to the owner and the admin; none to the editor.
    expect(await emailJobsFor(notifications[0]!.id)).toEqual(['admin', 'owner']);
  });

  it('nightly: refreshes a refreshable token five days ahead, and asks a person once if refused', async () => {
    const early = await xAccount(3, {
      expiresAt: inMinutes(4 * 24 * 60),
      refreshToken: 'refresh-early',
    });
    answer = () =>
      Promise.resolve({ accessToken: 'access-early', expiresAt: inMinutes(5 * 24 * 60 + 60) });
    // Not the sweep's business yet; the nightly check's.
    expect(await refreshExpiringTokens(deps)).toMatchObject({ refreshed: 0 });
    expect(await checkExpiringTokens(deps)).toMatchObject({ refreshed: 1, warned: 0 });
    expect(decryptSecret((await row(early)).accessTokenEncrypted, TEST_TOKEN_KEY)).toBe(
      'access-early',
    );
    // No rotated refresh token sent: the one it has stays.
    expect(decryptSecret((await row(early)).refreshTokenEncrypted!, TEST_TOKEN_KEY)).toBe(
      'refresh-early',
    );

    const refused = await xAccount(4, {
      expiresAt: inMinutes(2 * 24 * 60),
      refreshToken: 'refresh-dead',
    });
    answer = () => Promise.reject(new AuthPublishError('The refresh token was revoked.'));
    expect(await checkExpiringTokens(deps)).toMatchObject({ refused: 1 });
    expect((await row(refused)).status).toBe('needs_action');
    const notifications = await told('account_needs_action', refused);
    expect(notifications).toHaveLength(1);
    expect(notifications[0]!.data).toMatchObject({
      reconnectUrl: reconnectUrl('https://herald.test', agency.clientId),
    });
    expect(await emailJobsFor(notifications[0]!.id)).toEqual(['admin', 'owner']);
    // Its refresh token is forgotten, so the next night neither asks X nor tells anyone again.
    await checkExpiringTokens(deps);
    expect(await told('account_needs_action', refused)).toHaveLength(1);
  });

  it('nightly: marks needs_action, once, a token nobody can refresh that has run out', async () => {
    const account = agency.accounts[5]!;
    await t.db.socialAccount.update({
      where: { id: account.id },
      data: { tokenExpiresAt: inMinutes(-60), status: 'expiring' },
    });
    expect((await checkExpiringTokens(deps)).expired).toBe(1);
    expect(await checkExpiringTokens(deps)).toMatchObject({ expired: 0 });
    const account2 = await row(account.id);
    expect([account2.status, account2.statusReason]).toEqual([
      'needs_action',
      'The access expired.',
    ]);
    const notifications = await told('account_needs_action', account.id);
    expect(notifications.map((n) => n.body)).toEqual([
      expect.stringContaining(
        'expired on 2030-04-01. Reconnect the account; its posts wait until then.',
      ),
    ]);
  });

  it('keeps credentials a reconnect stored while the platform was refreshing the old ones', async () => {
    const id = await xAccount(0, { expiresAt: inMinutes(5), refreshToken: 'refresh-race' });
    answer = async () => {
      // The person reconnects while X answers the refresh.
      await t.db.socialAccount.update({
        where: { id },
        data: {
          accessTokenEncrypted: encryptSecret('access-reconnected', TEST_TOKEN_KEY),
          refreshTokenEncrypted: encryptSecret('refresh-reconnected', TEST_TOKEN_KEY),
          tokenExpiresAt: inMinutes(120),
        },
      });
      return {
        accessToken: 'access-refreshed',
        refreshToken: 'refresh-refreshed',
        expiresAt: inMinutes(120),
      };
    };
    expect(await refreshExpiringTokens(deps)).toMatchObject({ refreshed: 0, deferred: 1 });
    const account = await row(id);
    expect(decryptSecret(account.accessTokenEncrypted, TEST_TOKEN_KEY)).toBe('access-reconnected');
    expect(decryptSecret(account.refreshTokenEncrypted!, TEST_TOKEN_KEY)).toBe(
      'refresh-reconnected',
    );
  });

  it('stores a rotated refresh token even when the row was re-encrypted under a new key meanwhile', async () => {
    // The key changed (the test key is now an old one) and a re-encryption runs mid-refresh.
    const keys = parseTokenKeyring(randomBytes(32).toString('base64'), TEST_TOKEN_KEY_BASE64);
    const id = await xAccount(1, { expiresAt: inMinutes(5), refreshToken: 'refresh-rekey' });
    answer = async () => {
      expect(
        (await reencryptTokens({ db: t.db, tokenKey: keys })).resealed.socialAccounts,
      ).toBeGreaterThan(0);
      return {
        accessToken: 'access-rekey',
        refreshToken: 'refresh-rekey-2',
        expiresAt: inMinutes(120),
      };
    };
    expect(await refreshExpiringTokens({ ...deps, tokenKey: keys })).toMatchObject({
      refreshed: 1,
    });
    const account = await row(id);
    expect(keys.isCurrent(account.refreshTokenEncrypted!)).toBe(true);
    expect(decryptSecret(account.refreshTokenEncrypted!, keys)).toBe('refresh-rekey-2');
    expect(decryptSecret(account.accessTokenEncrypted, keys)).toBe('access-rekey');
  });
});
