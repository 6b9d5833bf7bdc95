// Engagement snapshots end to end: a target published through the sandbox over HTTP, then the
// schedule_metrics sweep and fetch_metrics task on one fake clock shared by Herald and the
// sandbox, so a week passes in milliseconds and the numbers grow as it does.
import { metricsJobKey } from '@herald/db';
import {
  createAgency,
  createTestDatabase,
  findJob,
  TEST_TOKEN_KEY,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { startSandbox, type Sandbox } from '@herald/sandbox';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRIC_BUCKETS } from '../domain/metric-buckets.ts';
import { createTaskList } from '../jobs/task-list.ts';
import { runDueJobsOnce } from '../jobs/tick.ts';
import { AuthPublishError } from '../providers/errors.ts';
import { createAdapterRegistry } from '../providers/registry.ts';
import type { PlatformAdapter } from '../providers/types.ts';
import { actorOf, scheduleOneTarget } from '../testing.ts';
import { NotFoundError } from './errors.ts';
import {
  fetchMetricsSnapshot,
  metricsForPost,
  metricsForTarget,
  scheduleDueMetrics,
  type MetricsDeps,
} from './metrics.ts';
import { publishTarget } from './publishing/index.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('engagement snapshots', () => {
  let t: TestDatabase;
  let sandbox: Sandbox;
  let agency: AgencyFixture;
  /** Herald's clock and the sandbox's: one fake time for both. */
  let clock: Date;
  let deps: MetricsDeps;
  const at = (ms: number) => new Date(clock.getTime() + ms);

  beforeAll(async () => {
    t = await createTestDatabase();
    clock = new Date();
    sandbox = await startSandbox({ port: 0, now: () => clock });
    agency = await createAgency(t.db, { pages: 4 });
    deps = {
      db: t.db,
      adapterFor: createAdapterRegistry({ facebook: { baseUrl: sandbox.facebookBaseUrl } }),
      tokenKey: TEST_TOKEN_KEY,
      now: () => clock,
    };
  });
  afterAll(async () => {
    await sandbox.close();
    await t.drop();
  });

  /** Publishes one text post on fixture account `page` through the sandbox; returns its ids. */
  async function published(page: number) {
    const { postId, targetId } = await scheduleOneTarget(
      t.db,
      { ...agency, accounts: [agency.accounts[page]!] },
      {
        caption: `Snapshot ${Math.random().toString(36).slice(2)}`,
        now: clock,
        scheduledFor: at(MINUTE),
      },
    );
    clock = at(MINUTE);
    const result = await publishTarget({ ...deps }, targetId);
    expect(result.outcome).toBe('published');
    const target = await t.db.postTarget.findUniqueOrThrow({ where: { id: targetId } });
    return { postId, targetId, publishedAt: target.publishedAt! };
  }

  const snapshot = (targetId: string, bucket: string) =>
    t.db.metricSnapshot.findUnique({ where: { targetId_bucket: { targetId, bucket } } });

  it('queues each age once it is due, takes it once, and the numbers grow', async () => {
    const { postId, targetId, publishedAt } = await published(0);
    clock = new Date(publishedAt.getTime() + 59 * MINUTE);
    expect(await scheduleDueMetrics(deps)).toEqual({ enqueued: 0 });

    clock = new Date(publishedAt.getTime() + HOUR + MINUTE);
    expect(await scheduleDueMetrics(deps)).toEqual({ enqueued: 1 });
    const job = await findJob(t.db, metricsJobKey(targetId, '1h'));
    expect(job).toMatchObject({
      task_identifier: 'fetch_metrics',
      payload: { targetId, bucket: '1h' },
    });
    // Queued already: the next sweep adds nothing.
    expect(await scheduleDueMetrics(deps)).toEqual({ enqueued: 0 });

    // The queued job, run by the shared task list as a worker (or the cron tick) would.
    const pool = new pg.Pool({ connectionString: t.url, max: 4 });
    pool.on('error', () => undefined); // idle connections ended with the test database
    try {
      const tick = await runDueJobsOnce({
        db: t.db,
        pgPool: pool,
        budgetMs: 30_000,
        taskList: createTaskList({ ...deps }),
      });
      expect(tick).toMatchObject({ succeeded: 1, failed: 0 });
    } finally {
      await pool.end();
    }
    const hour = await snapshot(targetId, '1h');
    expect(hour).toMatchObject({ organizationId: agency.organizationId, error: null, views: null });
    expect(hour!.takenAt).toEqual(clock);
    expect(hour!.impressions).toBeGreaterThan(0);
    expect(hour!.likes).toBeGreaterThan(0);
    // Taken: neither a sweep nor a second run of the job adds another.
    expect(await scheduleDueMetrics(deps)).toEqual({ enqueued: 0 });
    expect(
      await fetchMetricsSnapshot(deps, { targetId, bucket: '1h' }, { finalAttempt: false }),
    ).toEqual({ outcome: 'skipped', reason: 'already_taken' });

    clock = new Date(publishedAt.getTime() + 24 * HOUR + 5 * MINUTE);
    expect(await scheduleDueMetrics(deps)).toEqual({ enqueued: 1 });
    expect(
      await fetchMetricsSnapshot(deps, { targetId, bucket: '24h' }, { finalAttempt: false }),
    ).toMatchObject({ outcome: 'taken' });
    const day = await snapshot(targetId, '24h');
    expect(day!.impressions!).toBeGreaterThan(hour!.impressions!);
    expect(day!.likes!).toBeGreaterThanOrEqual(hour!.likes!);

    const view = await metricsForPost(t.db, actorOf(agency), postId);
    expect(view.targets).toHaveLength(1);
    expect(view.targets[0]).toMatchObject({
      targetId,
      platform: 'facebook',
      snapshots: {
        '1h': { bucket: '1h', impressions: hour!.impressions, error: null },
        '24h': { bucket: '24h', impressions: day!.impressions },
        '7d': null,
      },
    });
    expect(await metricsForTarget(t.db, actorOf(agency), targetId)).toEqual(view.targets[0]);
  });

  it('lets an age pass unphotographed once its window has closed', async () => {
    const { targetId, publishedAt } = await published(1);
    // Three hours on, the hour's snapshot would say something else: it is not taken.
    clock = new Date(publishedAt.getTime() + 3 * HOUR);
    expect(await scheduleDueMetrics(deps)).toEqual({ enqueued: 0 });
    expect(await findJob(t.db, metricsJobKey(targetId, '1h'))).toBeNull();
  });

  it('retries a refused token without touching the account, then stops asking', async () => {
    const { targetId, publishedAt } = await published(2);
    clock = new Date(publishedAt.getTime() + HOUR + MINUTE);
    const account = agency.accounts[2]!;
    sandbox.revokeToken(`sbx-page-${account.externalId}-test`, 460);

    await expect(
      fetchMetricsSnapshot(deps, { targetId, bucket: '1h' }, { finalAttempt: false }),
    ).rejects.toBeInstanceOf(AuthPublishError);
    expect(await snapshot(targetId, '1h')).toBeNull();

    const last = await fetchMetricsSnapshot(
      deps,
      { targetId, bucket: '1h' },
      { finalAttempt: true },
    );
    expect(last).toMatchObject({ outcome: 'gave_up' });
    expect(await snapshot(targetId, '1h')).toMatchObject({
      likes: null,
      impressions: null,
      error: expect.stringMatching(/password was changed/),
    });
    // Token health marks accounts; metrics never do.
    const row = await t.db.socialAccount.findUniqueOrThrow({ where: { id: account.id } });
    expect(row).toMatchObject({ status: 'active', statusReason: null });
    expect(
      await t.db.notification.count({ where: { organizationId: agency.organizationId } }),
    ).toBe(0);
    expect(await scheduleDueMetrics(deps)).toEqual({ enqueued: 0 });
  });

  it('stops at once when the post is gone, and skips platforms that report nothing', async () => {
    const { targetId, publishedAt } = await published(3);
    clock = new Date(publishedAt.getTime() + HOUR + MINUTE);
    // As if the platform lost the post: Facebook answers "does not exist".
    await t.db.postTarget.update({
      where: { id: targetId },
      data: { externalId: `${agency.accounts[3]!.externalId}_404` },
    });
    expect(
      await fetchMetricsSnapshot(deps, { targetId, bucket: '1h' }, { finalAttempt: false }),
    ).toMatchObject({ outcome: 'gave_up', error: expect.stringMatching(/does not exist/) });

    const silent: MetricsDeps = {
      ...deps,
      adapterFor: (platform) => {
        const adapter: PlatformAdapter = { ...deps.adapterFor(platform) };
        delete adapter.fetchMetrics;
        return adapter;
      },
    };
    clock = new Date(publishedAt.getTime() + 24 * HOUR + MINUTE);
    expect(await scheduleDueMetrics(silent)).toEqual({ enqueued: 0 });
    expect(
      await fetchMetricsSnapshot(silent, { targetId, bucket: '24h' }, { finalAttempt: true }),
    ).toEqual({ outcome: 'skipped', reason: 'no_metrics' });
  });

  it("shows a post's metrics only in its own organization", async () => {
    const { postId, targetId } = await t.db.postTarget
      .findFirstOrThrow({ where: { organizationId: agency.organizationId } })
      .then((row) => ({ postId: row.postId, targetId: row.id }));
    const stranger = await createAgency(t.db);
    await expect(metricsForPost(t.db, actorOf(stranger), postId)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(metricsForTarget(t.db, actorOf(stranger), targetId)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    const other = await createAgency(t.db);
    const { postId: otherPost } = await scheduleOneTarget(t.db, other, {
      caption: 'Theirs',
      now: clock,
    });
    // A target of another post is refused as if it did not exist.
    await expect(
      metricsForPost(t.db, actorOf(agency), postId, { only: targetId }),
    ).resolves.toMatchObject({ targets: [{ targetId }] });
    await expect(
      metricsForPost(t.db, actorOf(other), otherPost, { only: targetId }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('the database refuses an age the domain does not have', async () => {
    const [row] = await t.db.$queryRaw<{ definition: string }[]>`
      SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint
      WHERE conname = 'metric_snapshots_bucket_check'`;
    const listed = [...row!.definition.matchAll(/'([^']+)'/g)].map((m) => m[1]);
    expect(listed).toEqual([...METRIC_BUCKETS]);
  });
});
