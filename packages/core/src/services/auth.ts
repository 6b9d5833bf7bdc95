// Sign-in with email and password, and database-backed sessions. The browser holds a random
// token in an HTTP-only cookie; we store only its SHA-256, so a leaked table cannot sign in.
import { createHash, randomBytes } from 'node:crypto';
import { hashPassword, verifyPassword, type Db } from '@herald/db';
import type { MemberRole } from '../domain/permissions.ts';
import type { Actor } from './actor.ts';

export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export interface SessionInfo extends Actor {
  sessionId: string;
  user: { id: string; email: string; name: string };
  organization: { id: string; name: string };
}

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

// Verifying against a real hash when the email is unknown keeps response times alike, so
// timing does not reveal which emails have accounts.
let decoyHash: Promise<string> | undefined;

export async function signIn(
  db: Db,
  credentials: { email: string; password: string },
  now = new Date(),
): Promise<{ token: string; expiresAt: Date } | null> {
  const user = await db.user.findUnique({
    where: { email: credentials.email.trim().toLowerCase() },
    include: { memberships: { orderBy: { createdAt: 'asc' }, take: 1 } },
  });
  if (!user) {
    decoyHash ??= hashPassword(randomBytes(16).toString('hex'));
    await verifyPassword(await decoyHash, credentials.password);
    return null;
  }
  if (!(await verifyPassword(user.passwordHash, credentials.password))) return null;
  const membership = user.memberships[0];
  if (!membership) return null;

  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await db.session.create({
    data: {
      tokenHash: tokenHash(token),
      userId: user.id,
      organizationId: membership.organizationId,
      expiresAt,
    },
  });
  return { token, expiresAt };
}

/** The member behind a session token, or null when it is unknown, expired or no longer a member. */
export async function resolveSession(
  db: Db,
  token: string,
  now = new Date(),
): Promise<SessionInfo | null> {
  const session = await db.session.findUnique({
    where: { tokenHash: tokenHash(token) },
    include: { user: true, organization: true },
  });
  if (!session || session.expiresAt <= now) return null;
  const member = await db.member.findUnique({
    where: {
      organizationId_userId: { organizationId: session.organizationId, userId: session.userId },
    },
  });
  if (!member) return null;
  return {
    sessionId: session.id,
    userId: session.userId,
    organizationId: session.organizationId,
    role: member.role as MemberRole,
    user: { id: session.user.id, email: session.user.email, name: session.user.name },
    organization: { id: session.organization.id, name: session.organization.name },
  };
}

export async function signOut(db: Db, token: string): Promise<void> {
  await db.session.deleteMany({ where: { tokenHash: tokenHash(token) } });
}
