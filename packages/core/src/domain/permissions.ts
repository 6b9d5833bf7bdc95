// Who may do what inside their organization. Viewers read; editors and up write; owners and
// admins manage the team and the clients (name, timezone, brand profile); client approvers read their clients' posts and approve them.
export const MEMBER_ROLES = ['owner', 'admin', 'editor', 'viewer', 'client_approver'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

export type Permission =
  | 'clients:read'
  | 'clients:manage'
  | 'posts:read'
  | 'posts:write'
  | 'posts:approve'
  | 'media:read'
  | 'media:write'
  | 'team:read'
  | 'team:manage';

const GRANTS: Record<MemberRole, readonly Permission[]> = {
  owner: [
    'clients:read',
    'clients:manage',
    'posts:read',
    'posts:write',
    'posts:approve',
    'media:read',
    'media:write',
    'team:read',
    'team:manage',
  ],
  admin: [
    'clients:read',
    'clients:manage',
    'posts:read',
    'posts:write',
    'posts:approve',
    'media:read',
    'media:write',
    'team:read',
    'team:manage',
  ],
  editor: ['clients:read', 'posts:read', 'posts:write', 'media:read', 'media:write', 'team:read'],
  viewer: ['clients:read', 'posts:read', 'media:read', 'team:read'],
  // Reads what it approves (the post and its media) and approves; writes nothing, connects
  // nothing, and does not see the team.
  client_approver: ['clients:read', 'posts:read', 'posts:approve', 'media:read'],
};

export function roleAllows(role: MemberRole, permission: Permission): boolean {
  // A role this code does not know (a newer database, a stale session) is granted nothing.
  return Object.hasOwn(GRANTS, role) && GRANTS[role].includes(permission);
}

/** How each role reads in the interface. */
export const ROLE_LABELS: Record<MemberRole, string> = {
  owner: 'Owner',
  admin: 'Admin',
  editor: 'Editor',
  viewer: 'Viewer',
  client_approver: 'Client approver',
};
