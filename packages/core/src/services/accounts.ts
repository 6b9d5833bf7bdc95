// A person's own account: signing up (a new agency with its owner), verifying the email
// address, and resetting a forgotten password. One-time links carry a random token; only its
// SHA-256 is stored, and each token works once, until it expires (ADR 0037).
import { createHash, randomBytes } from 'node:crypto';
import { hashPassword, Prisma, type Db, type Tx } from '@herald/db';
import { RateLimiterPrisma, RateLimiterRes } from 'rate-limiter-flexible';
import { normaliseEmail } from '../domain/sign-in-throttle.ts';
import { passwordProblem, slugify } from '../domain/team.ts';
import {
  accountLink,
  resetPasswordMessage,
  sendAccountMail,
  verifyEmailMessage,
  type AccountMailDeps,
} from './account-emails.ts';
import { recordActivity } from './activity.ts';
import { createSession, signOutEverywhere } from './auth.ts';

const HOUR_MS = 60 * 60 * 1000;
export const VERIFY_EMAIL_TTL_MS = 24 * HOUR_MS;
export const RESET_PASSWORD_TTL_MS = HOUR_MS;

export interface AccountDeps extends AccountMailDeps {
  db: Db;
  now?: () => Date;
}

const nowOf = (deps: { now?: () => Date }) => (deps.now ? deps.now() : new Date());

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: hashToken(token) };
}

// --- rate limits (rate-limiter-flexible's Prisma store, as sign-in throttling) ---

interface Limits {
  resend: RateLimiterPrisma;
  resetPerEmail: RateLimiterPrisma;
  resetPerClient: RateLimiterPrisma;
}
const limits = new WeakMap<Db, Limits>();

function limitsFor(db: Db): Limits {
  let found = limits.get(db);
  if (!found) {
    const store = { storeClient: db, tableName: 'rateLimit' } as const;
    found = {
      resend: new RateLimiterPrisma({
        ...store,
        keyPrefix: 'verify_email_resend',
        points: 3,
        duration: 60 * 60,
      }),
      resetPerEmail: new RateLimiterPrisma({
        ...store,
        keyPrefix: 'password_reset_email',
        points: 3,
        duration: 60 * 60,
      }),
      resetPerClient: new RateLimiterPrisma({
        ...store,
        keyPrefix: 'password_reset_client',
        points: 20,
        duration: 60 * 60,
      }),
    };
    limits.set(db, found);
  }
  return found;
}

/** Takes a point; the seconds to wait when none is left, else 0. */
async function take(limiter: RateLimiterPrisma, key: string): Promise<number> {
  try {
    await limiter.consume(key);
    return 0;
  } catch (error) {
    if (error instanceof RateLimiterRes) return Math.max(1, Math.ceil(error.msBeforeNext / 1000));
    throw error;
  }
}

function waitMessage(what: string, seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return `${what} Try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`;
}

// --- sign-up ---

export interface SignUpInput {
  name: string;
  email: string;
  password: string;
  agencyName: string;
}

export type SignUpResult =
  | {
      ok: true;
      token: string;
      expiresAt: Date;
      userId: string;
      organizationId: string;
      mailed: boolean;
    }
  | { ok: false; fieldErrors: Partial<Record<keyof SignUpInput, string>> };

/**
 * Creates the agency, its owner and a session, and mails the verification link. An email that
 * already has an account is refused with a sentence (sign-up cannot hide it: the account
 * would have to exist twice).
 */
