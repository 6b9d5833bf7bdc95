// Finding secrets sealed under another key than the current one (re-encryption, ADR 0033).
// Raw SQL because Prisma's `startsWith` is a LIKE that does not escape `_`, and key ids are
// base64url, where `_` is a common character: `starts_with` compares the prefix as it is.
import type { TransactionClient } from './generated/prisma/internal/prismaNamespace.ts';

type Queryable = Pick<TransactionClient, '$queryRaw'>;

export interface SealedAccountRow {
  id: string;
  organizationId: string;
  accessTokenEncrypted: string;
  refreshTokenEncrypted: string | null;
}

/** Social accounts (all organizations) with a token not starting with `prefix`, in id order. */
export async function accountsNotSealedWith(
  db: Queryable,
  prefix: string,
  options: { afterId?: string; limit: number },
): Promise<SealedAccountRow[]> {
  const rows = await db.$queryRaw<
    {
      id: string;
      organization_id: string;
      access_token_encrypted: string;
      refresh_token_encrypted: string | null;
    }[]
  >`
    SELECT id::text, organization_id::text, access_token_encrypted, refresh_token_encrypted
    FROM social_accounts
    WHERE (NOT starts_with(access_token_encrypted, ${prefix})
           OR (refresh_token_encrypted IS NOT NULL
               AND NOT starts_with(refresh_token_encrypted, ${prefix})))
      AND (${options.afterId ?? null}::uuid IS NULL OR id > ${options.afterId ?? null}::uuid)
    ORDER BY id
    LIMIT ${options.limit}`;
  return rows.map((r) => ({
    id: r.id,
    organizationId: r.organization_id,
    accessTokenEncrypted: r.access_token_encrypted,
    refreshTokenEncrypted: r.refresh_token_encrypted,
  }));
}

export interface SealedGrantRow {
  id: string;
  organizationId: string;
  identitiesEncrypted: string;
}

/**
 * OAuth connections (all organizations) holding a grant not starting with `prefix`, in id
 * order. An empty value marks a grant being claimed by the callback: nothing sealed yet.
 */
export async function grantsNotSealedWith(
  db: Queryable,
  prefix: string,
  options: { afterId?: string; limit: number },
): Promise<SealedGrantRow[]> {
  const rows = await db.$queryRaw<
    { id: string; organization_id: string; identities_encrypted: string }[]
  >`
    SELECT id::text, organization_id::text, identities_encrypted
    FROM oauth_connections
    WHERE identities_encrypted IS NOT NULL AND identities_encrypted <> ''
      AND NOT starts_with(identities_encrypted, ${prefix})
      AND (${options.afterId ?? null}::uuid IS NULL OR id > ${options.afterId ?? null}::uuid)
    ORDER BY id
    LIMIT ${options.limit}`;
  return rows.map((r) => ({
    id: r.id,
    organizationId: r.organization_id,
    identitiesEncrypted: r.identities_encrypted,
  }));
}
