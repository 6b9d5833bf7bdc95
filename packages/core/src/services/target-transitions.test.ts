import { createAgency, createTestDatabase, type TestDatabase } from '@herald/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidTransitionError } from '../domain/target-status.ts';
import { scheduleOneTarget } from '../testing.ts';
import { moveTarget } from './target-transitions.ts';

describe('moving a target between statuses', () => {
  let t: TestDatabase;
  let targetId: string;
  beforeAll(async () => {
    t = await createTestDatabase();
    const agency = await createAgency(t.db);
    ({ targetId } = await scheduleOneTarget(t.db, agency, { caption: 'Guarded' }));
  });
  afterAll(() => t.drop());

  it('writes nothing when the row no longer has the status the caller read', async () => {
    // A worker claimed the target after the caller read it as `scheduled`.
    await t.db.postTarget.update({ where: { id: targetId }, data: { status: 'publishing' } });
    const moved = await t.db.$transaction((tx) =>
      moveTarget(tx, { id: targetId, status: 'scheduled' }, 'cancel'),
    );
    expect(moved).toBeNull();
    const row = await t.db.postTarget.findUniqueOrThrow({ where: { id: targetId } });
    expect(row.status).toBe('publishing');
  });

  it('refuses an event the domain does not allow from the real status', async () => {
    await expect(
      t.db.$transaction((tx) => moveTarget(tx, { id: targetId, status: 'publishing' }, 'cancel')),
    ).rejects.toThrow(InvalidTransitionError);
    const moved = await t.db.$transaction((tx) =>
      moveTarget(tx, { id: targetId, status: 'publishing' }, 'fail', { lastError: 'Down.' }),
    );
    expect(moved).toBe('failed');
  });
});