export async function signUp(deps: AccountDeps, input: SignUpInput): Promise<SignUpResult> {
  const now = nowOf(deps);
  const email = normaliseEmail(input.email);
  const name = input.name.trim();
  const agencyName = input.agencyName.trim();
  const fieldErrors: Partial<Record<keyof SignUpInput, string>> = {};
  if (!name) fieldErrors.name = 'Enter your name.';
  if (!agencyName) fieldErrors.agencyName = 'Enter the name of your agency.';
  const problem = passwordProblem(input.password, email);
  if (problem) fieldErrors.password = problem;
  if (Object.keys(fieldErrors).length > 0) return { ok: false, fieldErrors };
  if (await deps.db.user.findUnique({ where: { email }, select: { id: true } })) {
    return {
      ok: false,
      fieldErrors: { email: 'This email already has an account. Sign in, or reset your password.' },
    };
  }
  const passwordHash = await hashPassword(input.password);
  const verification = newToken();
  let created;
  try {
    created = await deps.db.$transaction(async (tx) => {
      const user = await tx.user.create({ data: { email, name, passwordHash } });
      const organization = await tx.organization.create({
        data: { name: agencyName, slug: await uniqueSlug(tx, agencyName) },
      });
      await tx.member.create({
        data: { organizationId: organization.id, userId: user.id, role: 'owner' },
      });
      await tx.userToken.create({
        data: {
          userId: user.id,
          purpose: 'verify_email',
          tokenHash: verification.tokenHash,
          expiresAt: new Date(now.getTime() + VERIFY_EMAIL_TTL_MS),
        },
      });
      await recordActivity(tx, {
        organizationId: organization.id,
        actorUserId: user.id,
        action: 'organization.created',
        subjectType: 'organization',
        subjectId: organization.id,
        data: {},
      });
      const session = await createSession(
        tx,
        { userId: user.id, organizationId: organization.id },
        now,
      );
      return { user, organization, session };
    });
  } catch (error) {
    // Two sign-ups with one email at once: the second loses on the unique index.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      return {
        ok: false,
        fieldErrors: {
          email: 'This email already has an account. Sign in, or reset your password.',
        },
      };
    }
    throw error;
  }
  const mailed = await sendAccountMail(
    deps,
    verifyEmailMessage(
      created.user,
      accountLink(deps.publicUrl, `/verify-email/${verification.token}`),
    ),
  );
  return {
    ok: true,
    token: created.session.token,
    expiresAt: created.session.expiresAt,
    userId: created.user.id,
    organizationId: created.organization.id,
    mailed,
  };
}

