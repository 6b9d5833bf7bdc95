// Re-encrypting stored tokens under the current key (the reencrypt_tokens task, ADR 0033):
// after TOKEN_ENCRYPTION_KEY changes (the old key moved to TOKEN_ENCRYPTION_OLD_KEYS), every
// social account's access and refresh token and every pending OAuth grant still sealed with an
// old key is opened and sealed again. In batches, idempotent (what is current is skipped), and
// safe beside everything else that writes tokens: each row is written back only if it still
// holds the very ciphertext that was read (compare-and-set), so a reconnect or a refresh that
// landed meanwhile is never overwritten with older credentials.
import {
  accountsNotSealedWith,
  grantsNotSealedWith,
  TokenKeyError,
  type Db,
  type TokenKeyring,
} from '@herald/db';

export interface ReencryptDeps {
  db: Db;
  tokenKey: TokenKeyring;
  /** Rows per query; default 100. */
  batchSize?: number;
}

export interface ReencryptResult {
  /** Rows sealed again under the current key. */
  resealed: { socialAccounts: number; oauthConnections: number };
  /** Rows that changed between reading and writing: left as the other writer left them. */
  changedMeanwhile: number;
  /** Rows sealed with a key this server does not have; ids only, never a secret. */
  unreadable: { table: 'social_accounts' | 'oauth_connections'; id: string; reason: string }[];
}

/** Opens with any key and seals with the current one; null when already current (or absent). */
function reseal(keys: TokenKeyring, sealed: string | null): string | null {
  if (sealed === null || keys.isCurrent(sealed)) return null;
  return keys.seal(keys.open(sealed));
}

export async function reencryptTokens(deps: ReencryptDeps): Promise<ReencryptResult> {
  const keys = deps.tokenKey;
  const take = deps.batchSize ?? 100;
  const prefix = keys.currentPrefix;
  const result: ReencryptResult = {
    resealed: { socialAccounts: 0, oauthConnections: 0 },
    changedMeanwhile: 0,
    unreadable: [],
  };

  // Across every organization (a key is the deployment's, not a tenant's), in id order; a row
  // that cannot be opened is passed over, so the walk always ends.
  let after: string | undefined;
  for (;;) {
    const rows = await accountsNotSealedWith(deps.db, prefix, {
      ...(after ? { afterId: after } : {}),
      limit: take,
    });
    for (const row of rows) {
      let access: string | null;
      let refresh: string | null;
      try {
        access = reseal(keys, row.accessTokenEncrypted);
        refresh = reseal(keys, row.refreshTokenEncrypted);
      } catch (error) {
        if (!(error instanceof TokenKeyError)) throw error;
        result.unreadable.push({ table: 'social_accounts', id: row.id, reason: error.message });
        continue;
      }
      if (access === null && refresh === null) continue;
      const { count } = await deps.db.socialAccount.updateMany({
        where: {
          id: row.id,
          organizationId: row.organizationId,
          accessTokenEncrypted: row.accessTokenEncrypted,
          refreshTokenEncrypted: row.refreshTokenEncrypted,
        },
        data: {
          ...(access !== null ? { accessTokenEncrypted: access } : {}),
          ...(refresh !== null ? { refreshTokenEncrypted: refresh } : {}),
        },
      });
      if (count === 1) result.resealed.socialAccounts += 1;
      else result.changedMeanwhile += 1;
    }
    if (rows.length < take) break;
    after = rows.at(-1)!.id;
  }

  let afterGrant: string | undefined;
  for (;;) {
    const rows = await grantsNotSealedWith(deps.db, prefix, {
      ...(afterGrant ? { afterId: afterGrant } : {}),
      limit: take,
    });
    for (const row of rows) {
      let identities: string | null;
      try {
        identities = reseal(keys, row.identitiesEncrypted);
      } catch (error) {
        if (!(error instanceof TokenKeyError)) throw error;
        result.unreadable.push({ table: 'oauth_connections', id: row.id, reason: error.message });
        continue;
      }
      if (identities === null) continue;
      const { count } = await deps.db.oAuthConnection.updateMany({
        where: {
          id: row.id,
          organizationId: row.organizationId,
          identitiesEncrypted: row.identitiesEncrypted,
        },
        data: { identitiesEncrypted: identities },
      });
      if (count === 1) result.resealed.oauthConnections += 1;
      else result.changedMeanwhile += 1;
    }
    if (rows.length < take) break;
    afterGrant = rows.at(-1)!.id;
  }
  return result;
}
