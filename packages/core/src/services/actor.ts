import { roleAllows, type MemberRole, type Permission } from '../domain/permissions.ts';
import { ForbiddenError } from './errors.ts';

/** The signed-in member a service acts for. Every tenant-owned query is scoped by organizationId. */
export interface Actor {
  userId: string;
  organizationId: string;
  role: MemberRole;
  /**
   * The clients this member is limited to (ADR 0037); null or absent: every client of the
   * organization. Services never read it directly: they scope through the helpers below.
   */
  clientIds?: readonly string[] | null;
}

export function requirePermission(actor: Actor, permission: Permission): void {
  if (!roleAllows(actor.role, permission)) throw new ForbiddenError();
}

/** Whether the actor may see this client at all (in their organization, within their limit). */
export function actorSeesClient(actor: Actor, clientId: string): boolean {
  return !actor.clientIds || actor.clientIds.includes(clientId);
}

/**
 * The where-clause for the clients table: the actor's organization, and only their clients
 * when they are limited. With a clientId, that one client (or none, when it is outside the
 * limit).
 */
export function clientScope(
  actor: Actor,
  clientId?: string,
): { organizationId: string; id?: string | { in: string[] } } {
  const { organizationId } = actor;
  if (clientId !== undefined) {
    return { organizationId, id: actorSeesClient(actor, clientId) ? clientId : { in: [] } };
  }
  return actor.clientIds
    ? { organizationId, id: { in: [...actor.clientIds] } }
    : { organizationId };
}

/**
 * The where-clause for rows that belong to a client (social accounts, posts, media, OAuth
 * connections): the actor's organization and, when they are limited, their clients only.
 */
export function clientRowScope(actor: Actor): {
  organizationId: string;
  clientId?: { in: string[] };
} {
  const { organizationId } = actor;
  return actor.clientIds
    ? { organizationId, clientId: { in: [...actor.clientIds] } }
    : { organizationId };
}

/** The where-clause for post targets (and rows hanging off them), through their post's client. */
export function targetScope(actor: Actor): {
  organizationId: string;
  post?: { clientId: { in: string[] } };
} {
  const { organizationId } = actor;
  return actor.clientIds
    ? { organizationId, post: { clientId: { in: [...actor.clientIds] } } }
    : { organizationId };
}
