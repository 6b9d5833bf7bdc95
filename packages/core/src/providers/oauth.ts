// What the connectors share around a token endpoint: a deadline for calls made through arctic
// (which calls the global fetch without a signal), and what its errors mean to a person.
import {
  ArcticFetchError,
  OAuth2RequestError,
  UnexpectedErrorResponseBodyError,
  UnexpectedResponseError,
} from 'arctic';
import { AuthPublishError, RetryablePublishError, type PublishError } from './errors.ts';
import { classifyNetworkFailure } from './network-errors.ts';

/**
 * `work`, or a rejection with the abort reason once `timeoutMs` passes or `signal` aborts. The
 * request itself runs on (arctic takes no signal); a late answer is dropped.
 */
export function withDeadline<T>(
  work: Promise<T>,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<T> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const deadline = signal ? AbortSignal.any([signal, timeout]) : timeout;
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(deadline.reason as Error);
    if (deadline.aborted) return stop();
    deadline.addEventListener('abort', stop, { once: true });
    work.then(resolve, reject).finally(() => deadline.removeEventListener('abort', stop));
  });
}

/**
 * A code exchange through arctic that failed: the platform's OAuth error (`invalid_request`,
 * `invalid_grant`: the person must start again) or a network or server failure (try again).
 * Nothing the platform did can be lost here, so network failures are never ambiguous.
 */
export function classifyCodeExchangeError(
  error: unknown,
  options: { platform: string; timeoutMs: number },
): PublishError {
  const { platform } = options;
  if (error instanceof OAuth2RequestError) {
    return new AuthPublishError(
      `${platform} refused the authorization code (${error.description ?? error.code}). Start connecting the account again.`,
      { platformCode: error.code },
    );
  }
  if (error instanceof ArcticFetchError) {
    return classifyNetworkFailure(error.cause, { ...options, final: false });
  }
  if (
    error instanceof UnexpectedResponseError ||
    error instanceof UnexpectedErrorResponseBodyError
  ) {
    return new RetryablePublishError(
      `${platform} answered the code exchange with HTTP ${error.status}. Try connecting again in a moment.`,
      { platformCode: `http_${error.status}` },
    );
  }
  return classifyNetworkFailure(error, { ...options, final: false });
}
