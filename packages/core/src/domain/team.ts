// The rules of a team, pure: who may give which role, who may change or remove whom, that an
// organization always keeps an owner, and what a new password must be. Services apply them
// to rows they have locked.
import type { MemberRole } from './permissions.ts';

/** Passwords: long enough to resist guessing, short enough that hashing one is cheap. */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

/** Why a new password is refused, as a sentence; null when it is acceptable. */
export function passwordProblem(password: string, email?: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) {
    return `Use at least ${PASSWORD_MIN_LENGTH} characters for your password.`;
  }
  if (password.length > PASSWORD_MAX_LENGTH) {
    return `Use at most ${PASSWORD_MAX_LENGTH} characters for your password.`;
  }
  if (password.trim().length === 0) return 'A password cannot be only spaces.';
  if (email && password.trim().toLowerCase() === email.trim().toLowerCase()) {
    return 'Your password cannot be your email address.';
  }
  return null;
}

/** An organization's address in URLs: lower-case words joined by hyphens. */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/g, '');
  return slug || 'agency';
}

/** Only owners hand out (or take away) ownership; owners and admins give every other role. */
export function canAssignRole(actorRole: MemberRole, role: MemberRole): boolean {
  if (actorRole === 'owner') return true;
  if (actorRole === 'admin') return role !== 'owner';
  return false;
}

/** An admin may not change or remove an owner; an owner may change anyone. */
export function canManageMember(actorRole: MemberRole, memberRole: MemberRole): boolean {
  return canAssignRole(actorRole, memberRole);
}

/** Owners see every client: a limit on an owner would be a limit they can lift themselves. */
export function mayBeLimitedToClients(role: MemberRole): boolean {
  return role !== 'owner';
}

/**
 * Whether changing one member (to `nextRole`, or removing them with null) would leave the
 * organization without an owner. `owners` is the current number of owners.
 */
export function leavesNoOwner(
  owners: number,
  memberRole: MemberRole,
  nextRole: MemberRole | null,
): boolean {
  return memberRole === 'owner' && nextRole !== 'owner' && owners <= 1;
}