async function uniqueSlug(tx: Tx, name: string): Promise<string> {
  const base = slugify(name);
  const taken = new Set(
    (
      await tx.organization.findMany({
        where: { slug: { startsWith: base } },
        select: { slug: true },
      })
    ).map((o) => o.slug),
  );
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** Uses a one-time token: the user it belongs to, or null when unknown, used or expired. */
async function useToken(
  tx: Tx,
  token: string,
  purpose: 'verify_email' | 'reset_password',
  now: Date,
): Promise<{ userId: string } | null> {
  const row = await tx.userToken.findUnique({ where: { tokenHash: hashToken(token) } });
  if (!row || row.purpose !== purpose || row.usedAt || row.expiresAt <= now) return null;
  // Guarded in SQL: of two uses at once, one wins.
  const { count } = await tx.userToken.updateMany({
    where: { id: row.id, usedAt: null },
    data: { usedAt: now },
  });
  return count === 1 ? { userId: row.userId } : null;
}

export type VerifyEmailResult = { ok: true; email: string } | { ok: false; message: string };

export async function verifyEmail(
  deps: { db: Db; now?: () => Date },
  token: string,
): Promise<VerifyEmailResult> {
  const now = nowOf(deps);
  return deps.db.$transaction(async (tx) => {
    const used = await useToken(tx, token, 'verify_email', now);
    if (!used) {
      return {
        ok: false,
        message:
          'This link has expired or was already used. Sign in and ask for a new one from the banner.',
      };
    }
    const user = await tx.user.update({
      where: { id: used.userId },
      data: { emailVerifiedAt: now },
      select: { email: true },
    });
    return { ok: true, email: user.email };
  });
}

export type ResendResult =
  | { outcome: 'sent' }
  | { outcome: 'already_verified' }
  | { outcome: 'not_sent'; message: string }
  | { outcome: 'throttled'; message: string; retryAfterSeconds: number };

/** A fresh verification link for a signed-in user; older links stop working. */
export async function resendVerification(deps: AccountDeps, userId: string): Promise<ResendResult> {
  const now = nowOf(deps);
  const user = await deps.db.user.findUnique({ where: { id: userId } });
  if (!user || user.emailVerifiedAt) return { outcome: 'already_verified' };
  const wait = await take(limitsFor(deps.db).resend, user.id);
  if (wait > 0) {
    return {
      outcome: 'throttled',
      retryAfterSeconds: wait,
      message: waitMessage('We sent several links already.', wait),
    };
  }
  const verification = newToken();
  await deps.db.$transaction(async (tx) => {
    await tx.userToken.deleteMany({ where: { userId: user.id, purpose: 'verify_email' } });
    await tx.userToken.create({
      data: {
        userId: user.id,
        purpose: 'verify_email',
        tokenHash: verification.tokenHash,
        expiresAt: new Date(now.getTime() + VERIFY_EMAIL_TTL_MS),
      },
    });
  });
  const sent = await sendAccountMail(
    deps,
    verifyEmailMessage(user, accountLink(deps.publicUrl, `/verify-email/${verification.token}`)),
  );
  return sent
    ? { outcome: 'sent' }
    : { outcome: 'not_sent', message: 'The email could not be sent just now. Try again later.' };
}

// --- password reset ---

export type PasswordResetRequestResult =
  { outcome: 'accepted' } | { outcome: 'throttled'; message: string; retryAfterSeconds: number };

/**
 * Mails a reset link when the email has an account. The answer is the same either way, and an
 * unknown email is counted against the limits like a known one. The mail goes out after the
 * answer (`sending` resolves when it has), so response times do not tell the two apart.
 */
export async function requestPasswordReset(
  deps: AccountDeps,
  input: { email: string; clientKey: string },
): Promise<PasswordResetRequestResult & { sending: Promise<void> }> {
  const now = nowOf(deps);
  const email = normaliseEmail(input.email);
  const { resetPerEmail, resetPerClient } = limitsFor(deps.db);
  const wait = Math.max(
    await take(resetPerClient, input.clientKey),
    await take(resetPerEmail, hashToken(email)),
  );
  if (wait > 0) {
    return {
      outcome: 'throttled',
      retryAfterSeconds: wait,
      message: waitMessage('Too many reset requests.', wait),
      sending: Promise.resolve(),
    };
  }
  const sending = (async () => {
    const user = await deps.db.user.findUnique({ where: { email } });
    if (!user) return;
    const reset = newToken();
    await deps.db.userToken.create({
      data: {
        userId: user.id,
        purpose: 'reset_password',
        tokenHash: reset.tokenHash,
        expiresAt: new Date(now.getTime() + RESET_PASSWORD_TTL_MS),
      },
    });
    await sendAccountMail(
      deps,
      resetPasswordMessage(user, accountLink(deps.publicUrl, `/reset-password/${reset.token}`)),
    );
  })().catch((error: unknown) => {
    deps.log?.(`password reset: ${error instanceof Error ? error.message : String(error)}`);
  });
  return { outcome: 'accepted', sending };
}

/** Whether a reset link can still be used (the page asks before showing the form). */
export async function resetTokenUsable(
  deps: { db: Db; now?: () => Date },
  token: string,
): Promise<boolean> {
  const row = await deps.db.userToken.findUnique({ where: { tokenHash: hashToken(token) } });
  return !!row && row.purpose === 'reset_password' && !row.usedAt && row.expiresAt > nowOf(deps);
}

export type ResetPasswordResult =
  { ok: true; email: string } | { ok: false; field: 'password' | 'token'; message: string };

/**
 * Sets the new password and ends every session of the user (a thief signed in with the old
 * password is signed out). The token works once; other reset links of the user die with it.
 */
export async function resetPassword(
  deps: { db: Db; now?: () => Date },
  input: { token: string; password: string },
): Promise<ResetPasswordResult> {
  const now = nowOf(deps);
  const expired = {
    ok: false,
    field: 'token',
    message: 'This reset link has expired or was already used. Ask for a new one.',
  } as const;
  const row = await deps.db.userToken.findUnique({
    where: { tokenHash: hashToken(input.token) },
    include: { user: { select: { email: true, emailVerifiedAt: true } } },
  });
  if (!row || row.purpose !== 'reset_password' || row.usedAt || row.expiresAt <= now)
    return expired;
  const problem = passwordProblem(input.password, row.user.email);
  if (problem) return { ok: false, field: 'password', message: problem };
  const passwordHash = await hashPassword(input.password);
  return deps.db.$transaction(async (tx) => {
    const used = await useToken(tx, input.token, 'reset_password', now);
    if (!used) return expired;
    // The mail reached the inbox and came back: the address is proven too.
    const user = await tx.user.update({
      where: { id: used.userId },
      data: { passwordHash, emailVerifiedAt: row.user.emailVerifiedAt ?? now },
      select: { id: true, email: true },
    });
    await tx.userToken.deleteMany({ where: { userId: user.id, purpose: 'reset_password' } });
    await signOutEverywhere(tx, user.id);
    return { ok: true, email: user.email };
  });
}
