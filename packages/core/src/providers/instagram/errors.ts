// Turns a failed Instagram Graph API call into a PublishError. Instagram answers in Graph's
// envelope (`{"error":{code, error_subcode, message, error_user_msg}}`); its own codes and
// subcodes are from Meta's Instagram Platform "Error Codes" reference, the generic ones (auth,
// rate limits) from Graph's error-handling and rate-limiting docs.
import {
  bareGraphAnswer,
  GraphErrorEnvelope,
  graphVersionRefusal,
  regainAccessAt,
} from '../facebook/errors.ts';
import { classifyNetworkFailure } from '../network-errors.ts';
import {
  AmbiguousPublishError,
  AuthPublishError,
  PermanentPublishError,
  type PublishError,
  RateLimitedPublishError,
  RetryablePublishError,
} from '../errors.ts';

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
  if (!parsed.success) return bareGraphAnswer('Instagram', status, headers, now);

  const { code, error_subcode: subcode, is_transient } = parsed.data.error;
  const platformCode = subcode === undefined ? String(code) : `${code}/${subcode}`;
  const detail = parsed.data.error.error_user_msg ?? parsed.data.error.message ?? `error ${code}`;
  const options = { platformCode };

  const version = graphVersionRefusal('Instagram', code, detail, options);
  if (version) return version;
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

/** A fetch that threw: retryable only when the request provably never left this machine. */
export function classifyInstagramNetworkError(
  error: unknown,
  options: { timeoutMs: number },
): PublishError {
  return classifyNetworkFailure(error, { platform: 'Instagram', ...options });
}
