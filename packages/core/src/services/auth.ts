// Sign-in with email and password, and database-backed sessions. The browser holds a random
// token in an HTTP-only cookie; we store only its SHA-256, so a leaked table cannot sign in.
import { createHash, randomBytes } from 'node:crypto';
import { hashPassword, verifyPassword, type Db, type Tx } from '@herald/db';
import { normaliseEmail } from '../domain/sign-in-throttle.ts';
import { SIGN_IN_CHALLENGE_TTL_MS } from '../domain/two-factor.ts';
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
  user: {
    id: string;
    email: string;
    name: string;
    emailVerified: boolean;
    twoFactorEnabled: boolean;
  };
  organization: { id: string; name: string; requireTwoFactor: boolean };
  /** The organization requires two-step sign-in and this member has not set it up yet. */
  mustEnrollTwoFactor: boolean;
}

/** SHA-256 of a bearer token (sessions, sign-in challenges): what the database keeps. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

// Verifying against a real hash when the email is unknown keeps response times alike, so
// timing does not reveal which emails have accounts.
let decoyHash: Promise<string> | undefined;

/** What a right password leads to: a session, or (with 2FA on) the second step still owed. */
export type PasswordSignIn =
  | { kind: 'session'; token: string; expiresAt: Date }
  | { kind: 'second_step'; challengeToken: string; expiresAt: Date };

/**
 * Checks the password. Without two-step sign-in it starts a session; with it, it only issues
 * a short-lived challenge (not a session) that completeSecondStep turns into one.
 */
export async function signInWithPassword(
  db: Db,
  credentials: { email: string; password: string },
  /** previousToken: the session the browser already holds; signing in replaces it. */
  options: { now?: Date; previousToken?: string | null } = {},
): Promise<PasswordSignIn | null> {
  const now = options.now ?? new Date();
  const user = await db.user.findUnique({
    where: { email: normaliseEmail(credentials.email) },
    include: { memberships: { select: { id: true }, take: 1 } },
  });
  if (!user) {
    decoyHash ??= hashPassword(randomBytes(16).toString('hex'));
    await verifyPassword(await decoyHash, credentials.password);
    return null;
  }
  if (!(await verifyPassword(user.passwordHash, credentials.password))) return null;
  if (user.memberships.length === 0) return null;

  if (user.totpEnabledAt) {
    const challengeToken = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + SIGN_IN_CHALLENGE_TTL_MS);
    await db.signInChallenge.create({
      data: { tokenHash: tokenHash(challengeToken), userId: user.id, expiresAt, createdAt: now },
    });
    return { kind: 'second_step', challengeToken, expiresAt };
  }
  const session = await db.$transaction((tx) =>
    startSession(tx, user.id, { now, previousToken: options.previousToken ?? null }),
  );
  return session ? { kind: 'session', ...session } : null;
}

/**
 * Password-only sign-in, for tests and tools: refuses (throws) for an account with two-step
 * sign-in on, so no caller can skip the second step by accident.
 */
export async function signIn(
  db: Db,
  credentials: { email: string; password: string },
  options: { now?: Date; previousToken?: string | null } = {},
): Promise<{ token: string; expiresAt: Date } | null> {
  const result = await signInWithPassword(db, credentials, options);
  if (!result) return null;
  if (result.kind === 'second_step') {
    throw new Error('This account signs in with a second step: use signInWithPassword.');
  }
  return { token: result.token, expiresAt: result.expiresAt };
}

/**
 * The organization a member of several lands in: the one they used last, else the first by
 * name. Null when the user belongs to none.
 */
export async function landingOrganization(db: Db | Tx, userId: string): Promise<string | null> {
  const member = await db.member.findFirst({
    where: { userId },
    orderBy: [{ lastUsedAt: { sort: 'desc', nulls: 'last' } }, { organization: { name: 'asc' } }],
    select: { organizationId: true },
  });
  return member?.organizationId ?? null;
}

/**
 * A new session for a user who has proved who they are (password, and the second step when
 * on), in their landing organization. Call inside a transaction.
 */
export async function startSession(
  tx: Tx,
  userId: string,
  options: { now: Date; previousToken: string | null },
): Promise<{ token: string; expiresAt: Date } | null> {
  const organizationId = await landingOrganization(tx, userId);
  if (!organizationId) return null;
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(options.now.getTime() + SESSION_TTL_MS);
  // A fresh token on every sign-in: a token planted in the browser before (session fixation)
  // or left over from another account dies here.
  if (options.previousToken) {
    await tx.session.deleteMany({ where: { tokenHash: tokenHash(options.previousToken) } });
  }
  await tx.session.create({
    data: {
      tokenHash: tokenHash(token),
      userId,
      organizationId,
      expiresAt,
      lastSeenAt: options.now,
    },
  });
  await tx.member.updateMany({
    where: { organizationId, userId },
    data: { lastUsedAt: options.now },
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
      twoFactorEnabled: session.user.totpEnabledAt !== null,
    },
    organization: {
      id: session.organization.id,
      name: session.organization.name,
      requireTwoFactor: session.organization.requireTwoFactor,
    },
    mustEnrollTwoFactor:
      session.organization.requireTwoFactor && session.user.totpEnabledAt === null,
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

/** The organizations a user belongs to, by name, with their role in each. */
export async function listMyOrganizations(
  db: Db,
  userId: string,
): Promise<{ id: string; name: string; role: Actor['role'] }[]> {
  const members = await db.member.findMany({
    where: { userId },
    include: { organization: { select: { id: true, name: true } } },
    orderBy: { organization: { name: 'asc' } },
  });
  return members.map((m) => ({ id: m.organization.id, name: m.organization.name, role: m.role }));
}

/**
 * Moves a signed-in user to another organization they belong to: a fresh session there (same
 * absolute expiry), the old token ends. Null when the token is no live session or the user is
 * not a member of that organization (the two look the same to the caller).
 */
export async function switchOrganization(
  db: Db,
  token: string,
  organizationId: string,
  now = new Date(),
): Promise<{ token: string; expiresAt: Date } | null> {
  return db.$transaction(async (tx) => {
    const session = await tx.session.findUnique({ where: { tokenHash: tokenHash(token) } });
    if (!session || session.expiresAt <= now) return null;
    const member = await tx.member.findUnique({
      where: { organizationId_userId: { organizationId, userId: session.userId } },
    });
    if (!member) return null;
    const { count } = await tx.session.deleteMany({ where: { id: session.id } });
    if (count === 0) return null; // signed out or switched concurrently
    const fresh = randomBytes(32).toString('base64url');
    await tx.session.create({
      data: {
        tokenHash: tokenHash(fresh),
        userId: session.userId,
        organizationId,
        expiresAt: session.expiresAt,
        lastSeenAt: now,
      },
    });
    await tx.member.update({ where: { id: member.id }, data: { lastUsedAt: now } });
    return { token: fresh, expiresAt: session.expiresAt };
  });
}
