// Signing in, throttled per account and per client address. Failures are counted in Postgres
// (rate-limiter-flexible's Prisma store, table rate_limits), so the limits hold across web
// replicas. The policy itself is pure data in domain/sign-in-throttle.ts.
import { createHash } from 'node:crypto';
import type { Db, TokenKeyring } from '@herald/db';
import { RateLimiterPrisma, type RateLimiterRes } from 'rate-limiter-flexible';
import {
  ACCOUNT_THROTTLE,
  blockSecondsAfter,
  CLIENT_THROTTLE,
  normaliseEmail,
  signInThrottledMessage,
  type ThrottlePolicy,
} from '../domain/sign-in-throttle.ts';
import { recordActivity } from './activity.ts';
import { signInWithPassword } from './auth.ts';
import { completeSecondStep, signInChallengeOwner } from './two-factor.ts';

export interface SignInDeps {
  db: Db;
  /** Server log; every lockout gets a line, whether or not the email has an account. */
  log: (line: string) => void;
  /** Opens TOTP secrets for the second step; undefined when the server has no key. */
  tokenKey?: TokenKeyring | undefined;
  /** The clock (tests); the limiter's own windows run on real time. */
  now?: () => Date;
}

export interface SignInAttempt {
  email: string;
  password: string;
  /** Who is asking, as far as the server can tell (see the web app's clientAddress). */
  clientKey: string;
  /** The session the browser already holds; a successful sign-in replaces it. */
  previousToken?: string | null;
}

export type SignInOutcome =
  | { outcome: 'signed_in'; token: string; expiresAt: Date }
  /** The password was right; a code is still owed (see attemptSecondStep). Not a session. */
  | { outcome: 'second_step'; challengeToken: string; expiresAt: Date }
  | { outcome: 'invalid' }
  | { outcome: 'throttled'; retryAfterSeconds: number; message: string };

interface Throttle {
  policy: ThrottlePolicy;
  failures: RateLimiterPrisma;
  blocks: RateLimiterPrisma;
}

function throttle(db: Db, name: string, policy: ThrottlePolicy): Throttle {
  const store = { storeClient: db, tableName: 'rateLimit' } as const;
  return {
    policy,
    // Counts failures; never refuses by itself (we read the count and apply the policy).
    failures: new RateLimiterPrisma({
      ...store,
      keyPrefix: `sign_in_failures_${name}`,
      points: Number.MAX_SAFE_INTEGER,
      duration: policy.windowSeconds,
    }),
    // Holds the current block, whose length the policy decides per failure.
    blocks: new RateLimiterPrisma({
      ...store,
      keyPrefix: `sign_in_block_${name}`,
      points: 1,
      duration: policy.maxBlockSeconds,
    }),
  };
}

const throttles = new WeakMap<Db, { account: Throttle; client: Throttle }>();

function throttlesFor(db: Db) {
  let found = throttles.get(db);
  if (!found) {
    found = {
      account: throttle(db, 'account', ACCOUNT_THROTTLE),
      client: throttle(db, 'client', CLIENT_THROTTLE),
    };
    throttles.set(db, found);
  }
  return found;
}

/** Keys are hashes: the table holds no email addresses, and any length fits. */
function accountKey(email: string): string {
  return createHash('sha256').update(normaliseEmail(email)).digest('hex');
}

const remainingSeconds = (res: RateLimiterRes | null) =>
  res && res.msBeforeNext > 0 ? Math.ceil(res.msBeforeNext / 1000) : 0;

function throttled(retryAfterSeconds: number): Extract<SignInOutcome, { outcome: 'throttled' }> {
  return {
    outcome: 'throttled',
    retryAfterSeconds,
    message: signInThrottledMessage(retryAfterSeconds),
  };
}

/**
 * Signs in unless the account or the client is blocked. Answers are the same whether or not
 * the email has an account: an unknown email is counted and blocked like a real one.
 */
export async function attemptSignIn(
  deps: SignInDeps,
  attempt: SignInAttempt,
): Promise<SignInOutcome> {
  const { account, client } = throttlesFor(deps.db);
  const email = normaliseEmail(attempt.email);
  const keys = { account: accountKey(email), client: attempt.clientKey };

  const blocked = Math.max(
    ...(await Promise.all([account.blocks.get(keys.account), client.blocks.get(keys.client)])).map(
      remainingSeconds,
    ),
  );
  if (blocked > 0) return throttled(blocked);

  const session = await signInWithPassword(deps.db, attempt, {
    previousToken: attempt.previousToken ?? null,
    ...(deps.now ? { now: deps.now() } : {}),
  });
  if (session?.kind === 'session') {
    await account.failures.delete(keys.account);
    return { outcome: 'signed_in', token: session.token, expiresAt: session.expiresAt };
  }
  // The failure count is cleared only when the second step succeeds too.
  if (session) return { outcome: 'second_step', ...session };

  return recordFailure(deps, { email, clientKey: attempt.clientKey });
}

