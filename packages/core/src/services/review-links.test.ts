// Client review links on real Postgres: only the hash is stored, the public view shows one
// post and nothing else, expired and revoked links say so, and decisions are throttled.
import { createHash } from 'node:crypto';
import {
  createAgency,
  createTestDatabase,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf } from '../testing.ts';
import { ForbiddenError, InvalidInputError, NotFoundError } from './errors.ts';
import { saveDraftPost } from './posts.ts';
import {
  createReviewLink,
  decideThroughReviewLink,
  listReviewLinks,
  openReviewLink,
  REVIEW_LINK_THROTTLE,
  revokeReviewLink,
} from './review-links.ts';
import { listComments, postActivity, reviewOf, submitForReview } from './review.ts';

describe('client review links', () => {
  let t: TestDatabase;
  let agency: AgencyFixture;
  let other: AgencyFixture;
  const now = new Date('2030-05-01T12:00:00Z');
  const days = (n: number) => new Date(now.getTime() + n * 86_400_000);
  let clientCounter = 0;
  /** A distinct address per test, so the throttle of one test does not reach another. */
  const address = () => `203.0.113.${++clientCounter}`;

  beforeAll(async () => {
    t = await createTestDatabase();
    agency = await createAgency(t.db);
    other = await createAgency(t.db);
  });
  afterAll(() => t.drop());

  async function postInReview(caption = 'For the client') {
    const post = await saveDraftPost(
      t.db,
      actorOf(agency),
      {
        clientId: agency.clientId,
        caption,
        accountIds: [agency.accounts[0]!.id],
        scheduledFor: days(2),
      },
      now,
    );
    await submitForReview(t.db, actorOf(agency), { postId: post.id }, now);
    return post;
  }

  it('stores only the hash, shows the one post and nothing else, and approves under a name', async () => {
    const post = await postInReview();
    const link = await createReviewLink(t.db, actorOf(agency), { postId: post.id }, now);
    expect(link.expiresAt).toEqual(days(7));
    const row = await t.db.postReviewLink.findUniqueOrThrow({ where: { id: link.id } });
    expect(row.tokenHash).toBe(createHash('sha256').update(link.token).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(link.token);

    const opened = await openReviewLink(t.db, null, link.token, days(1));
    expect(opened).toEqual({
      state: 'active',
      expiresAt: days(7),
      post: {
        caption: 'For the client',
        reviewStatus: 'in_review',
        timezone: 'Europe/Oslo',
        media: [],
        targets: [{ platform: 'facebook', scheduledFor: days(2) }],
      },
    });
    // Neither the client's nor the agency's names, nor the account's handle, reach the page.
    const client = await t.db.client.findUniqueOrThrow({ where: { id: agency.clientId } });
    for (const secret of [
      client.name,
      agency.accounts[0]!.handle,
      agency.email,
      agency.organizationId,
    ]) {
      expect(JSON.stringify(opened)).not.toContain(secret);
    }

    const decided = await decideThroughReviewLink(
      t.db,
      {
        token: link.token,
        name: ' Clara Client ',
        decision: 'approve',
        comment: 'Lovely.',
        clientKey: address(),
      },
      days(1),
    );
    expect(decided).toEqual({ outcome: 'decided', reviewStatus: 'approved' });
    const review = await reviewOf(t.db, actorOf(agency), post.id);
    expect(review).toMatchObject({
      status: 'approved',
      approvedBy: 'Clara Client',
      approvedExternally: true,
    });
    expect(
      (await listComments(t.db, actorOf(agency), post.id)).map((c) => [
        c.authorName,
        c.body,
        c.external,
      ]),
    ).toEqual([['Clara Client', 'Lovely.', true]]);
    const trail = await postActivity(t.db, actorOf(agency), post.id);
    expect(trail[0]).toMatchObject({
      action: 'post.review.approve',
      actorName: 'Clara Client',
      data: { from: 'in_review', to: 'approved', via: 'review_link' },
    });
    expect(
      await t.db.notification.count({ where: { userId: agency.userId, kind: 'post_approved' } }),
    ).toBe(1);
  });

  it('asks for changes only with a comment, and says what is missing', async () => {
    const post = await postInReview();
    const { token } = await createReviewLink(
      t.db,
      actorOf(agency),
      { postId: post.id, days: 2 },
      now,
    );
    const ask = (name: string, comment: string) =>
      decideThroughReviewLink(
        t.db,
        { token, name, decision: 'request_changes', comment, clientKey: address() },
        now,
      );
    await expect(ask('Clara', '  ')).rejects.toThrow(
      'Say what should change, so the team can fix it.',
    );
    await expect(ask('', 'Too long')).rejects.toThrow(InvalidInputError);
    expect((await reviewOf(t.db, actorOf(agency), post.id)).status).toBe('in_review');
    expect(await ask('Clara', 'Use the blue photo.')).toEqual({
      outcome: 'decided',
      reviewStatus: 'changes_requested',
    });
  });

  it('says when a link has expired or was revoked, and decides nothing through it', async () => {
    const post = await postInReview();
    const short = await createReviewLink(t.db, actorOf(agency), { postId: post.id, days: 1 }, now);
    const revoked = await createReviewLink(t.db, actorOf(agency), { postId: post.id }, now);
    await revokeReviewLink(t.db, actorOf(agency), { linkId: revoked.id }, now);

    expect(await openReviewLink(t.db, null, short.token, days(2))).toEqual({ state: 'expired' });
    expect(await openReviewLink(t.db, null, revoked.token, now)).toEqual({ state: 'revoked' });
    expect(await openReviewLink(t.db, null, 'not-a-token', now)).toEqual({ state: 'unknown' });
    for (const [token, state] of [
      [short.token, 'expired'],
      [revoked.token, 'revoked'],
    ] as const) {
      expect(
        await decideThroughReviewLink(
          t.db,
          { token, name: 'Clara', decision: 'approve', comment: '', clientKey: address() },
          days(2),
        ),
      ).toEqual({ outcome: 'unavailable', state });
    }
    expect((await reviewOf(t.db, actorOf(agency), post.id)).status).toBe('in_review');
    expect(
      (await listReviewLinks(t.db, actorOf(agency), post.id, days(2))).map((l) => l.state).sort(),
    ).toEqual(['expired', 'revoked']);
  });

  it('throttles decisions from one address', async () => {
    const post = await postInReview();
    const { token } = await createReviewLink(t.db, actorOf(agency), { postId: post.id }, now);
    const clientKey = address();
    const tries = [];
    for (let i = 0; i <= REVIEW_LINK_THROTTLE.points; i++) {
      tries.push(
        await decideThroughReviewLink(
          t.db,
          { token: `wrong-${i}`, name: 'Mallory', decision: 'approve', comment: '', clientKey },
          now,
        ),
      );
    }
    expect(tries.slice(0, -1).every((r) => r.outcome === 'unavailable')).toBe(true);
    expect(tries.at(-1)).toMatchObject({ outcome: 'throttled' });
    // The same address is refused even with the right token, before anything is decided.
    expect(
      await decideThroughReviewLink(
        t.db,
        { token, name: 'Mallory', decision: 'approve', comment: '', clientKey },
        now,
      ),
    ).toMatchObject({ outcome: 'throttled' });
    expect((await reviewOf(t.db, actorOf(agency), post.id)).status).toBe('in_review');
  });

  it('lets only approvers of the same organization create, list or revoke links', async () => {
    const post = await postInReview();
    const editor = { ...actorOf(agency), role: 'editor' as const };
    await expect(createReviewLink(t.db, editor, { postId: post.id })).rejects.toThrow(
      ForbiddenError,
    );
    await expect(createReviewLink(t.db, actorOf(other), { postId: post.id })).rejects.toThrow(
      NotFoundError,
    );
    await expect(
      createReviewLink(t.db, actorOf(agency), { postId: post.id, days: 0 }),
    ).rejects.toThrow(InvalidInputError);
    const link = await createReviewLink(t.db, actorOf(agency), { postId: post.id });
    await expect(revokeReviewLink(t.db, actorOf(other), { linkId: link.id })).rejects.toThrow(
      NotFoundError,
    );
    await expect(listReviewLinks(t.db, actorOf(other), post.id)).rejects.toThrow(NotFoundError);
  });
});
