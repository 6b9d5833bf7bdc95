// Keeping accounts' tokens alive (the refresh_tokens cron task): refreshable tokens are
// exchanged before they expire, and the new credentials (a rotated refresh token included) are
// stored in the same transaction that resumes any targets held for the account; a refresh the
// platform refuses marks the account needs_action and tells people; a token nobody can refresh
// is announced a week before it expires.
import { decryptSecret, encryptSecret, type Db } from '@herald/db';
import { PLATFORM_LABELS, type Platform } from '../domain/platforms.ts';
import { EXPIRY_WARNING_MS, REFRESH_AHEAD_MS, tokenAction } from '../domain/token-health.ts';
import { AuthPublishError, PermanentPublishError } from '../providers/errors.ts';
import type { PlatformAdapter } from '../providers/types.ts';
import { resumeAccountTargets } from './account-holds.ts';
import { recordActivity } from './activity.ts';
import { notify } from './notifications.ts';

export interface TokenHealthDeps {
  db: Db;
  adapterFor: (platform: Platform) => PlatformAdapter;
  tokenKey: Buffer;
  now?: () => Date;
}

export interface TokenHealthResult {
  refreshed: number;
  /** The platform refused the refresh: the account needs a person. */
  refused: number;
  /** The platform could not be reached or erred: tried again on the next run. */
  deferred: number;
  warned: number;
}

/** How many accounts one run looks at, soonest expiry first. */
const BATCH = 200;

export async function refreshExpiringTokens(deps: TokenHealthDeps): Promise<TokenHealthResult> {
  const now = (deps.now ?? (() => new Date()))();
  const result: TokenHealthResult = { refreshed: 0, refused: 0, deferred: 0, warned: 0 };
  const accounts = await deps.db.socialAccount.findMany({
    where: {
      status: { not: 'revoked' },
      tokenExpiresAt: {
        not: null,
        lte: new Date(now.getTime() + Math.max(REFRESH_AHEAD_MS, EXPIRY_WARNING_MS)),
      },
    },
    orderBy: { tokenExpiresAt: 'asc' },
    take: BATCH,
  });
  for (const account of accounts) {
    let adapter: PlatformAdapter | null;
    try {
      adapter = deps.adapterFor(account.platform);
    } catch {
      adapter = null; // a platform without an adapter yet: its tokens are a person's to renew
    }
    const refreshable = Boolean(adapter?.refreshToken && account.refreshTokenEncrypted);
    const action = tokenAction({
      status: account.status,
      expiresAt: account.tokenExpiresAt,
      refreshable,
      now,
    });
    if (action === 'warn_expiring') {
      await deps.db.$transaction(async (tx) => {
        const { count } = await tx.socialAccount.updateMany({
          where: { id: account.id, status: 'active' },
          data: { status: 'expiring', statusReason: 'The access expires soon.' },
        });
        if (count === 0) return;
        await notify(tx, {
          organizationId: account.organizationId,
          kind: 'account_expiring',
          title: `Reconnect ${account.handle} soon`,
          body: `The ${PLATFORM_LABELS[account.platform]} access for ${account.handle} expires on ${account.tokenExpiresAt!.toISOString().slice(0, 10)}. Reconnect it before then so its posts keep going out.`,
          data: { accountId: account.id },
        });
      });
      result.warned += 1;
      continue;
    }
    if (action !== 'refresh' || !adapter?.refreshToken) continue;
    try {
      const fresh = await adapter.refreshToken({
        accessToken: decryptSecret(account.accessTokenEncrypted, deps.tokenKey),
        refreshToken: decryptSecret(account.refreshTokenEncrypted!, deps.tokenKey),
      });
      await deps.db.$transaction(async (tx) => {
        await tx.socialAccount.update({
          where: { id: account.id },
          data: {
            accessTokenEncrypted: encryptSecret(fresh.accessToken, deps.tokenKey),
            tokenExpiresAt: fresh.expiresAt,
            // A platform that rotates refresh tokens sends a new one; the old one is dead now.
            ...(fresh.refreshToken !== undefined
              ? {
                  refreshTokenEncrypted:
                    fresh.refreshToken === null
                      ? null
                      : encryptSecret(fresh.refreshToken, deps.tokenKey),
                }
              : {}),
          },
        });
        // Usable again: whatever waited for it goes out now.
        await resumeAccountTargets(tx, {
          accountId: account.id,
          organizationId: account.organizationId,
          now,
        });
        await recordActivity(tx, {
          organizationId: account.organizationId,
          actorUserId: null,
          action: 'account.token_refreshed',
          subjectType: 'social_account',
          subjectId: account.id,
          data: { expiresAt: fresh.expiresAt?.toISOString() ?? null },
        });
      });
      result.refreshed += 1;
    } catch (error) {
      if (!(error instanceof AuthPublishError || error instanceof PermanentPublishError)) {
        result.deferred += 1; // unreachable or erring: the next run tries again
        continue;
      }
      await deps.db.$transaction(async (tx) => {
        const { count } = await tx.socialAccount.updateMany({
          where: { id: account.id },
          // A refused refresh token is dead: forget it, so no run asks with it again.
          data: {
            status: 'needs_action',
            statusReason: error.message,
            refreshTokenEncrypted: null,
          },
        });
        if (count === 0 || account.status === 'needs_action') return; // told already
        await notify(tx, {
          organizationId: account.organizationId,
          kind: 'account_needs_action',
          title: `Reconnect ${account.handle}`,
          body: `${PLATFORM_LABELS[account.platform]} refused to renew the access for ${account.handle}: ${error.message} Reconnect the account; its posts wait until then.`,
          data: { accountId: account.id },
        });
      });
      result.refused += 1;
    }
  }
  return result;
}
