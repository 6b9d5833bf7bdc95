import {
  createAgency,
  createTestDatabase,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf, scheduleOneTarget } from '../testing.ts';
import { NotFoundError } from './errors.ts';
import { adminQueueHealth, getQueueHealth } from './queue-health.ts';

const NOW = new Date('2030-05-01T12:00:00Z');
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);

describe('the queue-health summary', () => {
  let t: TestDatabase;
  let agency: AgencyFixture;
  let other: AgencyFixture;

  /** A one-account post whose target is then put in `status` at `scheduledFor`. */
  async function target(
    a: AgencyFixture,
    status: 'scheduled' | 'publishing' | 'failed' | 'unconfirmed' | 'published',
    scheduledFor: Date,
  ) {
    const { targetId: id } = await scheduleOneTarget(t.db, a, {
      caption: `${status} at ${scheduledFor.toISOString()}`,
      now: NOW,
    });
    await t.db.postTarget.update({ where: { id }, data: { status, scheduledFor } });
    return id;
  }

  async function attempt(
    a: AgencyFixture,
    targetId: string,
    outcome: 'succeeded' | 'retryable' | 'permanent',
    finishedAt: Date,
    seconds: number,
  ) {
    const attemptNumber = (await t.db.publishAttempt.count({ where: { targetId } })) + 1;
    await t.db.publishAttempt.create({
      data: {
        organizationId: a.organizationId,
        targetId,
        attemptNumber,
        outcome,
        errorMessage: outcome === 'succeeded' ? null : `${outcome} problem`,
        startedAt: new Date(finishedAt.getTime() - seconds * 1000),
        finishedAt,
      },
    });
  }

  beforeAll(async () => {
    t = await createTestDatabase();
    agency = await createAgency(t.db);
    other = await createAgency(t.db);
  });
  afterAll(() => t.drop());

  it("counts the organization's own queue, its last hour, and its latest problems", async () => {
    await target(agency, 'scheduled', minutes(10)); // pending, not yet due
    await target(agency, 'scheduled', minutes(-5)); // pending and overdue
    await target(agency, 'publishing', minutes(0));
    const failed = await target(agency, 'failed', minutes(-20));
    await target(agency, 'unconfirmed', minutes(-30));
    const published = await target(agency, 'published', minutes(-40));
    await attempt(agency, published, 'succeeded', minutes(-39), 2);
    await attempt(agency, failed, 'retryable', minutes(-25), 1);
    await attempt(agency, failed, 'permanent', minutes(-15), 3);
    await attempt(agency, published, 'succeeded', minutes(-90), 4); // outside the hour
    // Another agency's trouble is not ours.
    const theirs = await target(other, 'scheduled', minutes(-50));
    await attempt(other, theirs, 'permanent', minutes(-1), 1);

    const health = await getQueueHealth(t.db, actorOf(agency), NOW);
    expect(health.counts).toEqual({
      pending: 2,
      overdue: 1,
      processing: 1,
      failed: 1,
      unconfirmed: 1,
    });
    expect(health.performance).toEqual({ finished: 3, succeeded: 1, averageSeconds: 2 });
    expect(health.status).toBe('unhealthy');
    expect(health.reasons[0]).toMatch(/^1 post is more than a minute overdue/);
    expect(health.lastIssues.map((i) => [i.outcome, i.message, i.account.handle])).toEqual([
      ['permanent', 'permanent problem', agency.accounts[0]!.handle],
      ['retryable', 'retryable problem', agency.accounts[0]!.handle],
    ]);

    // Hour by hour, ending with the current (still empty) hour: 11:00–12:00 had the published
    // and the two failed attempts' ends; the one at 10:30 falls in the 10:00 bucket.
    expect(health.history).toHaveLength(12);
    expect(health.history.at(-1)).toMatchObject({
      start: new Date('2030-05-01T12:00:00Z'),
      succeeded: 0,
      failed: 0,
    });
    expect(health.history.at(-2)).toMatchObject({
      start: new Date('2030-05-01T11:00:00Z'),
      succeeded: 1,
      failed: 2,
    });
    expect(health.history.at(-3)).toMatchObject({
      start: new Date('2030-05-01T10:00:00Z'),
      succeeded: 1,
      failed: 0,
      averageSeconds: 4,
    });

    const theirHealth = await getQueueHealth(t.db, actorOf(other), NOW);
    expect(theirHealth.counts).toMatchObject({ pending: 1, overdue: 1, failed: 0 });
    expect(theirHealth.lastIssues).toHaveLength(1);
    expect(theirHealth.history.at(-2)).toMatchObject({ succeeded: 0, failed: 1 });

    // Platform staff see every organization together; anyone else is told there is no page.
    const staff = await t.db.user.create({
      data: {
        email: 'queue-ops@herald.test',
        name: 'Ops',
        passwordHash: 'x',
        isPlatformStaff: true,
      },
    });
    const platform = await adminQueueHealth(t.db, { userId: staff.id }, NOW);
    expect(platform.counts).toMatchObject({ pending: 3, overdue: 2, failed: 1, unconfirmed: 1 });
    expect(platform.performance.finished).toBe(4);
    expect(platform.history.at(-2)).toMatchObject({ succeeded: 1, failed: 3 });
    expect(platform.lastIssues.map((i) => i.organization)).toContain(
      (await t.db.organization.findUniqueOrThrow({ where: { id: other.organizationId } })).name,
    );
    await expect(adminQueueHealth(t.db, { userId: agency.userId }, NOW)).rejects.toThrow(
      NotFoundError,
    );
  });
});
