// Turns a failed Instagram Graph API call into a PublishError. Instagram answers in Graph's
// envelope (`{"error":{code, error_subcode, message, error_user_msg}}`); its own codes and
// subcodes are from Meta's Instagram Platform "Error Codes" reference, the generic ones (auth,
// rate limits) from Graph's error-handling and rate-limiting docs.
import { z } from 'zod';
import {
  AmbiguousPublishError,
  AuthPublishError,
  PermanentPublishError,
  PublishError,
  RateLimitedPublishError,
  RetryablePublishError,
} from '../errors.ts';

const GraphErrorEnvelope = z.object({
  error: z.object({
    code: z.number(),
    error_subcode: z.number().optional(),
    message: z.string().optional(),
    error_user_msg: z.string().optional(),
    is_transient: z.boolean().optional(),
  }),
});

/** Graph's throttling codes (80002 is Instagram's business use case limit). */
const RATE_LIMIT_CODES = new Set([4, 17, 32, 613, 80002]);

/**
 * Subcodes Instagram says to answer with a new container (server trouble, a download that
 * timed out, an expired or vanished container): the adapter forgets the old one and retries.
 */
export const NEW_CONTAINER_SUBCODES = new Set([
  2207001, 2207003, 2207006, 2207020, 2207032, 2207053,
]);
/** The container is still being processed: publish again a little later. */
export const NOT_READY_SUBCODE = 2207027;
/** The account has published as many posts as Instagram allows in 24 hours. */
export const PUBLISH_LIMIT_SUBCODE = 2207042;

const TOKEN_PROBLEMS: Record<number, string> = {
  458: "Herald was removed from the account's apps",
  460: 'the Facebook password was changed',
  463: 'the access token expired',
  467: 'the access token is no longer valid',
};

export function classifyInstagramError(
  status: number,
  body: unknown,
  headers: Headers,
  now: Date = new Date(),
): PublishError {
  const parsed = GraphErrorEnvelope.safeParse(body);
  if (!parsed.success) {
    const platformCode = `http_${status}`;
    if (status === 429) {
      const retryAt = retryAfter(headers, now);
      return new RateLimitedPublishError('Instagram asked Herald to slow down (HTTP 429).', {
        platformCode,
        ...(retryAt ? { retryAt } : {}),
      });
    }
    if (status >= 500) {
      return new AmbiguousPublishError(`Instagram answered HTTP ${status} without details.`, {
        platformCode,
      });
    }
    return new PermanentPublishError(`Instagram rejected the request (HTTP ${status}).`, {
      platformCode,
    });
  }

  const { code, error_subcode: subcode, is_transient } = parsed.data.error;
  const platformCode = subcode === undefined ? String(code) : `${code}/${subcode}`;
  const detail = parsed.data.error.error_user_msg ?? parsed.data.error.message ?? `error ${code}`;
  const options = { platformCode };

  if (subcode === PUBLISH_LIMIT_SUBCODE) {
    // The rolling 24-hour window frees a slot when the oldest post in it turns a day old;
    // Instagram does not say when that is, so the retry policy's own schedule applies.
    return new RateLimitedPublishError(
      `Instagram's daily publishing limit for this account is reached: ${detail}`,
      options,
    );
  }
  if (subcode === NOT_READY_SUBCODE) {
    return new RetryablePublishError(`Instagram is not ready to publish yet: ${detail}`, options);
  }
  if (subcode !== undefined && NEW_CONTAINER_SUBCODES.has(subcode)) {
    return new RetryablePublishError(`Instagram had a temporary problem: ${detail}`, options);
  }
  if (subcode === 2207051) {
    return new PermanentPublishError(`Instagram restricted this post as possible spam: ${detail}`, {
      ...options,
    });
  }
  if (subcode === 2207050) {
    return new AuthPublishError(
      `The Instagram account is inactive or restricted (${detail}). Sign in to Instagram, complete what it asks, then reconnect the account.`,
      options,
    );
  }
  if (code === 1 || code === 2) {
    return new RetryablePublishError(`Instagram had a temporary problem: ${detail}`, options);
  }
  if (RATE_LIMIT_CODES.has(code)) {
    const retryAt = regainAccessAt(headers, now);
    return new RateLimitedPublishError(`Instagram is limiting requests for now: ${detail}`, {
      ...options,
      ...(retryAt ? { retryAt } : {}),
    });
  }
  if (code === 190 || code === 102) {
    const problem =
      (subcode !== undefined && TOKEN_PROBLEMS[subcode]) || 'Instagram rejected the access token';
    return new AuthPublishError(
      `Instagram no longer accepts Herald's access to this account (${problem}). Reconnect the account to keep publishing.`,
      options,
    );
  }
  if (code === 10 || (code >= 200 && code <= 299)) {
    return new AuthPublishError(
      `Herald is missing an Instagram permission for this account (${detail}). Reconnect the account and grant every permission Herald asks for.`,
      options,
    );
  }
  if (is_transient === true) {
    return new RetryablePublishError(`Instagram had a temporary problem: ${detail}`, options);
  }
  if (code !== 100 && status >= 500) {
    return new AmbiguousPublishError(`Instagram answered HTTP ${status}: ${detail}`, options);
  }
  return new PermanentPublishError(detail, options);
}

