// The team of an organization: its members (role, and the clients a member is limited to),
// invitations mailed as /invite/:token, and the rules that keep an owner in charge
// (domain/team.ts). Owners and admins manage; every other role but client approvers reads.
import { hashPassword, type Db, type Tx } from '@herald/db';
import { MEMBER_ROLES, ROLE_LABELS, type MemberRole } from '../domain/permissions.ts';
import { normaliseEmail } from '../domain/sign-in-throttle.ts';
import {
  canAssignRole,
  canManageMember,
  leavesNoOwner,
  mayBeLimitedToClients,
  passwordProblem,
} from '../domain/team.ts';
import { accountLink, invitationMessage, sendAccountMail } from './account-emails.ts';
import { hashToken, newToken, type AccountDeps } from './accounts.ts';
import { recordActivity } from './activity.ts';
import { requirePermission, type Actor } from './actor.ts';
import { createSession } from './auth.ts';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from './errors.ts';

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

const nowOf = (deps: { now?: () => Date }) => (deps.now ? deps.now() : new Date());

/** The team page: members, pending invitations (for managers) and the clients to pick from. */
export async function listTeam(db: Db, actor: Actor, now = new Date()) {
  requirePermission(actor, 'team:read');
  const manages = canManage(actor);
  const [members, invitations, clients] = await Promise.all([
    db.member.findMany({
      where: { organizationId: actor.organizationId },
      orderBy: { createdAt: 'asc' },
      select: {
        id: true,
        role: true,
        limitedToClients: true,
        createdAt: true,
        user: { select: { id: true, name: true, email: true } },
        clients: { select: { client: { select: { id: true, name: true } } } },
      },
    }),
    manages
      ? db.invitation.findMany({
          where: {
            organizationId: actor.organizationId,
            acceptedAt: null,
            revokedAt: null,
            expiresAt: { gt: now },
          },
          orderBy: { createdAt: 'desc' },
          select: {
            id: true,
            email: true,
            role: true,
            limitedToClients: true,
            clientIds: true,
            expiresAt: true,
          },
        })
      : [],
    db.client.findMany({
      where: { organizationId: actor.organizationId },
      orderBy: { name: 'asc' },
      select: { id: true, name: true },
    }),
  ]);
  return {
    canManage: manages,
    members: members.map((m) => ({
      id: m.id,
      role: m.role,
      user: m.user,
      isYou: m.user.id === actor.userId,
      clients: m.limitedToClients ? m.clients.map((c) => c.client) : null,
    })),
    invitations: invitations.map((i) => ({
      id: i.id,
      email: i.email,
      role: i.role,
      expiresAt: i.expiresAt,
      clientIds: i.limitedToClients ? clientIdsOf(i.clientIds) : null,
    })),
    // A manager picks among these; a member limited to some clients only sees their own names.
    clients: manages
      ? clients.filter((c) => !actor.clientIds || actor.clientIds.includes(c.id))
      : [],
  };
}

function canManage(actor: Actor): boolean {
  return actor.role === 'owner' || actor.role === 'admin';
}

