// Who is calling and whether the project may: the bearer token names a Google user (tokens the
// token endpoint issued expire and die with their grant; ones minted by tests and the seed,
// `sbx-google_business-<user id>-<suffix>`, live until revoked), and every API request counts
// against the project's per-minute quota.
import type { IncomingMessage } from 'node:http';
import type { SandboxContext } from '../../router.ts';
import { bearerToken, checkToken } from '../../tokens.ts';
import { accountsOf, findAccount, findLocation, locationKey } from './directory.ts';
import { googleErrors, type GoogleError } from './errors.ts';
import { gbpState, type GbpState } from './state.ts';

const MINUTE_MS = 60_000;

/** The Google user the request's bearer token speaks for, or the 401 Google answers. */
export function authenticate(
  req: IncomingMessage,
  ctx: SandboxContext,
): { userId: string } | GoogleError {
  const token = bearerToken(req.headers.authorization);
  if (!token) return googleErrors.credentialsMissing();
  const check = checkToken('google_business', token, ctx.store);
  if (!check.ok) return googleErrors.invalidCredentials();
  const state = gbpState(ctx.store);
  const issued = state.accessTokens.get(token);
  if (issued) {
    if (state.grants.get(issued.grantId)?.revoked) return googleErrors.invalidCredentials();
    if (issued.expiresAt <= Date.now()) {
      return googleErrors.invalidCredentials('ACCESS_TOKEN_EXPIRED');
    }
  }
  return { userId: check.accountId };
}

/** Counts one request against the project's minute; the 429 when that minute is spent. */
export function countRequest(state: GbpState, now = Date.now()): GoogleError | undefined {
  // The window starts at its first request, so a test's burst never straddles two minutes.
  if (!state.minute || now - state.minute.startedAt >= MINUTE_MS) {
    state.minute = { startedAt: now, used: 0 };
  }
  if (state.minute.used >= state.settings.requestsPerMinute) {
    return googleErrors.perMinuteQuota(state.settings.requestsPerMinute);
  }
  state.minute.used += 1;
  return undefined;
}

/** Authenticates and counts: what every API method does first. */
export function admit(req: IncomingMessage, ctx: SandboxContext): { userId: string } | GoogleError {
  const caller = authenticate(req, ctx);
  if ('code' in caller) return caller;
  return countRequest(gbpState(ctx.store)) ?? caller;
}

/**
 * `accounts/{a}/locations/{l}` as the caller may use it: 404 when the account does not hold
 * that location (or either does not exist), 403 when the caller does not manage the account.
 */
export function authorizeLocation(
  userId: string,
  accountId: string,
  locationId: string,
): { location: string } | GoogleError {
  const account = findAccount(accountId);
  if (!account || !findLocation(locationId) || !account.locationIds.includes(locationId)) {
    return googleErrors.notFound();
  }
  if (!accountsOf(userId).includes(account)) return googleErrors.permissionDenied();
  return { location: locationKey(accountId, locationId) };
}

export const isGoogleError = (value: object): value is GoogleError =>
  'code' in value && 'message' in value;
