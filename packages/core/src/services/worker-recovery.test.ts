import {
  createAgency,
  createTestDatabase,
  findJob,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleOneTarget } from '../testing.ts';
import { publishJobKey } from './publish-job.ts';
import { beatHeartbeat, recoverDeadWorkers } from './worker-recovery.ts';

describe('recovering from dead worker pools', () => {
  let t: TestDatabase;
  let agency: AgencyFixture;
  const now = new Date();
  const ago = (ms: number) => new Date(now.getTime() - ms);

  beforeAll(async () => {
    t = await createTestDatabase();
    agency = await createAgency(t.db);
  });
  afterAll(() => t.drop());

  /** A target a pool has claimed and is publishing: its job locked by that pool. */
  async function publishingUnder(poolId: string, caption: string) {
    const { targetId } = await scheduleOneTarget(t.db, agency, { caption, now });
    await t.db.postTarget.update({
      where: { id: targetId },
      data: { status: 'publishing', attemptCount: 1 },
    });
    await t.db.publishAttempt.create({
      data: { organizationId: agency.organizationId, targetId, attemptNumber: 1, startedAt: now },
    });
    const job = await findJob(t.db, publishJobKey(targetId));
    await t.db.$executeRaw`UPDATE graphile_worker._private_jobs
      SET locked_by = ${poolId}, locked_at = now() WHERE id = ${job!.id}::bigint`;
    return targetId;
  }

  const lockedBy = async (targetId: string) =>
    (
      await t.db.$queryRaw<{ locked_by: string | null }[]>`
        SELECT locked_by FROM graphile_worker._private_jobs WHERE key = ${publishJobKey(targetId)}`
    )[0]?.locked_by;

  it('unlocks a silent pool at once and sends its half-done publish to reconcile, never a live pool', async () => {
    const pool = { host: 'test', pid: 1, startedAt: ago(600_000) };
    await beatHeartbeat(t.db, { ...pool, poolId: 'pool-dead' }, ago(45_000));
    await beatHeartbeat(t.db, { ...pool, poolId: 'pool-alive' }, ago(5_000));
    const lost = await publishingUnder('pool-dead', 'Lost with its worker');
    const running = await publishingUnder('pool-alive', 'Still being published');

    expect(await recoverDeadWorkers(t.db, now)).toEqual({
      pools: ['pool-dead'],
      reconcilingTargets: [lost],
    });

    expect(await lockedBy(lost)).toBeNull();
    expect(await lockedBy(running)).toBe('pool-alive');
    // Due at once: its unlocked job runs again and asks the platform.
    expect(await t.db.postTarget.findUniqueOrThrow({ where: { id: lost } })).toMatchObject({
      status: 'reconciling',
      nextAttemptAt: now,
    });
    expect(await t.db.postTarget.findUniqueOrThrow({ where: { id: running } })).toMatchObject({
      status: 'publishing',
    });
    const [attempt] = await t.db.publishAttempt.findMany({ where: { targetId: lost } });
    expect(attempt).toMatchObject({ outcome: 'ambiguous' });
    expect(attempt!.finishedAt).toEqual(now);
    expect(attempt!.errorMessage).toMatch(/stopped before the platform answered/);
    expect((await t.db.workerHeartbeat.findMany()).map((h) => h.poolId)).toEqual(['pool-alive']);

    // Nothing left to do: a second sweep finds no dead pool.
    expect(await recoverDeadWorkers(t.db, now)).toEqual({ pools: [], reconcilingTargets: [] });
  });
});