const NEVER_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** A fetch that threw: retryable only when the request provably never left this machine. */
export function classifyInstagramNetworkError(
  error: unknown,
  options: { timeoutMs: number },
): PublishError {
  if (error instanceof PublishError) return error;
  const codes = errorCodes(error);
  if (codes.length > 0 && codes.every((c) => NEVER_SENT.has(c))) {
    return new RetryablePublishError(`Could not connect to Instagram (${codes[0]}).`, {
      cause: error,
    });
  }
  const name = error instanceof Error ? error.name : '';
  const message =
    name === 'TimeoutError'
      ? `Instagram did not answer within ${options.timeoutMs / 1000} s.`
      : name === 'AbortError'
        ? 'Publishing was interrupted before Instagram answered.'
        : `The connection to Instagram failed before an answer arrived (${codes[0] ?? String(error)}).`;
  return new AmbiguousPublishError(message, { cause: error });
}

/** Node's fetch wraps the socket error in `cause` (an AggregateError when it tried several addresses). */
function errorCodes(error: unknown, depth = 0): string[] {
  if (typeof error !== 'object' || error === null || depth > 5) return [];
  const own = 'code' in error && typeof error.code === 'string' ? [error.code] : [];
  const nested = [
    ...('cause' in error ? errorCodes(error.cause, depth + 1) : []),
    ...(error instanceof AggregateError
      ? error.errors.flatMap((e) => errorCodes(e, depth + 1))
      : []),
  ];
  return nested.length > 0 ? nested : own;
}

const BusinessUseCaseUsage = z.record(
  z.string(),
  z.array(z.object({ estimated_time_to_regain_access: z.number().optional() })),
);

/** `X-Business-Use-Case-Usage` says, per business object, how many minutes until calls work again. */
function regainAccessAt(headers: Headers, now: Date): Date | undefined {
  const raw = headers.get('x-business-use-case-usage');
  if (!raw) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const usage = BusinessUseCaseUsage.safeParse(json);
  if (!usage.success) return undefined;
  const minutes = Math.max(
    0,
    ...Object.values(usage.data).flatMap((entries) =>
      entries.map((e) => e.estimated_time_to_regain_access ?? 0),
    ),
  );
  return minutes > 0 ? new Date(now.getTime() + minutes * 60_000) : undefined;
}

/** `Retry-After` as seconds or an HTTP date (RFC 9110 §10.2.3). */
function retryAfter(headers: Headers, now: Date): Date | undefined {
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return new Date(now.getTime() + Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : new Date(at);
}
