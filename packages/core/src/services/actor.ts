import { roleAllows, type MemberRole, type Permission } from '../domain/permissions.ts';
import { ForbiddenError } from './errors.ts';

/** The signed-in member a service acts for. Every tenant-owned query is scoped by organizationId. */
export interface Actor {
  userId: string;
  organizationId: string;
  role: MemberRole;
}

export function requirePermission(actor: Actor, permission: Permission): void {
  if (!roleAllows(actor.role, permission)) throw new ForbiddenError();
}
