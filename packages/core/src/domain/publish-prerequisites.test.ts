import { describe, expect, it } from 'vitest';
import { publishPrerequisiteProblem, type PublishPrerequisites } from './publish-prerequisites.ts';

const ready: PublishPrerequisites = {
  platform: 'facebook',
  accountHandle: 'Northwind Coffee',
  accountStatus: 'active',
  tokenExpiresAt: new Date('2030-06-01T00:00:00Z'),
  caption: 'Fresh beans are in.',
  now: new Date('2030-05-01T12:00:00Z'),
};

describe('publishPrerequisiteProblem', () => {
  it('lets a usable account with a live token and a valid caption through', () => {
    expect(publishPrerequisiteProblem(ready)).toBeNull();
    expect(publishPrerequisiteProblem({ ...ready, tokenExpiresAt: null })).toBeNull();
    expect(publishPrerequisiteProblem({ ...ready, accountStatus: 'expiring' })).toBeNull();
  });

  it('asks for a reconnect when the account is unusable or its token has expired', () => {
    expect(publishPrerequisiteProblem({ ...ready, accountStatus: 'revoked' })).toEqual({
      kind: 'auth',
      message: 'Northwind Coffee needs to be reconnected before Herald can post to it.',
    });
    expect(
      publishPrerequisiteProblem({ ...ready, tokenExpiresAt: new Date('2030-05-01T11:59:59Z') }),
    ).toEqual({
      kind: 'auth',
      message:
        'The Facebook access for Northwind Coffee expired on 2030-05-01. Reconnect the account to post again.',
    });
  });

  it("refuses a caption the platform's rules refuse", () => {
    expect(publishPrerequisiteProblem({ ...ready, caption: 'x'.repeat(63_207) })).toEqual({
      kind: 'content',
      message: 'The caption is 63,207 characters; Facebook allows 63,206 characters.',
    });
  });
});
