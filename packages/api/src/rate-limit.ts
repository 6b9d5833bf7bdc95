// Per-caller limits on tRPC calls. The limiter is injected (createContext), so the web app
// picks the store and the numbers and tests can give a tiny limit.
import { TRPCError } from '@trpc/server';
import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

export type CallRateLimiter = RateLimiterAbstract;

/** Generous for people (a tab polls every 2 s), tight for a script: 600 calls a minute. */
export function createCallRateLimiter(
  options: { points?: number; durationSeconds?: number } = {},
): CallRateLimiter {
  return new RateLimiterMemory({
    points: options.points ?? 600,
    duration: options.durationSeconds ?? 60,
  });
}

/** Why a call was refused: the wait is read back by the HTTP handler for Retry-After. */
export class CallsRateLimited extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('Too many requests.');
  }
}

export async function consumeCall(limiter: CallRateLimiter, key: string): Promise<void> {
  try {
    await limiter.consume(key, 1);
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
    throw new TRPCError({
      code: 'TOO_MANY_REQUESTS',
      message: `Too many requests. Try again in ${retryAfterSeconds} seconds.`,
      cause: new CallsRateLimited(retryAfterSeconds),
    });
  }
}

/** Retry-After for a response that carries a rate-limit error (the longest wait wins). */
export function rateLimitHeaders(errors: readonly TRPCError[]): Record<string, string> {
  const waits = errors
    .map((error) => error.cause)
    .filter((cause): cause is CallsRateLimited => cause instanceof CallsRateLimited)
    .map((cause) => cause.retryAfterSeconds);
  return waits.length > 0 ? { 'Retry-After': String(Math.max(...waits)) } : {};
}