function clientIdsOf(json: unknown): string[] {
  return Array.isArray(json) ? json.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * The client limit asked for, checked: owners are never limited; the clients must be the
 * organization's; a manager who is limited can only hand out clients they see themselves.
 * Null: every client.
 */
async function checkedClientLimit(
  db: Db | Tx,
  actor: Actor,
  role: MemberRole,
  clientIds: readonly string[] | null,
): Promise<string[] | null> {
  if (clientIds === null) {
    if (actor.clientIds) {
      throw new ForbiddenError('You can only give access to the clients you work on yourself.');
    }
    return null;
  }
  if (!mayBeLimitedToClients(role)) {
    throw new InvalidInputError('Owners see every client: choose another role to limit clients.');
  }
  const unique = [...new Set(clientIds)];
  if (unique.length === 0) throw new InvalidInputError('Choose at least one client.');
  const found = await db.client.count({
    where: { organizationId: actor.organizationId, id: { in: unique } },
  });
  if (found !== unique.length) throw new NotFoundError('Client');
  if (actor.clientIds && unique.some((id) => !actor.clientIds!.includes(id))) {
    throw new ForbiddenError('You can only give access to the clients you work on yourself.');
  }
  return unique;
}

function requireRoleChange(actor: Actor, role: MemberRole): void {
  requirePermission(actor, 'team:manage');
  if (!MEMBER_ROLES.includes(role)) throw new InvalidInputError('Choose a role.');
  if (!canAssignRole(actor.role, role)) {
    throw new ForbiddenError('Only an owner can make someone an owner.');
  }
}

export interface InviteInput {
  email: string;
  role: MemberRole;
  /** Null: every client. */
  clientIds: string[] | null;
}

/**
 * Invites a person by email; a pending invitation to the same email is replaced. The inviter
 * must have verified their own email address (ADR 0037: the one thing an unverified user
 * cannot do).
 */
export async function inviteMember(
  deps: AccountDeps,
  actor: Actor,
  input: InviteInput,
): Promise<{ invitationId: string; mailed: boolean }> {
  requireRoleChange(actor, input.role);
  const now = nowOf(deps);
  const email = normaliseEmail(input.email);
  const inviter = await deps.db.user.findUnique({
    where: { id: actor.userId },
    select: { name: true, emailVerifiedAt: true },
  });
  if (!inviter?.emailVerifiedAt) {
    throw new ForbiddenError(
      'Confirm your email address before inviting others: use the link we emailed you.',
    );
  }
  const clientIds = await checkedClientLimit(deps.db, actor, input.role, input.clientIds);
  const existing = await deps.db.member.findFirst({
    where: { organizationId: actor.organizationId, user: { email } },
    select: { id: true },
  });
  if (existing) throw new ConflictError(`${email} is already a member of this team.`);
  const invite = newToken();
  const { invitation, organization } = await deps.db.$transaction(async (tx) => {
    await tx.invitation.updateMany({
      where: { organizationId: actor.organizationId, email, acceptedAt: null, revokedAt: null },
      data: { revokedAt: now },
    });
    const invitation = await tx.invitation.create({
      data: {
        organizationId: actor.organizationId,
        email,
        role: input.role,
        limitedToClients: clientIds !== null,
        clientIds: clientIds ?? [],
        tokenHash: invite.tokenHash,
        invitedById: actor.userId,
        expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
      },
    });
    await recordActivity(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: 'member.invited',
      subjectType: 'invitation',
      subjectId: invitation.id,
      data: { email, role: input.role, clientIds },
    });
    const organization = await tx.organization.findUniqueOrThrow({
      where: { id: actor.organizationId },
      select: { name: true },
    });
    return { invitation, organization };
  });
  const mailed = await sendAccountMail(
    deps,
    invitationMessage(
      email,
      {
        organizationName: organization.name,
        inviterName: inviter.name,
        roleLabel: ROLE_LABELS[input.role],
      },
      accountLink(deps.publicUrl, `/invite/${invite.token}`),
    ),
  );
  return { invitationId: invitation.id, mailed };
}

/** A fresh link and seven more days; the old link stops working. */
export async function resendInvitation(
  deps: AccountDeps,
  actor: Actor,
  input: { invitationId: string },
): Promise<{ mailed: boolean }> {
  requirePermission(actor, 'team:manage');
  const now = nowOf(deps);
  const invitation = await deps.db.invitation.findFirst({
    where: {
      id: input.invitationId,
      organizationId: actor.organizationId,
      acceptedAt: null,
      revokedAt: null,
    },
    include: { organization: { select: { name: true } } },
  });
  if (!invitation) throw new NotFoundError('Invitation');
  if (!canAssignRole(actor.role, invitation.role)) throw new ForbiddenError();
  const inviter = await deps.db.user.findUniqueOrThrow({
    where: { id: actor.userId },
    select: { name: true },
  });
  const invite = newToken();
  await deps.db.invitation.update({
    where: { id: invitation.id },
    data: { tokenHash: invite.tokenHash, expiresAt: new Date(now.getTime() + INVITATION_TTL_MS) },
  });
  const mailed = await sendAccountMail(
    deps,
    invitationMessage(
      invitation.email,
      {
        organizationName: invitation.organization.name,
        inviterName: inviter.name,
        roleLabel: ROLE_LABELS[invitation.role],
      },
      accountLink(deps.publicUrl, `/invite/${invite.token}`),
    ),
  );
  return { mailed };
}

