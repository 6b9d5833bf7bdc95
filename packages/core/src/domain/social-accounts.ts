// A social account's connection state. Values match the database enum `social_account_status`.
export const SOCIAL_ACCOUNT_STATUSES = ['active', 'expiring', 'needs_action', 'revoked'] as const;
export type SocialAccountStatus = (typeof SOCIAL_ACCOUNT_STATUSES)[number];

/** Whether Herald can post with this account's credentials, or a human must reconnect it first. */
export function isAccountUsable(status: SocialAccountStatus): boolean {
  return status === 'active' || status === 'expiring';
}

/** The statuses isAccountUsable accepts, for queries that must agree with it. */
export const USABLE_ACCOUNT_STATUSES = SOCIAL_ACCOUNT_STATUSES.filter(isAccountUsable);
