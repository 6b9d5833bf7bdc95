import {
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  LocalTimeError,
  NotFoundError,
  resolveSession,
  type Actor,
  type SessionInfo,
} from '@herald/core';
import type { Db, TokenKeyring } from '@herald/db';
import type { Platform } from '@herald/core/domain';
import type { PlatformAdapter } from '@herald/core/providers';
import type { MediaStorage } from '@herald/core/storage';
import { createMailer, type Mailer } from '@herald/core/mail';
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { z, ZodError } from 'zod';
import { errorReference } from './error-reference.ts';
import { consumeCall, type CallRateLimiter } from './rate-limit.ts';
import { unexpectedErrorMessage } from './shared.ts';
import { readSessionToken } from './session-cookie.ts';

export interface CreateContextOptions {
  headers: Headers;
  db: Db;
  /** The session the web app already resolved for this request; absent: read the cookie. */
  session?: SessionInfo | null;
  /** Counts every call, batched or not; absent (tests, server-side callers) means no limit. */
  rateLimiter?: CallRateLimiter;
  /** Who a signed-out caller is for the rate limit, when the web app can tell. */
  clientAddress?: string | null;
  /** Media storage (uploads, the library, fallback packages); absent: media calls refuse. */
  storage?: MediaStorage | null;
  /** Account mail (invitations, verification links); absent: such mail is skipped. */
  mail?: ContextMail | null;
  /** The credentials key and adapters, for calls that ask a platform about an account. */
  platformApis?: PlatformApis | null;
}

export interface ContextMail {
  mailer: Mailer;
  /** The app's public origin, which links in mail point at. */
  publicUrl: string;
  log?: (line: string) => void;
}

export interface PlatformApis {
  tokenKey: TokenKeyring;
  adapterFor: (platform: Platform) => PlatformAdapter;
}

/** Built from request headers plus injected dependencies, so tests call routers directly. */
export async function createContext({
  headers,
  db,
  session,
  rateLimiter,
  clientAddress,
  storage,
  mail,
  platformApis,
}: CreateContextOptions) {
  const resolved =
    session !== undefined
      ? session
      : await (async () => {
          const token = readSessionToken(headers);
          return token ? resolveSession(db, token) : null;
        })();
  return {
    db,
    session: resolved,
    rateLimiter: rateLimiter ?? null,
    clientAddress: clientAddress ?? null,
    storage: storage ?? null,
    mail: mail ?? null,
    platformApis: platformApis ?? null,
  };
}

const skippingMailer = createMailer({});

/** What account mail needs; without a configured mailer, mail is skipped (and says so). */
export function mailDeps(ctx: Context) {
  return {
    db: ctx.db,
    mailer: ctx.mail?.mailer ?? skippingMailer,
    publicUrl: ctx.mail?.publicUrl ?? 'http://localhost',
    log: ctx.mail?.log ?? ((line: string) => console.warn(line)),
  };
}

export type Context = Awaited<ReturnType<typeof createContext>>;

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    // Never a stack, in any mode: the browser is not where we debug.
    const { stack: _stack, ...data } = shape.data;
    if (error.code === 'INTERNAL_SERVER_ERROR') {
      // Unexpected errors may carry SQL, Prisma or file paths: the client gets a sentence and a
      // reference; the server log (the handler's onError) has the same reference and the details.
      const reference = errorReference(error);
      return {
        ...shape,
        message: unexpectedErrorMessage(reference),
        data: { ...data, reference, fieldErrors: null },
      };
    }
    return {
      ...shape,
      data: {
        ...data,
        reference: null,
        fieldErrors:
          error.cause instanceof ZodError ? z.flattenError(error.cause).fieldErrors : null,
      },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Service errors carry meaning; give each its HTTP-ish code and keep the message. */
const mapServiceErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    const code =
      cause instanceof NotFoundError
        ? 'NOT_FOUND'
        : cause instanceof ForbiddenError
          ? 'FORBIDDEN'
          : cause instanceof InvalidInputError || cause instanceof LocalTimeError
            ? 'BAD_REQUEST'
            : cause instanceof ConflictError
              ? 'CONFLICT'
              : null;
    if (code) throw new TRPCError({ code, message: cause!.message, cause });
  }
  return result;
});

/** Every call costs one point, so a batch of twenty costs twenty. */
const rateLimit = t.middleware(async ({ ctx, next }) => {
  if (ctx.rateLimiter) {
    const key = ctx.session
      ? `session:${ctx.session.sessionId}`
      : `address:${ctx.clientAddress ?? 'unknown'}`;
    await consumeCall(ctx.rateLimiter, key);
  }
  return next();
});

export const publicProcedure = t.procedure.use(rateLimit).use(mapServiceErrors);

/**
 * Signed-in member of an organization. The organization comes from the session, never from
 * input: services scope every query by ctx.actor.organizationId.
 */
export const orgProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.session) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to continue.' });
  if (ctx.session.mustEnrollTwoFactor) {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: 'Your organization requires two-step sign-in. Set it up in Settings first.',
    });
  }
  const actor: Actor = {
    userId: ctx.session.userId,
    organizationId: ctx.session.organizationId,
    role: ctx.session.role,
    clientIds: ctx.session.clientIds ?? null,
  };
  return next({ ctx: { ...ctx, session: ctx.session, actor } });
});
