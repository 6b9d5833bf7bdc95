import { createAgency, createTestDatabase, type TestDatabase } from '@herald/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemberRole } from '../domain/permissions.ts';
import type { Actor } from './actor.ts';
import { getClient, listClients } from './clients.ts';
import { ForbiddenError } from './errors.ts';

describe('reading clients', () => {
  let t: TestDatabase;
  let actor: Actor;
  let clientId: string;
  beforeAll(async () => {
    t = await createTestDatabase();
    const agency = await createAgency(t.db, { role: 'viewer' });
    actor = { userId: agency.userId, organizationId: agency.organizationId, role: agency.role };
    clientId = agency.clientId;
  });
  afterAll(() => t.drop());

  it('lets every role read clients', async () => {
    expect((await listClients(t.db, actor)).map((c) => c.id)).toEqual([clientId]);
    expect((await getClient(t.db, actor, clientId)).id).toBe(clientId);
  });

  it('checks the permission like posts do: a role without clients:read is refused', async () => {
    const stranger = { ...actor, role: 'guest' as unknown as MemberRole };
    await expect(listClients(t.db, stranger)).rejects.toThrow(ForbiddenError);
    await expect(getClient(t.db, stranger, clientId)).rejects.toThrow(ForbiddenError);
  });
});