export async function revokeInvitation(
  db: Db,
  actor: Actor,
  input: { invitationId: string },
  now = new Date(),
): Promise<void> {
  requirePermission(actor, 'team:manage');
  const invitation = await db.invitation.findFirst({
    where: { id: input.invitationId, organizationId: actor.organizationId },
    select: { id: true, role: true },
  });
  if (!invitation) throw new NotFoundError('Invitation');
  if (!canAssignRole(actor.role, invitation.role)) throw new ForbiddenError();
  await db.$transaction(async (tx) => {
    await tx.invitation.updateMany({
      where: { id: invitation.id, acceptedAt: null, revokedAt: null },
      data: { revokedAt: now },
    });
    await recordActivity(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: 'member.invitation_revoked',
      subjectType: 'invitation',
      subjectId: invitation.id,
      data: {},
    });
  });
}

async function liveInvitation(db: Db | Tx, token: string, now: Date) {
  const invitation = await db.invitation.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { organization: { select: { name: true } } },
  });
  if (!invitation || invitation.acceptedAt || invitation.revokedAt || invitation.expiresAt <= now) {
    return null;
  }
  return invitation;
}

export interface InvitationView {
  organizationName: string;
  email: string;
  role: MemberRole;
  roleLabel: string;
  /** The email already has an account: the person signs in to accept. */
  hasAccount: boolean;
}

/** What the /invite/:token page shows; null when the link is unknown, used, revoked or expired. */
export async function describeInvitation(
  deps: { db: Db; now?: () => Date },
  token: string,
): Promise<InvitationView | null> {
  const invitation = await liveInvitation(deps.db, token, nowOf(deps));
  if (!invitation) return null;
  const user = await deps.db.user.findUnique({
    where: { email: invitation.email },
    select: { id: true },
  });
  return {
    organizationName: invitation.organization.name,
    email: invitation.email,
    role: invitation.role,
    roleLabel: ROLE_LABELS[invitation.role],
    hasAccount: user !== null,
  };
}

export const INVITATION_GONE =
  'This invitation has expired, was withdrawn, or was already used. Ask for a new one.';

export type AcceptInvitationInput =
  /** An existing account, signed in as the invited email. */
  | { token: string; userId: string }
  /** A new account: the mailed link proves the email. */
  | { token: string; name: string; password: string };

export type AcceptInvitationResult =
  | { ok: true; token: string; expiresAt: Date; organizationId: string }
  | { ok: false; field: 'token' | 'name' | 'password' | 'account'; message: string };

