import { createAgency, createTestDatabase, type TestDatabase } from '@herald/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidTransitionError } from '../domain/target-status.ts';
import { schedulePost } from './posts.ts';
import { moveTarget } from './target-transitions.ts';

describe('moving a target between statuses', () => {
  let t: TestDatabase;
  let targetId: string;
  beforeAll(async () => {
    t = await createTestDatabase();
    const agency = await createAgency(t.db);
    const post = await schedulePost(
      t.db,
      { userId: agency.userId, organizationId: agency.organizationId, role: agency.role },
      {
        clientId: agency.clientId,
        caption: 'Guarded',
        accountIds: [agency.accounts[0]!.id],
        scheduledFor: new Date(Date.now() + 3_600_000),
      },
    );
    targetId = post.targets[0]!.id;
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
