// When an account's access token needs attention, as a pure rule. A token Herald can refresh is
// refreshed a while before it expires (X's live two hours, so the sweep must come often); one
// it cannot refresh (no refresh token) is flagged `expiring` days ahead, so a person reconnects
// it before posts start waiting.
import type { SocialAccountStatus } from './social-accounts.ts';

/** Refresh a refreshable token this long before it expires. */
export const REFRESH_AHEAD_MS = 30 * 60_000;
/** Warn about a token nobody can refresh this long before it expires. */
export const EXPIRY_WARNING_MS = 7 * 24 * 60 * 60_000;

export type TokenAction =
  /** Nothing to do yet (or the token never expires). */
  | 'none'
  /** Exchange the refresh token now. */
  | 'refresh'
  /** Tell people to reconnect before it stops working; posting goes on meanwhile. */
  | 'warn_expiring';

export interface TokenState {
  status: SocialAccountStatus;
  /** Null: the platform said the token does not expire (Facebook Page tokens). */
  expiresAt: Date | null;
  /** The account has a refresh token and its platform's adapter can use it. */
  refreshable: boolean;
  now: Date;
}

export function tokenAction(state: TokenState): TokenAction {
  // needs_action and revoked wait for a person; refreshing is still worth a try for an
  // account that failed auth only because its access token ran out.
  if (state.status === 'revoked' || state.expiresAt === null) return 'none';
  const left = state.expiresAt.getTime() - state.now.getTime();
  if (state.refreshable) return left <= REFRESH_AHEAD_MS ? 'refresh' : 'none';
  if (state.status === 'needs_action') return 'none';
  return left <= EXPIRY_WARNING_MS && state.status !== 'expiring' ? 'warn_expiring' : 'none';
}
