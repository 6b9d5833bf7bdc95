// Keeping accounts' tokens alive, in two cron tasks that share one rule (domain/token-health.ts)
// and one Graphile queue, so they never run at once (docs/decisions/0027, 0033):
//   refresh_tokens         every five minutes: refreshable tokens are exchanged just before
//                          they expire
//   check_expiring_tokens  nightly, five days ahead: refreshable tokens are exchanged early; a
//                          token nobody can refresh is announced once (`expiring`) and marked
//                          `needs_action` once it has run out
// New credentials (a rotated refresh token included) are stored in the transaction that resumes
// the account's held targets, unless the account changed meanwhile (a reconnect wins). A refresh
// the platform refuses marks the account needs_action. Whatever needs a person gets one
// notification with a reconnect link and one email to the organization's owners and admins.
import {
  decryptSecret,
  encryptSecret,
  TokenKeyError,
  type Db,
  type TokenKeyring,
  type Tx,
} from '@herald/db';
import { PLATFORM_LABELS, type Platform } from '../domain/platforms.ts';
import { CHECK_AHEAD_MS, tokenAction, type TokenCheck } from '../domain/token-health.ts';
import { AuthPublishError, PermanentPublishError } from '../providers/errors.ts';
import type { PlatformAdapter } from '../providers/types.ts';
import { resumeAccountTargets } from './account-holds.ts';
import { recordActivity } from './activity.ts';
import { ACCOUNT_EMAIL_ROLES, emailNotification } from './notification-emails.ts';
import { notify, type NotificationInput } from './notifications.ts';

export interface TokenHealthDeps {
  db: Db;
  adapterFor: (platform: Platform) => PlatformAdapter;
  tokenKey: TokenKeyring;
  /** The web app's public origin (PUBLIC_URL) for reconnect links; without it, links are paths. */
  publicUrl?: string;
  now?: () => Date;
}

export interface TokenHealthResult {
  refreshed: number;
  /** The platform refused the refresh: the account needs a person. */
  refused: number;
  /** The platform could not be reached or erred: tried again on the next run. */
  deferred: number;
  /** Announced as expiring (nightly). */
  warned: number;
  /** Ran out with nobody able to renew it: marked needs_action (nightly). */
  expired: number;
  /** Sealed with a key this server does not have (see TOKEN_ENCRYPTION_OLD_KEYS): left alone. */
  unreadable: number;
}

/** How many accounts one query fetches; a run goes on until none are left. */
const BATCH = 200;

/** The client page's Accounts section, where a person reconnects an account. */
export function reconnectUrl(publicUrl: string | undefined, clientId: string): string {
  const path = `/clients/${clientId}#accounts-heading`;
  return publicUrl ? `${publicUrl.replace(/\/+$/, '')}${path}` : path;
}

/** The five-minute sweep (refresh_tokens). */
export function refreshExpiringTokens(deps: TokenHealthDeps): Promise<TokenHealthResult> {
  return checkTokens(deps, 'sweep');
}

/** The nightly check (check_expiring_tokens, seed 000 §2). */
export function checkExpiringTokens(deps: TokenHealthDeps): Promise<TokenHealthResult> {
  return checkTokens(deps, 'nightly');
}

type Account = Awaited<ReturnType<typeof accountsDue>>[number];

function accountsDue(db: Db, horizon: Date, after: string | undefined) {
  return db.socialAccount.findMany({
    where: {
      status: { not: 'revoked' },
      tokenExpiresAt: { not: null, lte: horizon },
      ...(after ? { id: { gt: after } } : {}),
    },
    include: { client: { select: { name: true } } },
    // By id, not expiry: a refresh moves an account's expiry, never its id.
    orderBy: { id: 'asc' },
    take: BATCH,
  });
}

async function checkTokens(deps: TokenHealthDeps, check: TokenCheck): Promise<TokenHealthResult> {
  const now = (deps.now ?? (() => new Date()))();
  const result: TokenHealthResult = {
    refreshed: 0,
    refused: 0,
    deferred: 0,
    warned: 0,
    expired: 0,
    unreadable: 0,
  };
  const horizon = new Date(now.getTime() + CHECK_AHEAD_MS[check]);
  let after: string | undefined;
  for (;;) {
    const accounts = await accountsDue(deps.db, horizon, after);
    for (const account of accounts) {
      let adapter: PlatformAdapter | null;
      try {
        adapter = deps.adapterFor(account.platform);
      } catch {
        adapter = null; // a platform without an adapter yet: its tokens are a person's to renew
      }
      const refreshable = Boolean(adapter?.refreshToken && account.refreshTokenEncrypted);
      const action = tokenAction(
        { status: account.status, expiresAt: account.tokenExpiresAt, refreshable, now },
        check,
      );
      if (action === 'warn_expiring') {
        if (await warnExpiring(deps, account, now)) result.warned += 1;
      } else if (action === 'mark_expired') {
        if (await markExpired(deps, account, now)) result.expired += 1;
      } else if (action === 'refresh' && adapter?.refreshToken) {
        result[await refresh(deps, account, adapter, now)] += 1;
      }
    }
    if (accounts.length < BATCH) return result;
    after = accounts.at(-1)!.id;
  }
}

