// The domain keeps its own lists (core/domain may not import the database); this proves each
// equals the Prisma enum it is stored as, in values and in type, so services need no casts.
import * as db from '@herald/db';
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as domain from '../domain/index.ts';

describe('domain enums and the database enums', () => {
  it.each([
    ['platform', domain.PLATFORMS, db.Platform],
    ['member role', domain.MEMBER_ROLES, db.MemberRole],
    ['social account status', domain.SOCIAL_ACCOUNT_STATUSES, db.SocialAccountStatus],
    ['target status', domain.TARGET_STATUSES, db.TargetStatus],
    ['media kind', domain.MEDIA_KINDS, db.MediaKind],
    ['media status', domain.MEDIA_STATUSES, db.MediaStatus],
    ['review status', domain.REVIEW_STATUSES, db.ReviewStatus],
  ])('the %s values are the same, in the same order', (_, ours, theirs) => {
    expect([...ours]).toEqual(Object.values(theirs));
  });

  it('every publish error kind is an attempt outcome', () => {
    const outcomes: readonly string[] = Object.values(db.AttemptOutcome);
    expect(domain.PUBLISH_ERROR_KINDS.filter((k) => !outcomes.includes(k))).toEqual([]);
  });

  it('the types are the same', () => {
    expectTypeOf<domain.Platform>().toEqualTypeOf<db.Platform>();
    expectTypeOf<domain.MemberRole>().toEqualTypeOf<db.MemberRole>();
    expectTypeOf<domain.SocialAccountStatus>().toEqualTypeOf<db.SocialAccountStatus>();
    expectTypeOf<domain.TargetStatus>().toEqualTypeOf<db.TargetStatus>();
    expectTypeOf<domain.MediaKind>().toEqualTypeOf<db.MediaKind>();
    expectTypeOf<domain.MediaStatus>().toEqualTypeOf<db.MediaStatus>();
    expectTypeOf<domain.ReviewStatus>().toEqualTypeOf<db.ReviewStatus>();
    expectTypeOf<domain.PublishErrorKind>().toExtend<db.AttemptOutcome>();
  });
});