/** Counts one failed try against the account and the client, blocking as the policy says. */
async function recordFailure(
  deps: SignInDeps,
  attempt: { email: string; clientKey: string },
): Promise<SignInOutcome> {
  const { account, client } = throttlesFor(deps.db);
  const email = attempt.email;
  const keys = { account: accountKey(email), client: attempt.clientKey };
  const [accountFailures, clientFailures] = await Promise.all([
    account.failures.penalty(keys.account),
    client.failures.penalty(keys.client),
  ]);
  const accountBlock = blockSecondsAfter(account.policy, accountFailures.consumedPoints);
  const clientBlock = blockSecondsAfter(client.policy, clientFailures.consumedPoints);
  if (accountBlock > 0) {
    await account.blocks.block(keys.account, accountBlock);
    await recordAccountLockout(deps, {
      email,
      clientKey: attempt.clientKey,
      failures: accountFailures.consumedPoints,
      blockedForSeconds: accountBlock,
    });
  }
  if (clientBlock > 0) {
    await client.blocks.block(keys.client, clientBlock);
    deps.log(
      `sign-in: client ${JSON.stringify(attempt.clientKey)} blocked for ${clientBlock} s after ${clientFailures.consumedPoints} failures`,
    );
  }
  const retryAfter = Math.max(accountBlock, clientBlock);
  return retryAfter > 0 ? throttled(retryAfter) : { outcome: 'invalid' };
}

export type SecondStepAttemptOutcome =
  | { outcome: 'signed_in'; token: string; expiresAt: Date; usedRecoveryCode: boolean }
  | { outcome: 'invalid'; message: string }
  | { outcome: 'expired'; message: string }
  | { outcome: 'throttled'; retryAfterSeconds: number; message: string };

/**
 * The second step, throttled by the same limits as passwords: a wrong code counts as a
 * failed sign-in of the account and the client, and a blocked one is refused before checking.
 */
export async function attemptSecondStep(
  deps: SignInDeps,
  attempt: {
    challengeToken: string;
    code: string;
    clientKey: string;
    previousToken?: string | null;
  },
): Promise<SecondStepAttemptOutcome> {
  const now = deps.now?.() ?? new Date();
  const owner = await signInChallengeOwner(deps.db, attempt.challengeToken, now);
  const { account, client } = throttlesFor(deps.db);
  const keys = {
    account: owner ? accountKey(owner.email) : null,
    client: attempt.clientKey,
  };
  const blocked = Math.max(
    ...(
      await Promise.all([
        keys.account ? account.blocks.get(keys.account) : null,
        client.blocks.get(keys.client),
      ])
    ).map(remainingSeconds),
  );
  if (blocked > 0) return throttled(blocked);
  const result = await completeSecondStep({ db: deps.db, tokenKey: deps.tokenKey }, attempt, now);
  if (result.outcome === 'signed_in') {
    if (keys.account) await account.failures.delete(keys.account);
    return result;
  }
  if (!owner) return result; // unknown or expired: nothing to count against an account
  const counted = await recordFailure(deps, { email: owner.email, clientKey: attempt.clientKey });
  return counted.outcome === 'throttled' ? counted : result;
}

/**
 * A lockout goes to the activity log of every organization the account belongs to (an
 * unknown email has none) and always to the server log. The lookup runs for unknown emails
 * too, so the work done does not depend on whether the account exists.
 */
async function recordAccountLockout(
  deps: SignInDeps,
  lockout: { email: string; clientKey: string; failures: number; blockedForSeconds: number },
): Promise<void> {
  const user = await deps.db.user.findUnique({
    where: { email: lockout.email },
    select: { id: true, memberships: { select: { organizationId: true } } },
  });
  deps.log(
    `sign-in: account ${JSON.stringify(lockout.email.slice(0, 320))} blocked for ${lockout.blockedForSeconds} s after ${lockout.failures} failures (client ${JSON.stringify(lockout.clientKey)})`,
  );
  if (!user) return;
  await deps.db.$transaction(async (tx) => {
    for (const { organizationId } of user.memberships) {
      await recordActivity(tx, {
        organizationId,
        actorUserId: null,
        action: 'user.sign_in_locked',
        subjectType: 'user',
        subjectId: user.id,
        data: {
          failures: lockout.failures,
          blockedForSeconds: lockout.blockedForSeconds,
          client: lockout.clientKey,
        },
      });
    }
  });
}
