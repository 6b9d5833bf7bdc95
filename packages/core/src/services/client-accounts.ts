// The connected-accounts page: each of a client's accounts with its health, and the posts held
// waiting for it to be reconnected (services/account-holds.ts), read in one round of queries.
import type { Db } from '@herald/db';
import { accountHealth } from '../domain/account-health.ts';
import { clientScope, requirePermission, type Actor } from './actor.ts';
import { NotFoundError } from './errors.ts';

/** How many held posts each account lists; the count says how many there are in all. */
export const HELD_POSTS_SHOWN = 20;

export async function listClientAccounts(db: Db, actor: Actor, clientId: string) {
  requirePermission(actor, 'clients:read');
  const waiting = { status: 'waiting_for_account' } as const;
  const client = await db.client.findFirst({
    where: clientScope(actor, clientId),
    select: {
      id: true,
      name: true,
      timezone: true,
      socialAccounts: {
        orderBy: [{ platform: 'asc' }, { handle: 'asc' }],
        select: {
          id: true,
          platform: true,
          handle: true,
          status: true,
          statusReason: true,
          tokenExpiresAt: true,
          updatedAt: true,
          _count: { select: { targets: { where: waiting } } },
          targets: {
            where: waiting,
            orderBy: { scheduledFor: 'asc' },
            take: HELD_POSTS_SHOWN,
            select: {
              id: true,
              scheduledFor: true,
              lastError: true,
              post: { select: { id: true, caption: true } },
            },
          },
        },
      },
    },
  });
  if (!client) throw new NotFoundError('Client');
  return {
    client: { id: client.id, name: client.name, timezone: client.timezone },
    accounts: client.socialAccounts.map(({ _count, targets, ...account }) => ({
      ...account,
      health: accountHealth(account.status),
      held: {
        count: _count.targets,
        posts: targets.map((target) => ({
          targetId: target.id,
          postId: target.post.id,
          caption: target.post.caption,
          scheduledFor: target.scheduledFor,
        })),
      },
    })),
  };
}
