// The activity feed on real Postgres: agency-wide and per client, newest first, paged, each
// event tied to its post, account and client, and never another organization's.
import {
  createAgency,
  createTestDatabase,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf, scheduleOneTarget } from '../testing.ts';
import { listActivity, recordActivity, type ActivityInput } from './activity.ts';

describe('the activity feed', () => {
  let t: TestDatabase;
  let agency: AgencyFixture;
  let other: AgencyFixture;

  beforeAll(async () => {
    t = await createTestDatabase();
    agency = await createAgency(t.db);
    other = await createAgency(t.db);
  });
  afterAll(async () => {
    await t?.drop();
  });

  it('lists who did what to which post or account, by client, newest first', async () => {
    const { postId, targetId } = await scheduleOneTarget(t.db, agency, { caption: 'Hello' });
    const secondClient = await t.db.client.create({
      data: { organizationId: agency.organizationId, name: 'Second', timezone: 'UTC' },
    });
    const base = Date.UTC(2030, 0, 1);
    let n = 0;
    const record = (
      input: Omit<ActivityInput, 'organizationId'>,
      organizationId = agency.organizationId,
    ) =>
      t.db.$transaction(async (tx) => {
        await recordActivity(tx, { organizationId, ...input });
        // Far in the future, in order, so they lead the feed.
        await tx.activityEvent.updateMany({
          where: { organizationId, subjectId: input.subjectId, action: input.action },
          data: { createdAt: new Date(base + ++n * 1000) },
        });
      });
    await record({
      actorUserId: agency.userId,
      action: 'post.rescheduled',
      subjectType: 'post',
      subjectId: postId,
    });
    await record({
      actorUserId: null,
      action: 'target.failed',
      subjectType: 'post_target',
      subjectId: targetId,
    });
    await record({
      actorUserId: null,
      action: 'account.token_refreshed',
      subjectType: 'social_account',
      subjectId: agency.accounts[0]!.id,
    });
    // Someone else's target id, recorded in another organization: never joined across.
    await record(
      {
        actorUserId: null,
        action: 'target.failed',
        subjectType: 'post_target',
        subjectId: targetId,
      },
      other.organizationId,
    );

    const feed = await listActivity(t.db, actorOf(agency), { pageSize: 3 });
    expect(feed.items.map((e) => [e.action, e.actorName, e.link, e.clientId])).toEqual([
      ['account.token_refreshed', null, `/clients/${agency.clientId}/accounts`, agency.clientId],
      ['target.failed', null, `/posts/${postId}`, agency.clientId],
      ['post.rescheduled', expect.any(String), `/posts/${postId}`, agency.clientId],
    ]);
    expect(feed.items[1]).toMatchObject({
      summary: 'post failed',
      accountHandle: agency.accounts[0]!.handle,
    });

    expect((await listActivity(t.db, actorOf(agency), { clientId: secondClient.id })).total).toBe(
      0,
    );
    const byClient = await listActivity(t.db, actorOf(agency), { clientId: agency.clientId });
    expect(byClient.items.slice(0, 3).map((e) => e.action)).toEqual([
      'account.token_refreshed',
      'target.failed',
      'post.rescheduled',
    ]);

    const theirs = await listActivity(t.db, actorOf(other));
    expect(theirs.items.map((e) => [e.action, e.postId, e.clientId])).toEqual([
      ['target.failed', null, null],
    ]);
    await expect(listActivity(t.db, actorOf(other), { clientId: agency.clientId })).rejects.toThrow(
      'Client not found',
    );
  });
});
