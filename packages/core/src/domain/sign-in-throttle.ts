// How sign-in failures are throttled: pure policy, no I/O. The service counts failures in
// Postgres (so every web replica sees the same counts) and asks these functions what to do.

/** Emails are stored lower-cased; the throttle keys on the same form, existing or not. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export interface ThrottlePolicy {
  /** Failures allowed before the first block. */
  freeFailures: number;
  /** The first block; each further failure after a block doubles it... */
  firstBlockSeconds: number;
  /** ...up to this cap. */
  maxBlockSeconds: number;
  /** Failures are remembered this long after the first one (unless a success resets them). */
  windowSeconds: number;
}

/** Per account: a person who mistypes a few times is never slowed down. */
export const ACCOUNT_THROTTLE: ThrottlePolicy = {
  freeFailures: 5,
  firstBlockSeconds: 60,
  maxBlockSeconds: 60 * 60,
  windowSeconds: 24 * 60 * 60,
};

/** Per client address: a larger budget, since an office or a proxy shares one address. */
export const CLIENT_THROTTLE: ThrottlePolicy = {
  freeFailures: 50,
  firstBlockSeconds: 5 * 60,
  maxBlockSeconds: 60 * 60,
  windowSeconds: 24 * 60 * 60,
};

/**
 * How long to block after the given number of failures in the window: nothing while within
 * the free budget, then the first block, doubling with every further failure up to the cap.
 */
export function blockSecondsAfter(policy: ThrottlePolicy, failures: number): number {
  if (failures < policy.freeFailures) return 0;
  const doublings = Math.min(failures - policy.freeFailures, 30);
  return Math.min(policy.firstBlockSeconds * 2 ** doublings, policy.maxBlockSeconds);
}

/** The sentence a throttled sign-in shows; the same whether or not the email has an account. */
export function signInThrottledMessage(retryAfterSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return `Too many sign-in attempts. Try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`;
}
