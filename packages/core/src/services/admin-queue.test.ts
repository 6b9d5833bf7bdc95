// The admin pages' actions against a real database: staff only (an agency owner is told the
// page does not exist), a reason always, an audit row with every action, never a live pool.
import { randomUUID } from 'node:crypto';
import {
  createAgency,
  createTestDatabase,
  findJob,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleOneTarget } from '../testing.ts';
import {
  adminQueueOverview,
  runAdminAction,
  UNKNOWN_POOL_UNLOCK_AFTER_MS,
  type AdminAction,
} from './admin-queue.ts';
import { ConflictError, InvalidInputError, NotFoundError } from './errors.ts';
import { publishJobKey } from './publish-job.ts';
import { beatHeartbeat } from './worker-recovery.ts';

describe('admin queue actions', () => {
  let t: TestDatabase;
  let agency: AgencyFixture;
  let staff: { userId: string };
  const now = new Date();

  beforeAll(async () => {
    t = await createTestDatabase();
    agency = await createAgency(t.db);
    const user = await t.db.user.create({
      data: { email: 'ops@herald.test', name: 'Ops', passwordHash: 'x', isPlatformStaff: true },
    });
    staff = { userId: user.id };
  });
  afterAll(() => t.drop());

  /** A publish job that failed twice, as Graphile leaves it. */
  async function failedJob(caption: string) {
    const { targetId } = await scheduleOneTarget(t.db, agency, { caption, now });
    const job = (await findJob(t.db, publishJobKey(targetId)))!;
    await t.db.$executeRaw`UPDATE graphile_worker._private_jobs
      SET attempts = 2, last_error = 'boom', run_at = now() + interval '1 hour'
      WHERE id = ${job.id}::bigint`;
    return job.id;
  }
  const audits = (subjectId: string) => t.db.adminAuditEvent.findMany({ where: { subjectId } });

  async function unconfirmedTarget(caption: string) {
    const scheduled = await scheduleOneTarget(t.db, agency, { caption, now });
    await t.db.postTarget.update({
      where: { id: scheduled.targetId },
      data: { status: 'unconfirmed', attemptCount: 4 },
    });
    return scheduled;
  }

  it('tells an agency owner, or a stranger, the admin pages do not exist, for every action', async () => {
    const owner = { userId: agency.userId };
    await expect(adminQueueOverview(t.db, owner)).rejects.toBeInstanceOf(NotFoundError);
    await expect(adminQueueOverview(t.db, { userId: randomUUID() })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    const jobId = await failedJob('Not yours to replay');
    const { targetId } = await unconfirmedTarget('Not yours to resolve');
    const actions: AdminAction[] = [
      { action: 'replay_job', jobId },
      { action: 'fail_job', jobId },
      { action: 'remove_job', jobId },
      { action: 'force_unlock_pool', poolId: 'pool-anything' },
      { action: 'resolve_target', targetId, resolution: 'failed' },
    ];
    for (const action of actions) {
      await expect(
        runAdminAction(t.db, owner, { ...action, reason: 'I want to' }),
      ).rejects.toBeInstanceOf(NotFoundError);
    }
    expect(await audits(jobId)).toEqual([]);
    expect(await t.db.adminAuditEvent.count({ where: { actorUserId: agency.userId } })).toBe(0);
    expect((await t.db.postTarget.findUniqueOrThrow({ where: { id: targetId } })).status).toBe(
      'unconfirmed',
    );
  });

  it('lists failed jobs, and replays one now with a fresh set of attempts and an audit row', async () => {
    const jobId = await failedJob('Replay me');
    const overview = await adminQueueOverview(t.db, staff);
    expect(overview.failedJobs.map((j) => j.id)).toContain(jobId);
    await runAdminAction(t.db, staff, { action: 'replay_job', jobId, reason: 'Platform fixed' });
    const [job] = await t.db.$queryRaw<{ attempts: number; run_at: Date }[]>`
      SELECT attempts, run_at FROM graphile_worker._private_jobs WHERE id = ${jobId}::bigint`;
    expect(job!.attempts).toBe(0);
    expect(job!.run_at.getTime()).toBeLessThanOrEqual(Date.now());
    // With a fresh set of attempts it has not failed since: no longer listed.
    const after = await adminQueueOverview(t.db, staff);
    expect(after.failedJobs.map((j) => j.id)).not.toContain(jobId);
    expect(await audits(jobId)).toMatchObject([
      {
        actorUserId: staff.userId,
        action: 'replay_job',
        subjectType: 'job',
        reason: 'Platform fixed',
      },
    ]);
  });

  it('refuses an action without a reason, and changes nothing', async () => {
    const jobId = await failedJob('No reason');
    for (const reason of ['', '     ', '  ok ']) {
      await expect(
        runAdminAction(t.db, staff, { action: 'remove_job', jobId, reason }),
      ).rejects.toThrow(InvalidInputError);
    }
    await expect(
      runAdminAction(t.db, staff, { action: 'force_unlock_pool', poolId: 'pool-x', reason: '' }),
    ).rejects.toThrow(/^Say why in a few words/);
    const still = await t.db.$queryRaw<unknown[]>`
      SELECT 1 FROM graphile_worker._private_jobs WHERE id = ${jobId}::bigint`;
    expect(still).toHaveLength(1);
    expect(await audits(jobId)).toEqual([]);
  });

  it('fails a job for good, or removes it, each with its audit row', async () => {
    const failing = await failedJob('Fail for good');
    await runAdminAction(t.db, staff, {
      action: 'fail_job',
      jobId: failing,
      reason: 'Bad payload',
    });
    const [row] = await t.db.$queryRaw<
      { attempts: number; max_attempts: number; last_error: string }[]
    >`
      SELECT attempts, max_attempts, last_error FROM graphile_worker._private_jobs WHERE id = ${failing}::bigint`;
    expect(row).toMatchObject({ last_error: 'Bad payload' });
    expect(row!.attempts).toBe(row!.max_attempts);
    const removing = await failedJob('Remove me');
    await runAdminAction(t.db, staff, {
      action: 'remove_job',
      jobId: removing,
      reason: 'Duplicate',
    });
    const gone = await t.db.$queryRaw<unknown[]>`
      SELECT 1 FROM graphile_worker._private_jobs WHERE id = ${removing}::bigint`;
    expect(gone).toEqual([]);
    expect((await audits(failing)).length + (await audits(removing)).length).toBe(2);
  });

  it('never touches a job a worker holds', async () => {
    const jobId = await failedJob('Running');
    await t.db.$executeRaw`UPDATE graphile_worker._private_jobs
      SET locked_by = 'pool-live', locked_at = now() WHERE id = ${jobId}::bigint`;
    await expect(
      runAdminAction(t.db, staff, { action: 'remove_job', jobId, reason: 'Stuck?' }),
    ).rejects.toThrow(
      new ConflictError(
        `Job ${jobId} is running right now (locked by pool-live); nothing was changed. Try again when it finishes.`,
      ),
    );
    expect(await audits(jobId)).toEqual([]);
  });

  it('says so when the job no longer exists, and writes no audit row', async () => {
    const jobId = await failedJob('Gone before the click');
    await runAdminAction(t.db, staff, { action: 'remove_job', jobId, reason: 'First click' });
    for (const action of ['replay_job', 'fail_job', 'remove_job'] as const) {
      await expect(
        runAdminAction(t.db, staff, { action, jobId, reason: 'Second click' }),
      ).rejects.toThrow(/^Job \d+ no longer exists \(it finished, or someone removed it\)/);
    }
    expect(await audits(jobId)).toMatchObject([{ action: 'remove_job', reason: 'First click' }]);
  });

  it('force-unlocks a silent pool, and refuses a live one', async () => {
    const identity = { host: 'w1', pid: 1, startedAt: now };
    await beatHeartbeat(
      t.db,
      { ...identity, poolId: 'pool-alive' },
      new Date(now.getTime() - 29_000),
    );
    await expect(
      runAdminAction(
        t.db,
        staff,
        {
          action: 'force_unlock_pool',
          poolId: 'pool-alive',
          reason: 'Looks stuck',
        },
        now,
      ),
    ).rejects.toThrow(/^Pool pool-alive on w1 \(pid 1\) beat 29 s ago: it is alive/);
    await beatHeartbeat(
      t.db,
      { ...identity, poolId: 'pool-gone' },
      new Date(now.getTime() - 30_000),
    );
    const jobId = await failedJob('Held by a dead pool');
    await t.db.$executeRaw`UPDATE graphile_worker._private_jobs
      SET locked_by = 'pool-gone', locked_at = now() WHERE id = ${jobId}::bigint`;
    const before = await adminQueueOverview(t.db, staff, now);
    expect(before.lockedJobs.find((j) => j.id === jobId)?.pool).toMatchObject({
      host: 'w1',
      liveness: 'stale',
      beatAgeSeconds: 30,
    });
    await runAdminAction(
      t.db,
      staff,
      {
        action: 'force_unlock_pool',
        poolId: 'pool-gone',
        reason: 'Node died',
      },
      now,
    );
    const after = await adminQueueOverview(t.db, staff);
    expect(after.lockedJobs.map((j) => j.id)).not.toContain(jobId);
    expect(await audits('pool-gone')).toMatchObject([
      { action: 'force_unlock_pool', reason: 'Node died' },
    ]);
    expect(await audits('pool-alive')).toEqual([]);
  });

  it('unlocks a pool without a heartbeat only once its newest lock is old', async () => {
    const jobId = await failedJob('Held by a pool that never beat');
    const lockedAt = new Date(now.getTime() - UNKNOWN_POOL_UNLOCK_AFTER_MS + 60_000);
    await t.db.$executeRaw`UPDATE graphile_worker._private_jobs
      SET locked_by = 'pool-tick', locked_at = ${lockedAt} WHERE id = ${jobId}::bigint`;
    const overview = await adminQueueOverview(t.db, staff, now);
    expect(overview.lockedJobs.find((j) => j.id === jobId)?.pool).toMatchObject({
      liveness: 'unknown',
      host: null,
    });
    const unlock = (at: Date) =>
      runAdminAction(
        t.db,
        staff,
        {
          action: 'force_unlock_pool',
          poolId: 'pool-tick',
          reason: 'Tick died',
        },
        at,
      );
    await expect(unlock(now)).rejects.toThrow(
      /no heartbeat and took a job less than 15 minutes ago/,
    );
    expect(await audits('pool-tick')).toEqual([]);
    await unlock(new Date(now.getTime() + 60_000));
    const [row] = await t.db.$queryRaw<{ locked_by: string | null }[]>`
      SELECT locked_by FROM graphile_worker._private_jobs WHERE id = ${jobId}::bigint`;
    expect(row?.locked_by).toBeNull();
    expect(await audits('pool-tick')).toMatchObject([{ reason: 'Tick died' }]);
  });

  it('settles an unconfirmed target as published with its link, or as failed, with an audit row', async () => {
    const published = await unconfirmedTarget('Did it go out?');
    await runAdminAction(t.db, staff, {
      action: 'resolve_target',
      targetId: published.targetId,
      resolution: 'published',
      url: 'https://facebook.example/posts/1',
      reason: '  Checked the Page by hand ',
    });
    expect(
      await t.db.postTarget.findUniqueOrThrow({ where: { id: published.targetId } }),
    ).toMatchObject({ status: 'published', externalUrl: 'https://facebook.example/posts/1' });
    expect(await audits(published.targetId)).toMatchObject([
      {
        actorUserId: staff.userId,
        action: 'resolve_target',
        subjectType: 'post_target',
        organizationId: agency.organizationId,
        reason: 'Checked the Page by hand',
        data: { resolution: 'published', url: 'https://facebook.example/posts/1' },
      },
    ]);
    const failed = await unconfirmedTarget('Did this one?');
    await runAdminAction(t.db, staff, {
      action: 'resolve_target',
      targetId: failed.targetId,
      resolution: 'failed',
      reason: 'Not on the Page',
    });
    expect(
      (await t.db.postTarget.findUniqueOrThrow({ where: { id: failed.targetId } })).status,
    ).toBe('failed');
    expect(await audits(failed.targetId)).toMatchObject([{ data: { resolution: 'failed' } }]);
  });

  it('refuses to settle a target that is not unconfirmed, and logs nothing', async () => {
    const { targetId } = await scheduleOneTarget(t.db, agency, { caption: 'Still scheduled', now });
    await expect(
      runAdminAction(t.db, staff, {
        action: 'resolve_target',
        targetId,
        resolution: 'failed',
        reason: 'Trying anyway',
      }),
    ).rejects.toThrow(/Only a target that needs a check can be marked published or failed/);
    expect(await audits(targetId)).toEqual([]);
  });

  it('lists targets stuck mid-publish across organizations, with their age', async () => {
    const { targetId } = await unconfirmedTarget('Stuck for a while');
    const elsewhere = await createAgency(t.db);
    const theirs = await scheduleOneTarget(t.db, elsewhere, { caption: 'Stuck elsewhere', now });
    await t.db.postTarget.update({
      where: { id: theirs.targetId },
      data: { status: 'publishing' },
    });
    const later = new Date(Date.now() + 90_000);
    const { stuckTargets } = await adminQueueOverview(t.db, staff, later);
    const mine = stuckTargets.find((target) => target.id === targetId);
    expect(mine).toMatchObject({
      status: 'unconfirmed',
      caption: 'Stuck for a while',
      organization: { id: agency.organizationId },
    });
    expect(mine!.ageSeconds).toBeGreaterThanOrEqual(90);
    expect(stuckTargets.find((target) => target.id === theirs.targetId)).toMatchObject({
      status: 'publishing',
      organization: { id: elsewhere.organizationId },
    });
  });
});
