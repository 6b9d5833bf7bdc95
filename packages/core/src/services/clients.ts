import type { Db } from '@herald/db';
import { clientScope, requirePermission, type Actor } from './actor.ts';
import { NotFoundError } from './errors.ts';

const accountFields = {
  id: true,
  platform: true,
  handle: true,
  externalId: true,
  status: true,
} as const;

/** The organization's clients with their connected accounts (never their tokens). */
export async function listClients(db: Db, actor: Actor) {
  requirePermission(actor, 'clients:read');
  return db.client.findMany({
    where: clientScope(actor),
    orderBy: { name: 'asc' },
    select: {
      id: true,
      name: true,
      timezone: true,
      socialAccounts: { select: accountFields, orderBy: { handle: 'asc' } },
    },
  });
}

export async function getClient(db: Db, actor: Actor, clientId: string) {
  requirePermission(actor, 'clients:read');
  const client = await db.client.findFirst({
    where: clientScope(actor, clientId),
    select: {
      id: true,
      name: true,
      timezone: true,
      socialAccounts: { select: accountFields, orderBy: { handle: 'asc' } },
    },
  });
  if (!client) throw new NotFoundError('Client');
  return client;
}
