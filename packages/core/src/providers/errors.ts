// Publish failures are data with a class: the kind tells the publishing service what to do.
//   retryable    — the platform did not act (network refused, transient 5xx): try again later
//   rate_limited — back off until retryAt (or the policy's next slot)
//   auth         — the token is invalid or lacks permission: a human must reconnect
//   permanent    — the content was rejected: retrying cannot help
//   ambiguous    — the request may have reached the platform: reconcile, never blind-retry

import type { PublishErrorKind } from '../domain/publish-error-kind.ts';

export type { PublishErrorKind };

export interface PublishErrorData {
  kind: PublishErrorKind;
  /** The platform's own code, e.g. Graph "190/463" (code/subcode) or HTTP "503". */
  platformCode: string | null;
  /** A message a person can act on (the platform's user-facing text where it gives one). */
  message: string;
  /** When the platform says we may try again. */
  retryAt?: Date;
}

export abstract class PublishError extends Error implements PublishErrorData {
  abstract readonly kind: PublishErrorKind;
  readonly platformCode: string | null;
  readonly retryAt?: Date;

  constructor(
    message: string,
    options: { platformCode?: string | null; retryAt?: Date; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.platformCode = options.platformCode ?? null;
    if (options.retryAt) this.retryAt = options.retryAt;
  }
}

export class RetryablePublishError extends PublishError {
  readonly kind = 'retryable' as const;
}
/**
 * The platform is still processing what an earlier step sent (a video, a container) and says
 * to ask again at `retryAt`. Not a failure: the engine re-queues the target then without
 * spending its retry budget, for a while (publishing/settle.ts deferForProcessing).
 */
export class NotReadyPublishError extends RetryablePublishError {}
export class RateLimitedPublishError extends PublishError {
  readonly kind = 'rate_limited' as const;
}
export class AuthPublishError extends PublishError {
  readonly kind = 'auth' as const;
}
export class PermanentPublishError extends PublishError {
  readonly kind = 'permanent' as const;
}
export class AmbiguousPublishError extends PublishError {
  readonly kind = 'ambiguous' as const;
}
