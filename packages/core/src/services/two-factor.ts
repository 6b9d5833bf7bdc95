// Two-step sign-in with TOTP (RFC 6238, otplib; ADR 0038). The secret is sealed with the
// token keyring like platform tokens (ADR 0033); recovery codes and sign-in challenges are
// stored only as SHA-256. Every check takes `now`, so tests drive the clock.
import { passwordProblem } from '../domain/team.ts';
import { createHash, randomBytes } from 'node:crypto';
import { hashPassword, verifyPassword, type Db, type TokenKeyring, type Tx } from '@herald/db';
import { generate, generateSecret, generateURI, verify } from 'otplib';
import {
  formatRecoveryCode,
  normaliseRecoveryCode,
  normaliseTotpCode,
  RECOVERY_CODE_COUNT,
  SIGN_IN_CHALLENGE_MAX_FAILURES,
} from '../domain/two-factor.ts';
import type { Actor } from './actor.ts';
import { startSession, tokenHash } from './auth.ts';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from './errors.ts';

export interface TwoFactorDeps {
  db: Db;
  /** The keyring TOTP secrets are sealed with; undefined when the server has no key. */
  tokenKey: TokenKeyring | undefined;
}

/** What authenticator apps show as the account's issuer. */
export const TOTP_ISSUER = 'Herald';
/** One time step either side, for clocks that drift and codes typed at the turn of a step. */
const EPOCH_TOLERANCE_SECONDS = 30;

const WRONG_CODE =
  "That code isn't right. Enter the six digits your authenticator app shows now, or one of your recovery codes.";

function keyring(deps: TwoFactorDeps): TokenKeyring {
  if (!deps.tokenKey) {
    throw new ConflictError(
      'Two-step sign-in is not available on this server: TOKEN_ENCRYPTION_KEY is not set.',
    );
  }
  return deps.tokenKey;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const epochOf = (now: Date) => Math.floor(now.getTime() / 1000);

export interface TwoFactorStatus {
  enabled: boolean;
  enabledAt: Date | null;
  /** Unused recovery codes left. */
  recoveryCodesLeft: number;
  /** A secret being set up (shown again until confirmed), or null. */
  pending: { secret: string; uri: string } | null;
}

export async function twoFactorStatus(
  deps: TwoFactorDeps,
  userId: string,
): Promise<TwoFactorStatus> {
  const user = await deps.db.user.findUnique({ where: { id: userId } });
  if (!user) throw new NotFoundError('User');
  const recoveryCodesLeft = await deps.db.twoFactorRecoveryCode.count({
    where: { userId, usedAt: null },
  });
  let pending: TwoFactorStatus['pending'] = null;
  if (!user.totpEnabledAt && user.totpPendingSecretEncrypted && deps.tokenKey) {
    const secret = deps.tokenKey.open(user.totpPendingSecretEncrypted);
    pending = { secret, uri: otpauthUri(user.email, secret) };
  }
  return {
    enabled: user.totpEnabledAt !== null,
    enabledAt: user.totpEnabledAt,
    recoveryCodesLeft: user.totpEnabledAt ? recoveryCodesLeft : 0,
    pending,
  };
}

/** The time step a code is valid for (within one step of now, after `afterTimeStep`), or null. */
async function verifyTotp(
  secret: string,
  token: string,
  now: Date,
  afterTimeStep: number | null,
): Promise<number | null> {
  const result = await verify({
    secret,
    token,
    epoch: epochOf(now),
    epochTolerance: EPOCH_TOLERANCE_SECONDS,
    ...(afterTimeStep !== null ? { afterTimeStep } : {}),
  });
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}

function otpauthUri(email: string, secret: string): string {
  return generateURI({ issuer: TOTP_ISSUER, label: email, secret });
}

/** Starts setting up: a new secret, not yet in force until confirmTwoFactorEnrollment. */
export async function beginTwoFactorEnrollment(
  deps: TwoFactorDeps,
  userId: string,
): Promise<{ secret: string; uri: string }> {
  const keys = keyring(deps);
  const user = await deps.db.user.findUnique({ where: { id: userId } });
  if (!user) throw new NotFoundError('User');
  if (user.totpEnabledAt) throw new ConflictError('Two-step sign-in is already on.');
  const secret = generateSecret();
  await deps.db.user.update({
    where: { id: userId },
    data: { totpPendingSecretEncrypted: keys.seal(secret) },
  });
  return { secret, uri: otpauthUri(user.email, secret) };
}

/**
 * Turns two-step sign-in on once the person proves their app has the secret. Returns the
 * recovery codes: shown once, only their hashes are kept.
 */
export async function confirmTwoFactorEnrollment(
  deps: TwoFactorDeps,
  userId: string,
  code: string,
  now = new Date(),
): Promise<{ recoveryCodes: string[] }> {
  const keys = keyring(deps);
  const user = await deps.db.user.findUnique({ where: { id: userId } });
  if (!user) throw new NotFoundError('User');
  if (user.totpEnabledAt) throw new ConflictError('Two-step sign-in is already on.');
  if (!user.totpPendingSecretEncrypted) {
    throw new ConflictError('Start setting up two-step sign-in first.');
  }
  const digits = normaliseTotpCode(code);
  if (!digits) throw new InvalidInputError('Enter the six digits your authenticator app shows.');
  const timeStep = await verifyTotp(keys.open(user.totpPendingSecretEncrypted), digits, now, null);
  if (timeStep === null) {
    throw new InvalidInputError(
      "That code isn't right. Check that your app's clock is correct and enter the code it shows now.",
    );
  }
  const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, () =>
    formatRecoveryCode(randomBytes(10)),
  );
  await deps.db.$transaction(async (tx) => {
    const { count } = await tx.user.updateMany({
      where: {
        id: userId,
        totpEnabledAt: null,
        totpPendingSecretEncrypted: user.totpPendingSecretEncrypted,
      },
      data: {
        totpSecretEncrypted: user.totpPendingSecretEncrypted,
        totpPendingSecretEncrypted: null,
        totpEnabledAt: now,
        totpLastTimeStep: timeStep,
      },
    });
    if (count === 0) throw new ConflictError('Two-step sign-in changed meanwhile; try again.');
    await tx.twoFactorRecoveryCode.deleteMany({ where: { userId } });
    await tx.twoFactorRecoveryCode.createMany({
      data: recoveryCodes.map((c) => ({ userId, codeHash: sha256(normaliseRecoveryCode(c)!) })),
    });
  });
  return { recoveryCodes };
}

