// The admin pages' actions against a real database: staff only (an agency owner is told the
// page does not exist), a reason always, an audit row with every action, never a live pool.
import {
  createAgency,
  createTestDatabase,
  findJob,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleOneTarget } from '../testing.ts';
import { adminQueueOverview, runAdminAction } from './admin-queue.ts';
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

  it('tells an agency owner the admin pages do not exist', async () => {
    const owner = { userId: agency.userId };
    await expect(adminQueueOverview(t.db, owner)).rejects.toBeInstanceOf(NotFoundError);
    const jobId = await failedJob('Not yours to replay');
    await expect(
      runAdminAction(t.db, owner, { action: 'replay_job', jobId, reason: 'I want to' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await audits(jobId)).toEqual([]);
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
    await expect(
      runAdminAction(t.db, staff, { action: 'remove_job', jobId, reason: '  ok ' }),
    ).rejects.toBeInstanceOf(InvalidInputError);
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
    ).rejects.toBeInstanceOf(ConflictError);
    expect(await audits(jobId)).toEqual([]);
  });

  it('force-unlocks a silent pool, and refuses a live one', async () => {
    const identity = { host: 'w1', pid: 1, startedAt: now };
    await beatHeartbeat(t.db, { ...identity, poolId: 'pool-alive' }, new Date());
    await expect(
      runAdminAction(t.db, staff, {
        action: 'force_unlock_pool',
        poolId: 'pool-alive',
        reason: 'Looks stuck',
      }),
    ).rejects.toThrow(/it is alive/);
    await beatHeartbeat(t.db, { ...identity, poolId: 'pool-gone' }, new Date(Date.now() - 120_000));
    const jobId = await failedJob('Held by a dead pool');
    await t.db.$executeRaw`UPDATE graphile_worker._private_jobs
      SET locked_by = 'pool-gone', locked_at = now() WHERE id = ${jobId}::bigint`;
    const before = await adminQueueOverview(t.db, staff);
    expect(before.lockedJobs.find((j) => j.id === jobId)?.pool).toMatchObject({
      host: 'w1',
      alive: false,
    });
    await runAdminAction(t.db, staff, {
      action: 'force_unlock_pool',
      poolId: 'pool-gone',
      reason: 'Node died',
    });
    const after = await adminQueueOverview(t.db, staff);
    expect(after.lockedJobs.map((j) => j.id)).not.toContain(jobId);
    expect(await audits('pool-gone')).toMatchObject([
      { action: 'force_unlock_pool', reason: 'Node died' },
    ]);
    expect(await audits('pool-alive')).toEqual([]);
  });
});