/** Joins the organization and starts a session in it. */
export async function acceptInvitation(
  deps: { db: Db; now?: () => Date },
  input: AcceptInvitationInput,
): Promise<AcceptInvitationResult> {
  const now = nowOf(deps);
  const invitation = await liveInvitation(deps.db, input.token, now);
  if (!invitation) return { ok: false, field: 'token', message: INVITATION_GONE };
  let newUser: { name: string; passwordHash: string } | null = null;
  if ('userId' in input) {
    const user = await deps.db.user.findUnique({ where: { id: input.userId } });
    if (!user || user.email !== invitation.email) {
      return {
        ok: false,
        field: 'account',
        message: `This invitation is for ${invitation.email}. Sign out, then sign in with that email.`,
      };
    }
  } else {
    const name = input.name.trim();
    if (!name) return { ok: false, field: 'name', message: 'Enter your name.' };
    const problem = passwordProblem(input.password, invitation.email);
    if (problem) return { ok: false, field: 'password', message: problem };
    if (await deps.db.user.findUnique({ where: { email: invitation.email } })) {
      return {
        ok: false,
        field: 'account',
        message: `${invitation.email} already has an account: sign in to accept.`,
      };
    }
    newUser = { name, passwordHash: await hashPassword(input.password) };
  }
  return deps.db.$transaction(async (tx) => {
    const { count } = await tx.invitation.updateMany({
      where: { id: invitation.id, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
      data: { acceptedAt: now },
    });
    if (count !== 1) return { ok: false, field: 'token', message: INVITATION_GONE } as const;
    // The mailed link came back: the address is proven.
    const user = newUser
      ? await tx.user.create({
          data: { email: invitation.email, ...newUser, emailVerifiedAt: now },
        })
      : await tx.user.findUniqueOrThrow({ where: { email: invitation.email } });
    if (!user.emailVerifiedAt) {
      await tx.user.update({ where: { id: user.id }, data: { emailVerifiedAt: now } });
    }
    const already = await tx.member.findUnique({
      where: {
        organizationId_userId: { organizationId: invitation.organizationId, userId: user.id },
      },
    });
    if (already) {
      return {
        ok: false,
        field: 'account',
        message: 'You are already a member of this team.',
      } as const;
    }
    // Clients deleted since the invitation drop out; the limit itself stays.
    const limited = invitation.limitedToClients && invitation.role !== 'owner';
    const clientIds = limited
      ? (
          await tx.client.findMany({
            where: {
              organizationId: invitation.organizationId,
              id: { in: clientIdsOf(invitation.clientIds) },
            },
            select: { id: true },
          })
        ).map((c) => c.id)
      : [];
    const member = await tx.member.create({
      data: {
        organizationId: invitation.organizationId,
        userId: user.id,
        role: invitation.role,
        limitedToClients: limited,
        clients: {
          create: clientIds.map((clientId) => ({
            clientId,
            organizationId: invitation.organizationId,
          })),
        },
      },
    });
    await recordActivity(tx, {
      organizationId: invitation.organizationId,
      actorUserId: user.id,
      action: 'member.joined',
      subjectType: 'member',
      subjectId: member.id,
      data: { role: invitation.role, clientIds: limited ? clientIds : null },
    });
    const session = await createSession(
      tx,
      { userId: user.id, organizationId: invitation.organizationId },
      now,
    );
    return { ok: true, ...session, organizationId: invitation.organizationId } as const;
  });
}

async function lockedMember(tx: Tx, actor: Actor, memberId: string) {
  const member = await tx.member.findFirst({
    where: { id: memberId, organizationId: actor.organizationId },
    select: { id: true, role: true, userId: true },
  });
  if (!member) throw new NotFoundError('Member');
  if (!canManageMember(actor.role, member.role)) {
    throw new ForbiddenError('Only an owner can change or remove an owner.');
  }
  return member;
}

const ownerCount = (tx: Tx, organizationId: string) =>
  tx.member.count({ where: { organizationId, role: 'owner' } });

const LAST_OWNER = 'Every team needs an owner: make someone else an owner first.';

/** Changes a member's role and client limit (null: every client). */
export async function changeMember(
  db: Db,
  actor: Actor,
  input: { memberId: string; role: MemberRole; clientIds: string[] | null },
): Promise<void> {
  requireRoleChange(actor, input.role);
  // Serializable: two owners demoting each other at once cannot both succeed.
  await db.$transaction(
    async (tx) => {
      const member = await lockedMember(tx, actor, input.memberId);
      const clientIds = await checkedClientLimit(tx, actor, input.role, input.clientIds);
      if (leavesNoOwner(await ownerCount(tx, actor.organizationId), member.role, input.role)) {
        throw new ConflictError(LAST_OWNER);
      }
      await tx.member.update({
        where: { id: member.id },
        data: { role: input.role, limitedToClients: clientIds !== null },
      });
      await tx.memberClient.deleteMany({ where: { memberId: member.id } });
      if (clientIds) {
        await tx.memberClient.createMany({
          data: clientIds.map((clientId) => ({
            memberId: member.id,
            clientId,
            organizationId: actor.organizationId,
          })),
        });
      }
      await recordActivity(tx, {
        organizationId: actor.organizationId,
        actorUserId: actor.userId,
        action: 'member.changed',
        subjectType: 'member',
        subjectId: member.id,
        data: { from: member.role, role: input.role, clientIds },
      });
    },
    { isolationLevel: 'Serializable' },
  );
}

/** Removes a member; their sessions in this organization end at once. */
export async function removeMember(
  db: Db,
  actor: Actor,
  input: { memberId: string },
): Promise<void> {
  requirePermission(actor, 'team:manage');
  await db.$transaction(
    async (tx) => {
      const member = await lockedMember(tx, actor, input.memberId);
      if (leavesNoOwner(await ownerCount(tx, actor.organizationId), member.role, null)) {
        throw new ConflictError(LAST_OWNER);
      }
      await tx.member.delete({ where: { id: member.id } });
      await tx.session.deleteMany({
        where: { userId: member.userId, organizationId: actor.organizationId },
      });
      await recordActivity(tx, {
        organizationId: actor.organizationId,
        actorUserId: actor.userId,
        action: 'member.removed',
        subjectType: 'member',
        subjectId: member.id,
        data: { role: member.role },
      });
    },
    { isolationLevel: 'Serializable' },
  );
}
