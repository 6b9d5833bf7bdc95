// What every adapter makes of a fetch that threw, and of HTTP's own Retry-After: shared, so
// each platform's errors.ts only classifies that platform's answers.
import { AmbiguousPublishError, PublishError, RetryablePublishError } from './errors.ts';

/** Socket errors that prove the request never left this machine (nothing can have happened). */
const NEVER_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * A fetch to `platform` (its name, for the sentence) that threw: retryable when the request
 * provably never left, else ambiguous — unless `final` is false (a setup step such as an
 * upload, which creates nothing visible), when a retry is safe.
 */
export function classifyNetworkFailure(
  error: unknown,
  options: { platform: string; timeoutMs: number; final?: boolean },
): PublishError {
  if (error instanceof PublishError) return error;
  const { platform } = options;
  const codes = errorCodes(error);
  if (codes.length > 0 && codes.every((c) => NEVER_SENT.has(c))) {
    return new RetryablePublishError(`Could not connect to ${platform} (${codes[0]}).`, {
      cause: error,
    });
  }
  const name = error instanceof Error ? error.name : '';
  const message =
    name === 'TimeoutError'
      ? `${platform} did not answer within ${options.timeoutMs / 1000} s.`
      : name === 'AbortError'
        ? `Publishing was interrupted before ${platform} answered.`
        : `The connection to ${platform} failed before an answer arrived (${codes[0] ?? String(error)}).`;
  return options.final === false
    ? new RetryablePublishError(message, { cause: error })
    : new AmbiguousPublishError(message, { cause: error });
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
  // The innermost codes name what happened; wrappers' own codes only when nothing is nested.
  return nested.length > 0 ? nested : own;
}

/** `Retry-After` as seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfter(headers: Headers, now: Date): Date | undefined {
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return new Date(now.getTime() + Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : new Date(at);
}