/** Turns two-step sign-in off; needs a current code (or recovery code) or the password. */
export async function disableTwoFactor(
  deps: TwoFactorDeps,
  userId: string,
  proof: { code?: string; password?: string },
  now = new Date(),
): Promise<void> {
  const user = await deps.db.user.findUnique({ where: { id: userId } });
  if (!user) throw new NotFoundError('User');
  if (!user.totpEnabledAt) throw new ConflictError('Two-step sign-in is already off.');
  const password = proof.password ?? '';
  const code = proof.code?.trim() ?? '';
  if (!password && !code) {
    throw new InvalidInputError('Enter a code from your app, or your password, to turn it off.');
  }
  await deps.db.$transaction(async (tx) => {
    const proved = code
      ? (await checkSecondFactor(tx, deps, user, code, now)) !== null
      : await verifyPassword(user.passwordHash, password);
    if (!proved) {
      throw new InvalidInputError(
        code ? WRONG_CODE : "That password isn't right. Enter the one you sign in with.",
      );
    }
    await tx.user.update({
      where: { id: userId },
      data: {
        totpSecretEncrypted: null,
        totpPendingSecretEncrypted: null,
        totpEnabledAt: null,
        totpLastTimeStep: null,
      },
    });
    await tx.twoFactorRecoveryCode.deleteMany({ where: { userId } });
    await tx.signInChallenge.deleteMany({ where: { userId } });
  });
}

/**
 * Accepts a current TOTP code (never twice for the same time step) or an unused recovery
 * code (then used up). Returns which one, or null.
 */
async function checkSecondFactor(
  tx: Tx,
  deps: TwoFactorDeps,
  user: { id: string; totpSecretEncrypted: string | null; totpLastTimeStep: number | null },
  code: string,
  now: Date,
): Promise<'totp' | 'recovery' | null> {
  const digits = normaliseTotpCode(code);
  if (digits) {
    if (!user.totpSecretEncrypted) return null;
    const timeStep = await verifyTotp(
      keyring(deps).open(user.totpSecretEncrypted),
      digits,
      now,
      user.totpLastTimeStep,
    );
    if (timeStep === null) return null;
    // Compare-and-set: of two requests with the same code, only one moves the step on.
    const { count } = await tx.user.updateMany({
      where: {
        id: user.id,
        OR: [{ totpLastTimeStep: null }, { totpLastTimeStep: { lt: timeStep } }],
      },
      data: { totpLastTimeStep: timeStep },
    });
    return count === 1 ? 'totp' : null;
  }
  const recovery = normaliseRecoveryCode(code);
  if (!recovery) return null;
  const { count } = await tx.twoFactorRecoveryCode.updateMany({
    where: { userId: user.id, codeHash: sha256(recovery), usedAt: null },
    data: { usedAt: now },
  });
  return count === 1 ? 'recovery' : null;
}

export type SecondStepOutcome =
  | { outcome: 'signed_in'; token: string; expiresAt: Date; usedRecoveryCode: boolean }
  | { outcome: 'invalid'; message: string }
  | { outcome: 'expired'; message: string };

const EXPIRED: SecondStepOutcome = {
  outcome: 'expired',
  message: 'That sign-in took too long or had too many wrong codes. Enter your password again.',
};

