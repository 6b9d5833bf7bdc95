// How an account's connection state reads to a person, and whether they must reconnect it.
import type { SocialAccountStatus } from './social-accounts.ts';

export type HealthTone = 'ok' | 'warning' | 'problem';

export interface AccountHealth {
  label: string;
  tone: HealthTone;
  /** A person must go through the platform's consent page again for Herald to post. */
  needsReconnect: boolean;
}

const HEALTH: Record<SocialAccountStatus, AccountHealth> = {
  active: { label: 'Healthy', tone: 'ok', needsReconnect: false },
  // The token runs out soon and could not be renewed on its own: reconnecting renews it.
  expiring: { label: 'Expiring', tone: 'warning', needsReconnect: true },
  needs_action: { label: 'Needs reconnecting', tone: 'problem', needsReconnect: true },
  revoked: { label: 'Access revoked', tone: 'problem', needsReconnect: true },
};

export function accountHealth(status: SocialAccountStatus): AccountHealth {
  return HEALTH[status];
}
