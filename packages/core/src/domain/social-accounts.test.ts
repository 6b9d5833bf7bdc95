import { describe, expect, it } from 'vitest';
import { isAccountUsable, SOCIAL_ACCOUNT_STATUSES } from './social-accounts.ts';

describe('isAccountUsable', () => {
  it('posts with active and expiring accounts, never with ones a human must reconnect', () => {
    const usable = SOCIAL_ACCOUNT_STATUSES.filter(isAccountUsable);
    expect(usable).toEqual(['active', 'expiring']);
  });
});
