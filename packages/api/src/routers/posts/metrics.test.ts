// posts.metrics: the dashboard's read of a post's engagement snapshots, organization-scoped.
import { signIn } from '@herald/core';
import { scheduleOneTarget } from '@herald/core/testing';
import {
  createAgency,
  createTestDatabase,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaller } from '../../root.ts';
import { SESSION_COOKIE } from '../../session-cookie.ts';
import { createContext } from '../../trpc.ts';

async function callerFor(t: TestDatabase, agency: AgencyFixture) {
  const session = await signIn(t.db, { email: agency.email, password: agency.password });
  const headers = new Headers({ cookie: `${SESSION_COOKIE}=${session!.token}` });
  return createCaller(await createContext({ headers, db: t.db }));
}

describe('posts.metrics', () => {
  let t: TestDatabase;
  let agency: AgencyFixture;
  let postId: string;
  let targetId: string;
  const publishedAt = new Date('2026-12-01T09:00:00Z');

  beforeAll(async () => {
    t = await createTestDatabase();
    agency = await createAgency(t.db, { role: 'viewer' });
    // Written by someone allowed to write in the viewer's organization.
    const scheduled = await scheduleOneTarget(
      t.db,
      { ...agency, role: 'editor' },
      {
        caption: 'Measured',
      },
    );
    ({ postId, targetId } = scheduled);
    await t.db.postTarget.update({
      where: { id: targetId },
      data: {
        status: 'published',
        externalId: 'p1',
        externalUrl: 'https://x.test/p1',
        publishedAt,
      },
    });
    await t.db.metricSnapshot.create({
      data: {
        organizationId: agency.organizationId,
        targetId,
        bucket: '1h',
        takenAt: new Date(publishedAt.getTime() + 3_660_000),
        likes: 12,
        comments: 3,
        shares: 1,
        impressions: 480,
        views: null,
      },
    });
  });
  afterAll(() => t.drop());

  it("answers the post's snapshots by age, to a viewer of its organization", async () => {
    const api = await callerFor(t, agency);
    const metrics = await api.posts.metrics({ postId });
    expect(metrics).toEqual({
      postId,
      targets: [
        {
          targetId,
          platform: 'facebook',
          accountHandle: agency.accounts[0]!.handle,
          publishedAt,
          url: 'https://x.test/p1',
          snapshots: {
            '1h': {
              bucket: '1h',
              takenAt: new Date(publishedAt.getTime() + 3_660_000),
              likes: 12,
              comments: 3,
              shares: 1,
              impressions: 480,
              views: null,
              error: null,
            },
            '24h': null,
            '7d': null,
          },
        },
      ],
    });
    expect(await api.posts.metrics({ postId, targetId })).toEqual(metrics);
  });

  it('answers NOT_FOUND to another organization, and for a target of another post', async () => {
    const stranger = await createAgency(t.db);
    const api = await callerFor(t, stranger);
    const error = await api.posts.metrics({ postId }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe('NOT_FOUND');
    const theirs = await scheduleOneTarget(t.db, stranger, { caption: 'Theirs' });
    const mixed = await api.posts
      .metrics({ postId: theirs.postId, targetId })
      .catch((e: unknown) => e);
    expect((mixed as TRPCError).code).toBe('NOT_FOUND');
  });
});