/** Who a sign-in challenge belongs to (for throttling), or null when it is unknown or over. */
export async function signInChallengeOwner(
  db: Db,
  challengeToken: string,
  now = new Date(),
): Promise<{ userId: string; email: string } | null> {
  const challenge = await db.signInChallenge.findUnique({
    where: { tokenHash: tokenHash(challengeToken) },
    include: { user: { select: { email: true } } },
  });
  if (!challenge || challenge.expiresAt <= now) return null;
  return { userId: challenge.userId, email: challenge.user.email };
}

class ChallengeGone extends Error {}

/**
 * The second step of signing in: a right code turns the challenge into a session (the
 * challenge is used up); a wrong one counts against the challenge, which ends after a few.
 */
export async function completeSecondStep(
  deps: TwoFactorDeps,
  attempt: { challengeToken: string; code: string; previousToken?: string | null },
  now = new Date(),
): Promise<SecondStepOutcome> {
  const challenge = await deps.db.signInChallenge.findUnique({
    where: { tokenHash: tokenHash(attempt.challengeToken) },
    include: { user: true },
  });
  if (!challenge) return EXPIRED;
  if (challenge.expiresAt <= now) {
    await deps.db.signInChallenge.deleteMany({ where: { id: challenge.id } });
    return EXPIRED;
  }
  let result: { session: { token: string; expiresAt: Date } | null; factor: string } | null;
  try {
    result = await deps.db.$transaction(async (tx) => {
      const factor = await checkSecondFactor(tx, deps, challenge.user, attempt.code, now);
      if (!factor) return null;
      const { count } = await tx.signInChallenge.deleteMany({
        where: { id: challenge.id, expiresAt: { gt: now } },
      });
      if (count === 0) throw new ChallengeGone(); // used concurrently: undo the code's use
      const session = await startSession(tx, challenge.userId, {
        now,
        previousToken: attempt.previousToken ?? null,
      });
      return { session, factor };
    });
  } catch (error) {
    if (error instanceof ChallengeGone) return EXPIRED;
    throw error;
  }
  if (result?.session) {
    return {
      outcome: 'signed_in',
      ...result.session,
      usedRecoveryCode: result.factor === 'recovery',
    };
  }
  if (result) return EXPIRED; // no organization left to sign in to
  const updated = await deps.db.signInChallenge.update({
    where: { id: challenge.id },
    data: { failures: { increment: 1 } },
  });
  if (updated.failures >= SIGN_IN_CHALLENGE_MAX_FAILURES) {
    await deps.db.signInChallenge.deleteMany({ where: { id: challenge.id } });
    return EXPIRED;
  }
  return { outcome: 'invalid', message: WRONG_CODE };
}

/** Owners decide whether every member must sign in with a second step. */
export async function setTwoFactorRequirement(
  db: Db,
  actor: Actor,
  required: boolean,
): Promise<void> {
  if (actor.role !== 'owner') {
    throw new ForbiddenError('Only owners can change what sign-in requires.');
  }
  if (required) {
    const me = await db.user.findUnique({ where: { id: actor.userId } });
    if (!me?.totpEnabledAt) {
      throw new ConflictError('Turn on two-step sign-in for yourself before requiring it.');
    }
  }
  await db.organization.update({
    where: { id: actor.organizationId },
    data: { requireTwoFactor: required },
  });
}

/** Changes the display name. */
export async function updateProfileName(db: Db, userId: string, name: string): Promise<void> {
  const trimmed = name.trim();
  if (!trimmed) throw new InvalidInputError('Enter your name.');
  if (trimmed.length > 100) throw new InvalidInputError('Keep your name to 100 characters.');
  await db.user.update({ where: { id: userId }, data: { name: trimmed } });
}

/**
 * Changes the password after checking the current one; every other session of the user ends
 * (and any half-finished sign-in), the one making the change stays.
 */
export async function changePassword(
  db: Db,
  input: { userId: string; currentPassword: string; newPassword: string; keepSessionId: string },
): Promise<{ otherSessionsEnded: number }> {
  const user = await db.user.findUnique({ where: { id: input.userId } });
  if (!user) throw new NotFoundError('User');
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    throw new InvalidInputError("Your current password isn't right.");
  }
  const problem = passwordProblem(input.newPassword, user.email);
  if (problem) throw new InvalidInputError(problem);
  const passwordHash = await hashPassword(input.newPassword);
  return db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { passwordHash } });
    const { count } = await tx.session.deleteMany({
      where: { userId: user.id, id: { not: input.keepSessionId } },
    });
    await tx.signInChallenge.deleteMany({ where: { userId: user.id } });
    return { otherSessionsEnded: count };
  });
}

/** The code an authenticator app would show at `now` (tests and the e2e flow use it). */
export async function totpCodeAt(secret: string, now: Date): Promise<string> {
  return generate({ secret, epoch: epochOf(now) });
}