/** Tells people, in the caller's transaction: one notification, one email each to owners and admins. */
async function tell(
  tx: Tx,
  deps: TokenHealthDeps,
  account: Account,
  now: Date,
  message: Pick<NotificationInput, 'kind' | 'title' | 'body'>,
) {
  const notificationId = await notify(tx, {
    organizationId: account.organizationId,
    ...message,
    data: {
      accountId: account.id,
      clientId: account.clientId,
      reconnectUrl: reconnectUrl(deps.publicUrl, account.clientId),
    },
  });
  await emailNotification(tx, {
    notificationId,
    organizationId: account.organizationId,
    roles: ACCOUNT_EMAIL_ROLES,
    now,
  });
}

const day = (date: Date) => date.toISOString().slice(0, 10);
const who = (account: Account) => `${account.handle} (${account.client.name})`;

async function warnExpiring(deps: TokenHealthDeps, account: Account, now: Date): Promise<boolean> {
  return deps.db.$transaction(async (tx) => {
    // Once per expiry: only an `active` account with this very expiry moves to `expiring`.
    const { count } = await tx.socialAccount.updateMany({
      where: {
        id: account.id,
        organizationId: account.organizationId,
        status: 'active',
        tokenExpiresAt: account.tokenExpiresAt,
      },
      data: { status: 'expiring', statusReason: 'The access expires soon.' },
    });
    if (count === 0) return false;
    await tell(tx, deps, account, now, {
      kind: 'account_expiring',
      title: `Reconnect ${account.handle} soon`,
      body: `The ${PLATFORM_LABELS[account.platform]} access for ${who(account)} expires on ${day(account.tokenExpiresAt!)}. Reconnect it before then so its posts keep going out.`,
    });
    return true;
  });
}

async function markExpired(deps: TokenHealthDeps, account: Account, now: Date): Promise<boolean> {
  return deps.db.$transaction(async (tx) => {
    const { count } = await tx.socialAccount.updateMany({
      where: {
        id: account.id,
        organizationId: account.organizationId,
        status: { in: ['active', 'expiring'] },
        tokenExpiresAt: account.tokenExpiresAt,
      },
      data: { status: 'needs_action', statusReason: 'The access expired.' },
    });
    if (count === 0) return false;
    await tell(tx, deps, account, now, {
      kind: 'account_needs_action',
      title: `Reconnect ${account.handle}`,
      body: `The ${PLATFORM_LABELS[account.platform]} access for ${who(account)} expired on ${day(account.tokenExpiresAt!)}. Reconnect the account; its posts wait until then.`,
    });
    return true;
  });
}

async function refresh(
  deps: TokenHealthDeps,
  account: Account,
  adapter: PlatformAdapter,
  now: Date,
): Promise<'refreshed' | 'refused' | 'deferred' | 'unreadable'> {
  let used: { accessToken: string; refreshToken: string };
  try {
    used = {
      accessToken: decryptSecret(account.accessTokenEncrypted, deps.tokenKey),
      refreshToken: decryptSecret(account.refreshTokenEncrypted!, deps.tokenKey),
    };
  } catch (error) {
    if (error instanceof TokenKeyError) return 'unreadable'; // an operator's key, not the platform
    throw error;
  }
  try {
    const fresh = await adapter.refreshToken!(used);
    const stored = await deps.db.$transaction(async (tx) => {
      // A reconnect meanwhile brought newer credentials: they win. A re-encryption under a new
      // key changed only the ciphertext, so the credentials are compared, not the ciphertext.
      const current = await tx.socialAccount.findFirst({
        where: { id: account.id, organizationId: account.organizationId },
        select: { accessTokenEncrypted: true, refreshTokenEncrypted: true },
      });
      if (!current || !sameCredentials(deps.tokenKey, current, used)) return false;
      const { count } = await tx.socialAccount.updateMany({
        where: { id: account.id, ...current },
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
      if (count === 0) return false;
      // Usable again (`active`): whatever waited for it goes out now.
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
      return true;
    });
    return stored ? 'refreshed' : 'deferred';
  } catch (error) {
    if (!(error instanceof AuthPublishError || error instanceof PermanentPublishError)) {
      return 'deferred'; // unreachable or erring: the next run tries again
    }
    await deps.db.$transaction(async (tx) => {
      const unchanged = {
        id: account.id,
        organizationId: account.organizationId,
        accessTokenEncrypted: account.accessTokenEncrypted,
        refreshTokenEncrypted: account.refreshTokenEncrypted,
      };
      // A refused refresh token is dead: forget it, so no run asks with it again.
      const forget = { statusReason: error.message, refreshTokenEncrypted: null };
      const { count } = await tx.socialAccount.updateMany({
        where: { ...unchanged, status: { not: 'needs_action' } },
        data: { status: 'needs_action', ...forget },
      });
      if (count === 0) {
        await tx.socialAccount.updateMany({ where: unchanged, data: forget }); // told already
        return;
      }
      await tell(tx, deps, account, now, {
        kind: 'account_needs_action',
        title: `Reconnect ${account.handle}`,
        body: `${PLATFORM_LABELS[account.platform]} refused to renew the access for ${who(account)}: ${error.message} Reconnect the account; its posts wait until then.`,
      });
    });
    return 'refused';
  }
}

function sameCredentials(
  keys: TokenKeyring,
  row: { accessTokenEncrypted: string; refreshTokenEncrypted: string | null },
  used: { accessToken: string; refreshToken: string },
): boolean {
  try {
    return (
      row.refreshTokenEncrypted !== null &&
      decryptSecret(row.accessTokenEncrypted, keys) === used.accessToken &&
      decryptSecret(row.refreshTokenEncrypted, keys) === used.refreshToken
    );
  } catch {
    return false;
  }
}
