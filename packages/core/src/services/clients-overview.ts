// The clients overview (the signed-in home page): each client with what is queued for it, what
// failed and what waits for a person. Only the organization's own clients and targets count.
import type { Db } from '@herald/db';
import { requirePermission, type Actor } from './actor.ts';

/** Targets a person has to look at: published or not is unknown, or the account needs them. */
export const NEEDS_ATTENTION_STATUSES = ['unconfirmed', 'waiting_for_account'] as const;

export interface ClientOverview {
  id: string;
  name: string;
  timezone: string;
  accountCount: number;
  scheduled: number;
  failed: number;
  needsAttention: number;
}

export async function getClientsOverview(db: Db, actor: Actor): Promise<ClientOverview[]> {
  requirePermission(actor, 'clients:read');
  const organizationId = actor.organizationId;
  const [clients, counts] = await Promise.all([
    db.client.findMany({
      where: { organizationId },
      orderBy: { name: 'asc' },
      select: {
        id: true,
        name: true,
        timezone: true,
        _count: { select: { socialAccounts: true } },
      },
    }),
    // Targets carry the organization; their client is their post's.
    db.$queryRaw<{ client_id: string; status: string; count: number }[]>`
      SELECT p.client_id, t.status::text AS status, count(*)::int AS count
      FROM post_targets t
      JOIN posts p ON p.id = t.post_id AND p.organization_id = t.organization_id
      WHERE t.organization_id = ${organizationId}::uuid
        AND t.status::text IN ('scheduled', 'failed', 'unconfirmed', 'waiting_for_account')
      GROUP BY p.client_id, t.status`,
  ]);
  const countOf = (clientId: string, statuses: readonly string[]) =>
    counts
      .filter((row) => row.client_id === clientId && statuses.includes(row.status))
      .reduce((sum, row) => sum + row.count, 0);
  return clients.map((client) => ({
    id: client.id,
    name: client.name,
    timezone: client.timezone,
    accountCount: client._count.socialAccounts,
    scheduled: countOf(client.id, ['scheduled']),
    failed: countOf(client.id, ['failed']),
    needsAttention: countOf(client.id, NEEDS_ATTENTION_STATUSES),
  }));
}
