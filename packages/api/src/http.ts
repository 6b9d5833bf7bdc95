// The tRPC endpoint as a fetch handler (Request in, Response out), so the web app mounts it in
// one line and tests drive the real HTTP semantics: batching, status codes, headers.
import type { SessionInfo } from '@herald/core';
import type { Db } from '@herald/db';
import type { MediaStorage } from '@herald/core/storage';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { errorReference } from './error-reference.ts';
import { MAX_BATCH_SIZE } from './shared.ts';
import { rateLimitHeaders, type CallRateLimiter } from './rate-limit.ts';
import { appRouter } from './root.ts';
import { createContext, type ContextMail, type PlatformApis } from './trpc.ts';

export interface TrpcHandlerOptions {
  /** The path the router is mounted at, e.g. /api/trpc. */
  endpoint: string;
  db: Db;
  rateLimiter?: CallRateLimiter;
  /** Media storage for uploads and the library, null when not configured; made on first use. */
  storage?: () => MediaStorage | null;
  /** The credentials key and adapters, null when not configured; made on first use. */
  platformApis?: () => PlatformApis | null;
  /** Where unexpected errors are written, with their reference; console.error by default. */
  logError?: (line: string, error: unknown) => void;
}

export function createTrpcHandler({
  endpoint,
  db,
  rateLimiter,
  storage,
  platformApis,
  logError = console.error,
}: TrpcHandlerOptions) {
  return (
    request: Request,
    caller: {
      session?: SessionInfo | null;
      clientAddress?: string | null;
      /** Account mail for this request (links on the app's public origin). */
      mail?: ContextMail | null;
    } = {},
  ) =>
    fetchRequestHandler({
      endpoint,
      req: request,
      router: appRouter,
      maxBatchSize: MAX_BATCH_SIZE,
      createContext: () =>
        createContext({
          headers: request.headers,
          db,
          rateLimiter,
          storage: storage?.() ?? null,
          platformApis: platformApis?.() ?? null,
          ...caller,
        }),
      responseMeta: ({ errors }) => ({ headers: rateLimitHeaders(errors) }),
      onError({ error, path }) {
        // Expected errors (bad input, not found, forbidden) are answers, not incidents.
        if (error.code !== 'INTERNAL_SERVER_ERROR') return;
        logError(
          `tRPC ${path ?? '(unknown path)'} failed, reference ${errorReference(error)}:`,
          error.cause ?? error,
        );
      },
    });
}
