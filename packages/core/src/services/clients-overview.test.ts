import {
  createAgency,
  createTestDatabase,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemberRole } from '../domain/permissions.ts';
import { actorOf, scheduleOneTarget } from '../testing.ts';
import { getClientsOverview } from './clients-overview.ts';
import { ForbiddenError } from './errors.ts';

const NOW = new Date('2030-05-01T12:00:00Z');

describe('the clients overview', () => {
  let t: TestDatabase;
  let agency: AgencyFixture;
  let other: AgencyFixture;

  async function targetIn(a: AgencyFixture, status: string) {
    const { targetId } = await scheduleOneTarget(t.db, a, { caption: status, now: NOW });
    await t.db.postTarget.update({
      where: { id: targetId },
      data: { status: status as 'scheduled' },
    });
  }

  beforeAll(async () => {
    t = await createTestDatabase();
    agency = await createAgency(t.db);
    other = await createAgency(t.db);
  });
  afterAll(() => t.drop());

  it("counts each of the organization's clients' scheduled, failed and needs-attention targets", async () => {
    for (const status of ['scheduled', 'scheduled', 'failed', 'unconfirmed', 'published']) {
      await targetIn(agency, status);
    }
    await targetIn(agency, 'waiting_for_account');
    await targetIn(agency, 'draft');
    // A quiet client of the same agency, and another agency's trouble: neither adds to ours.
    const quiet = await t.db.client.create({
      data: { organizationId: agency.organizationId, name: 'Aardvark Bakery', timezone: 'UTC' },
    });
    await targetIn(other, 'failed');
    await targetIn(other, 'scheduled');

    const overview = await getClientsOverview(t.db, actorOf(agency));
    expect(overview).toEqual([
      {
        id: quiet.id,
        name: 'Aardvark Bakery',
        timezone: 'UTC',
        accountCount: 0,
        scheduled: 0,
        failed: 0,
        needsAttention: 0,
      },
      expect.objectContaining({
        id: agency.clientId,
        accountCount: 1,
        scheduled: 2,
        failed: 1,
        needsAttention: 2,
      }),
    ]);
    const theirs = await getClientsOverview(t.db, actorOf(other));
    expect(theirs).toEqual([
      expect.objectContaining({ id: other.clientId, scheduled: 1, failed: 1, needsAttention: 0 }),
    ]);
  });

  it('is refused to a role without clients:read', async () => {
    const stranger = { ...actorOf(agency), role: 'guest' as unknown as MemberRole };
    await expect(getClientsOverview(t.db, stranger)).rejects.toThrow(ForbiddenError);
  });
});
