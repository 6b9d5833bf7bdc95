// When an account's access token needs attention, as a pure rule, for the two checks that look
// (docs/decisions/0027, 0033):
//   sweep    every five minutes: a refreshable token is refreshed just before it expires (X's
//            live two hours, so the sweep must come often)
//   nightly  once a day, five days ahead: a refreshable token is refreshed early, so a refusal
//            is found while a person still has days to reconnect; one nobody can refresh is
//            announced (`expiring`) once per expiry, and marked `needs_action` once it has run out
import type { SocialAccountStatus } from './social-accounts.ts';

/** The sweep refreshes a refreshable token this long before it expires. */
export const REFRESH_AHEAD_MS = 30 * 60_000;
/** The nightly check looks this far ahead (seed 000 §2: five days). */
export const EXPIRY_CHECK_AHEAD_MS = 5 * 24 * 60 * 60_000;

export type TokenCheck = 'sweep' | 'nightly';

export type TokenAction =
  /** Nothing to do yet (or the token never expires). */
  | 'none'
  /** Exchange the refresh token now. */
  | 'refresh'
  /** Tell people to reconnect before it stops working; posting goes on meanwhile. */
  | 'warn_expiring'
  /** It has run out and nobody can renew it: the account needs a person now. */
  | 'mark_expired';

export interface TokenState {
  status: SocialAccountStatus;
  /** Null: the platform said the token does not expire (Facebook Page tokens). */
  expiresAt: Date | null;
  /** The account has a refresh token and its platform's adapter can use it. */
  refreshable: boolean;
  now: Date;
}

/** How far ahead each check looks. */
export const CHECK_AHEAD_MS: Record<TokenCheck, number> = {
  sweep: REFRESH_AHEAD_MS,
  nightly: EXPIRY_CHECK_AHEAD_MS,
};

export function tokenAction(state: TokenState, check: TokenCheck = 'sweep'): TokenAction {
  // needs_action and revoked wait for a person; refreshing is still worth a try for an
  // account that failed auth only because its access token ran out.
  if (state.status === 'revoked' || state.expiresAt === null) return 'none';
  const left = state.expiresAt.getTime() - state.now.getTime();
  if (state.refreshable) return left <= CHECK_AHEAD_MS[check] ? 'refresh' : 'none';
  // Announcing is the nightly check's alone, so people hear once a day at most.
  if (check === 'sweep' || state.status === 'needs_action') return 'none';
  if (left <= 0) return 'mark_expired';
  // `expiring` is the memory of the announcement: a reconnect or refresh makes it `active` again.
  return left <= EXPIRY_CHECK_AHEAD_MS && state.status === 'active' ? 'warn_expiring' : 'none';
}
