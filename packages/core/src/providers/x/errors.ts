// Turns a failed X API v2 call into a PublishError. X answers problem details
// (`{"title","detail","type","status"}`) or an invalid request's `{"errors":[…],"title",…}`;
// docs.x.com "Error troubleshooting" and "Rate limits" name the statuses and headers used here.
import { classifyNetworkFailure } from '../network-errors.ts';
import { z } from 'zod';
import {
  AmbiguousPublishError,
  AuthPublishError,
  PermanentPublishError,
  type PublishError,
  RateLimitedPublishError,
  RetryablePublishError,
} from '../errors.ts';

const Problem = z.object({
  title: z.string().optional(),
  detail: z.string().optional(),
  type: z.string().optional(),
  status: z.number().optional(),
  errors: z
    .array(z.object({ message: z.string().optional(), detail: z.string().optional() }))
    .optional(),
});

/** X's refusal of a post identical to a recent one: ours may already be there. */
const DUPLICATE = /duplicate content/i;
/** Problem types saying the token or app may not do this: a person must reconnect. */
const AUTH_TYPES =
  /\/problems\/(?:client-forbidden|unsupported-authentication|not-authorized-for-resource)$/;

export interface XCallKind {
  /**
   * The call that makes a post visible (creating a post). Its 5xx and lost answers are
   * ambiguous; for the setup calls (uploads), they are retryable, since nothing shows yet.
   */
  final: boolean;
}

export function classifyXError(
  status: number,
  body: unknown,
  headers: Headers,
  call: XCallKind,
): PublishError {
  const parsed = Problem.safeParse(body);
  const problem = parsed.success ? parsed.data : {};
  const detail =
    problem.errors?.map((e) => e.message ?? e.detail).find(Boolean) ??
    problem.detail ??
    problem.title ??
    `HTTP ${status}`;
  const platformCode = `http_${status}`;

  if (status === 429) {
    const retryAt = rateLimitResetAt(headers);
    return new RateLimitedPublishError(`X is limiting requests for now: ${detail}`, {
      platformCode,
      ...(retryAt ? { retryAt } : {}),
    });
  }
  if (status === 401) {
    return new AuthPublishError(
      `X no longer accepts Herald's access to this account (${detail}). Reconnect the account to keep publishing.`,
      { platformCode },
    );
  }
  if (status === 403 && DUPLICATE.test(detail)) {
    // Never a blind retry: the post refused as a duplicate may be the one we sent before.
    return new AmbiguousPublishError(`X says this duplicates a recent post: ${detail}`, {
      platformCode: 'duplicate',
    });
  }
  if (status === 403 && problem.type && AUTH_TYPES.test(problem.type)) {
    return new AuthPublishError(
      `Herald is missing an X permission for this account (${detail}). Reconnect the account and grant every permission Herald asks for.`,
      { platformCode },
    );
  }
  if (status >= 500) {
    const message = `X had a problem (HTTP ${status}): ${detail}`;
    return call.final
      ? new AmbiguousPublishError(message, { platformCode })
      : new RetryablePublishError(message, { platformCode });
  }
  return new PermanentPublishError(detail, { platformCode });
}

/**
 * When X lets us call again: the reset (epoch seconds) of every window that is spent, the
 * 15-minute one (`x-rate-limit-*`) and the 24-hour caps on posting (`x-user-limit-24hour-*`,
 * `x-app-limit-24hour-*`); the latest wins. Without a spent window, the 15-minute reset.
 */
export function rateLimitResetAt(headers: Headers): Date | undefined {
  const resets: number[] = [];
  for (const prefix of ['x-rate-limit', 'x-user-limit-24hour', 'x-app-limit-24hour']) {
    const reset = Number(headers.get(`${prefix}-reset`) ?? Number.NaN);
    const remaining = headers.get(`${prefix}-remaining`);
    if (Number.isFinite(reset) && reset > 0 && remaining === '0') resets.push(reset);
  }
  if (resets.length === 0) {
    const reset = Number(headers.get('x-rate-limit-reset') ?? Number.NaN);
    if (Number.isFinite(reset) && reset > 0) resets.push(reset);
  }
  return resets.length ? new Date(Math.max(...resets) * 1000) : undefined;
}

/**
 * A fetch that threw. Retryable when the request provably never left this machine, or when it
 * was a setup call; a post creation that may have arrived is ambiguous.
 */
export function classifyXNetworkError(
  error: unknown,
  options: { timeoutMs: number } & XCallKind,
): PublishError {
  return classifyNetworkFailure(error, { platform: 'X', ...options });
}
