// Re-encrypting stored tokens after the key changed, against a real database: every account
// token and pending grant ends under the new key with the same plaintext, in batches, a second
// run finds nothing to do, a row written meanwhile is not overwritten (a real row lock makes
// the race happen), and a row sealed with a key the server lacks is reported, not fatal.
import { createCipheriv, randomBytes } from 'node:crypto';
import { decryptSecret, encryptSecret, TokenKeyring, tokenKeyId } from '@herald/db';
import {
  createAgency,
  createTestDatabase,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reencryptTokens } from './token-keys.ts';

/** A secret in the v1 format (no key id), as Herald wrote them before key rotation. */
function sealV1(plaintext: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), body]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

/** A key whose id has an `_` in it (a LIKE wildcard); about one key in six has one. */
function keyWithUnderscoreInId(): Buffer {
  for (;;) {
    const key = randomBytes(32);
    if (tokenKeyId(key).includes('_')) return key;
  }
}

describe('reencryptTokens', () => {
  let t: TestDatabase;
  let agency: AgencyFixture;
  const oldKey = randomBytes(32);
  const newKey = keyWithUnderscoreInId();
  const before = new TokenKeyring(oldKey);
  const after = new TokenKeyring(newKey, [oldKey]);
  const plain = new Map<string, { access: string; refresh: string | null }>();

  beforeAll(async () => {
    t = await createTestDatabase();
    agency = await createAgency(t.db, { pages: 5, tokenKey: before });
    for (const [i, account] of agency.accounts.entries()) {
      const access = `sbx-page-${account.externalId}-test`;
      const refresh = i % 2 === 0 ? `refresh-${i}` : null;
      plain.set(account.id, { access, refresh });
      await t.db.socialAccount.update({
        where: { id: account.id },
        data: {
          // One from before key ids existed; the rest sealed with the old key as v2.
          accessTokenEncrypted: i === 0 ? sealV1(access, oldKey) : encryptSecret(access, before),
          refreshTokenEncrypted: refresh === null ? null : encryptSecret(refresh, before),
        },
      });
    }
  });
  afterAll(() => t.drop());

  const rows = () =>
    t.db.socialAccount.findMany({ where: { organizationId: agency.organizationId } });

  async function pendingGrant(identitiesEncrypted: string | null) {
    return t.db.oAuthConnection.create({
      data: {
        organizationId: agency.organizationId,
        clientId: agency.clientId,
        userId: agency.userId,
        platform: 'facebook',
        state: randomBytes(16).toString('base64url'),
        codeVerifier: 'v',
        identitiesEncrypted,
        expiresAt: new Date(Date.now() + 600_000),
      },
    });
  }

  it('seals every token and pending grant under the new key, keeping what they say, in batches', async () => {
    const grant = await pendingGrant(encryptSecret('[{"accessToken":"sbx-page-1-x"}]', before));
    const claiming = await pendingGrant(''); // the callback is claiming it: nothing sealed yet
    expect((await rows()).some((r) => after.isCurrent(r.accessTokenEncrypted))).toBe(false);

    const result = await reencryptTokens({ db: t.db, tokenKey: after, batchSize: 2 });
    expect(result).toEqual({
      resealed: { socialAccounts: 5, oauthConnections: 1 },
      changedMeanwhile: 0,
      unreadable: [],
    });
    for (const row of await rows()) {
      expect(row.accessTokenEncrypted.split('.').slice(0, 2)).toEqual(['v2', tokenKeyId(newKey)]);
      expect(decryptSecret(row.accessTokenEncrypted, after)).toBe(plain.get(row.id)!.access);
      if (row.refreshTokenEncrypted === null) {
        expect(plain.get(row.id)!.refresh).toBeNull();
      } else {
        expect(after.isCurrent(row.refreshTokenEncrypted)).toBe(true);
        expect(decryptSecret(row.refreshTokenEncrypted, after)).toBe(plain.get(row.id)!.refresh);
      }
      // The old key is no longer needed for any of them.
      expect(() => decryptSecret(row.accessTokenEncrypted, new TokenKeyring(newKey))).not.toThrow();
    }
    const grantNow = await t.db.oAuthConnection.findUniqueOrThrow({ where: { id: grant.id } });
    expect(decryptSecret(grantNow.identitiesEncrypted!, new TokenKeyring(newKey))).toBe(
      '[{"accessToken":"sbx-page-1-x"}]',
    );
    const claimingNow = await t.db.oAuthConnection.findUniqueOrThrow({
      where: { id: claiming.id },
    });
    expect(claimingNow.identitiesEncrypted).toBe('');

    // Idempotent: nothing is left to do, and nothing is rewritten.
    const sealed = (await rows()).map((r) => r.accessTokenEncrypted).sort();
    expect(await reencryptTokens({ db: t.db, tokenKey: after, batchSize: 2 })).toEqual({
      resealed: { socialAccounts: 0, oauthConnections: 0 },
      changedMeanwhile: 0,
      unreadable: [],
    });
    expect((await rows()).map((r) => r.accessTokenEncrypted).sort()).toEqual(sealed);
  });

  it('leaves a row written while it was being re-encrypted as the other writer left it', async () => {
    const account = agency.accounts[1]!;
    await t.db.socialAccount.update({
      where: { id: account.id },
      data: { accessTokenEncrypted: encryptSecret(plain.get(account.id)!.access, before) },
    });
    // A reconnect holds the row (updated, not committed) while the re-encryption reaches it.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const reconnect = t.db.$transaction(
      async (tx) => {
        await tx.socialAccount.update({
          where: { id: account.id },
          data: { accessTokenEncrypted: encryptSecret('sbx-page-reconnected', before) },
        });
        holding();
        await released;
      },
      { timeout: 20_000 },
    );
    await held;
    const run = reencryptTokens({ db: t.db, tokenKey: after });
    await waitUntilAnUpdateWaitsForARowLock(t);
    release();
    await reconnect;
    const result = await run;
    expect(result.changedMeanwhile).toBe(1);
    expect(result.resealed.socialAccounts).toBe(0);
    const row = await t.db.socialAccount.findUniqueOrThrow({ where: { id: account.id } });
    expect(decryptSecret(row.accessTokenEncrypted, after)).toBe('sbx-page-reconnected');

    // The reconnect wrote with the old key (a server not yet given the new one): the next run
    // picks it up.
    expect((await reencryptTokens({ db: t.db, tokenKey: after })).resealed.socialAccounts).toBe(1);
    const resealed = await t.db.socialAccount.findUniqueOrThrow({ where: { id: account.id } });
    expect(after.isCurrent(resealed.accessTokenEncrypted)).toBe(true);
    expect(decryptSecret(resealed.accessTokenEncrypted, after)).toBe('sbx-page-reconnected');
  });

  it('reports a row sealed with a key it does not have, by id and key id, and does the rest', async () => {
    const lost = randomBytes(32);
    const [stranger, lookalike, fine] = agency.accounts.slice(2, 5);
    await t.db.socialAccount.update({
      where: { id: stranger!.id },
      data: { accessTokenEncrypted: encryptSecret('sbx-page-lost', new TokenKeyring(lost)) },
    });
    // A key id equal to the current one except where it has `_`: a LIKE pattern would take
    // this row for current and skip it silently.
    const current = tokenKeyId(newKey);
    const similar = current.replace(/_/g, 'Q');
    const parts = encryptSecret('x', after).split('.');
    await t.db.socialAccount.update({
      where: { id: lookalike!.id },
      data: { accessTokenEncrypted: ['v2', similar, ...parts.slice(2)].join('.') },
    });
    await t.db.socialAccount.update({
      where: { id: fine!.id },
      data: { accessTokenEncrypted: encryptSecret('sbx-page-fine', before) },
    });

    const result = await reencryptTokens({ db: t.db, tokenKey: after, batchSize: 1 });
    expect(result.resealed.socialAccounts).toBe(1);
    expect(result.unreadable.map((u) => u.id).sort()).toEqual([stranger!.id, lookalike!.id].sort());
    const reason = result.unreadable.find((u) => u.id === stranger!.id)!.reason;
    expect(reason).toContain(`sealed with key ${tokenKeyId(lost)}`);
    expect(reason).toContain('TOKEN_ENCRYPTION_OLD_KEYS');
    expect(JSON.stringify(result)).not.toContain('sbx-page-lost');
    const row = await t.db.socialAccount.findUniqueOrThrow({ where: { id: fine!.id } });
    expect(decryptSecret(row.accessTokenEncrypted, after)).toBe('sbx-page-fine');
  });
});

/** Waits (on the database's own view of itself) until some UPDATE of social_accounts waits for a row lock. */
async function waitUntilAnUpdateWaitsForARowLock(t: TestDatabase): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const [row] = await t.db.$queryRaw<{ waiting: number }[]>`
      SELECT count(*)::int AS waiting FROM pg_stat_activity
      WHERE datname = current_database() AND wait_event_type = 'Lock'
        AND query ILIKE 'UPDATE%social_accounts%'`;
    if (row!.waiting > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('No UPDATE of social_accounts started waiting for the row lock within 15 s.');
}
