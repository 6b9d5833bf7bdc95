// Who may do what inside their organization. Viewers read; editors and up write; owners and
// admins also create clients and change their settings (name, timezone, brand profile).
export const MEMBER_ROLES = ['owner', 'admin', 'editor', 'viewer'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

export type Permission =
  'clients:read' | 'clients:manage' | 'posts:read' | 'posts:write' | 'media:read' | 'media:write';

const GRANTS: Record<MemberRole, readonly Permission[]> = {
  owner: [
    'clients:read',
    'clients:manage',
    'posts:read',
    'posts:write',
    'media:read',
    'media:write',
  ],
  admin: [
    'clients:read',
    'clients:manage',
    'posts:read',
    'posts:write',
    'media:read',
    'media:write',
  ],
  editor: ['clients:read', 'posts:read', 'posts:write', 'media:read', 'media:write'],
  viewer: ['clients:read', 'posts:read', 'media:read'],
};

export function roleAllows(role: MemberRole, permission: Permission): boolean {
  // A role this code does not know (a newer database, a stale session) is granted nothing.
  return Object.hasOwn(GRANTS, role) && GRANTS[role].includes(permission);
}
