// Sign-in with email and password, and database-backed sessions. The browser holds a random
// token in an HTTP-only cookie; we store only its SHA-256, so a leaked table cannot sign in.
import { createHash, randomBytes } from 'node:crypto';
import { hashPassword, verifyPassword, type Db, type Tx } from '@herald/db';
import { normaliseEmail } from '../domain/sign-in-throttle.ts';
import type { Actor } from './actor.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** A session ends this long after sign-in, however active it is. */
export const SESSION_TTL_MS = 30 * DAY_MS;
/** ...and sooner when no request used it for this long (configurable per call). */
export const SESSION_IDLE_TIMEOUT_MS = 7 * DAY_MS;
/** last_seen_at is written at most this often, so a busy session does not write on every request. */
export const SESSION_TOUCH_INTERVAL_MS = 5 * 60 * 1000;

export interface ResolveSessionOptions {
  now?: Date;
  idleTimeoutMs?: number;
}

export interface SessionInfo extends Actor {
  sessionId: string;
  user: { id: string; email: string; name: string; emailVerified: boolean };
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
  /** previousToken: the session the browser already holds; signing in replaces it. */
  options: { now?: Date; previousToken?: string | null } = {},
): Promise<{ token: string; expiresAt: Date } | null> {
  const now = options.now ?? new Date();
  const user = await db.user.findUnique({
    where: { email: normaliseEmail(credentials.email) },
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
  // A fresh token on every sign-in: a token planted in the browser before (session fixation)
  // or left over from another account dies here.
  await db.$transaction(async (tx) => {
    if (options.previousToken) {
      await tx.session.deleteMany({ where: { tokenHash: tokenHash(options.previousToken) } });
    }
    await tx.session.create({
      data: {
        tokenHash: tokenHash(token),
        userId: user.id,
        organizationId: membership.organizationId,
        expiresAt,
        lastSeenAt: now,
      },
    });
  });
  return { token, expiresAt };
}

/**
 * The member behind a session token, or null when it is unknown, past its absolute expiry,
 * idle for too long, or no longer a member.
 */
export async function resolveSession(
  db: Db,
  token: string,
  options: ResolveSessionOptions = {},
): Promise<SessionInfo | null> {
  const now = options.now ?? new Date();
  const idleTimeoutMs = options.idleTimeoutMs ?? SESSION_IDLE_TIMEOUT_MS;
  const session = await db.session.findUnique({
    where: { tokenHash: tokenHash(token) },
    include: { user: true, organization: true },
  });
  if (!session) return null;
  if (session.expiresAt <= now || session.lastSeenAt.getTime() + idleTimeoutMs <= now.getTime()) {
    await db.session.deleteMany({ where: { id: session.id } });
    return null;
  }
  const member = await db.member.findUnique({
    where: {
      organizationId_userId: { organizationId: session.organizationId, userId: session.userId },
    },
    include: { clients: { select: { clientId: true } } },
  });
  if (!member) return null;
  if (now.getTime() - session.lastSeenAt.getTime() >= SESSION_TOUCH_INTERVAL_MS) {
    await db.session.updateMany({
      where: { id: session.id, lastSeenAt: { lt: now } },
      data: { lastSeenAt: now },
    });
  }
  return {
    sessionId: session.id,
    userId: session.userId,
    organizationId: session.organizationId,
    role: member.role,
    // Owners are never limited (domain/team.ts), whatever a stale row says.
    clientIds:
      member.limitedToClients && member.role !== 'owner'
        ? member.clients.map((c) => c.clientId)
        : null,
    user: {
      id: session.user.id,
      email: session.user.email,
      name: session.user.name,
      emailVerified: session.user.emailVerifiedAt !== null,
    },
    organization: { id: session.organization.id, name: session.organization.name },
  };
}

/**
 * A new token for the same member and the same absolute expiry; the old token stops working.
 * Call it when the member's privileges change (a role change), so a token captured before
 * the change does not carry the new rights. Null when the token is no live session.
 */
export async function rotateSession(
  db: Db,
  token: string,
  now = new Date(),
): Promise<{ token: string; expiresAt: Date } | null> {
  return db.$transaction(async (tx) => {
    const session = await tx.session.findUnique({ where: { tokenHash: tokenHash(token) } });
    if (!session || session.expiresAt <= now) return null;
    const fresh = randomBytes(32).toString('base64url');
    const { count } = await tx.session.deleteMany({ where: { id: session.id } });
    if (count === 0) return null; // rotated or signed out concurrently
    await tx.session.create({
      data: {
        tokenHash: tokenHash(fresh),
        userId: session.userId,
        organizationId: session.organizationId,
        expiresAt: session.expiresAt,
        lastSeenAt: now,
      },
    });
    return { token: fresh, expiresAt: session.expiresAt };
  });
}

/** A new session for a member (sign-up, an accepted invitation); the token goes in the cookie. */
export async function createSession(
  db: Db | Tx,
  member: { userId: string; organizationId: string },
  now = new Date(),
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await db.session.create({
    data: {
      tokenHash: tokenHash(token),
      userId: member.userId,
      organizationId: member.organizationId,
      expiresAt,
      lastSeenAt: now,
    },
  });
  return { token, expiresAt };
}

/** Ends every session of the user, in every organization (a new password). */
export async function signOutEverywhere(db: Db | Tx, userId: string): Promise<void> {
  await db.session.deleteMany({ where: { userId } });
}

export async function signOut(db: Db, token: string): Promise<void> {
  await db.session.deleteMany({ where: { tokenHash: tokenHash(token) } });
}
