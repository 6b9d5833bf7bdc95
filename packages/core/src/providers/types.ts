// The one interface every platform adapter implements. Adapters speak HTTP to a configurable
// base URL (the real platform, or the sandbox), get credentials handed to them, and never
// touch the database.
import type { Platform } from '../domain/platforms.ts';

export interface PublishRequest {
  /** The platform's id for the account (Facebook: the Page id). */
  accountExternalId: string;
  /** Decrypted access token for that account. */
  accessToken: string;
  /** The text to publish, already resolved for this platform. */
  caption: string;
  signal?: AbortSignal;
}

export interface PublishedPost {
  /** The platform's id for the new post; stored so we can reconcile and never publish twice. */
  externalId: string;
  /** A link a human can open. */
  url: string;
}

export interface PlatformAdapter {
  readonly platform: Platform;
  /** Publishes once. Failures are thrown as PublishError (see ./errors.ts), never as plain errors. */
  publish(request: PublishRequest): Promise<PublishedPost>;
}

export interface AdapterHttpConfig {
  /** e.g. https://graph.facebook.com, or the sandbox's http://127.0.0.1:4010/facebook */
  baseUrl: string;
  /** Injected for tests and instrumentation; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Per-request timeout. A timed-out publish is ambiguous: the platform may have acted. */
  timeoutMs?: number;
  /** The clock rate-limit reset times are computed from; injected by tests. */
  now?: () => Date;
}
