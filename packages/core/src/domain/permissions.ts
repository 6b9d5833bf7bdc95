// Who may do what inside their organization. Viewers read; editors and up write.
export const MEMBER_ROLES = ['owner', 'admin', 'editor', 'viewer'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

export type Permission = 'posts:read' | 'posts:write';

const GRANTS: Record<MemberRole, readonly Permission[]> = {
  owner: ['posts:read', 'posts:write'],
  admin: ['posts:read', 'posts:write'],
  editor: ['posts:read', 'posts:write'],
  viewer: ['posts:read'],
};

export function roleAllows(role: MemberRole, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}
