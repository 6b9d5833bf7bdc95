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
import type { Db } from '@herald/db';
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { z, ZodError } from 'zod';
import { readSessionToken } from './session-cookie.ts';

export interface CreateContextOptions {
  headers: Headers;
  db: Db;
  /** The session the web app already resolved for this request; absent: read the cookie. */
  session?: SessionInfo | null;
}

/** Built from request headers plus injected dependencies, so tests call routers directly. */
export async function createContext({ headers, db, session }: CreateContextOptions) {
  if (session !== undefined) return { db, session };
  const token = readSessionToken(headers);
  return { db, session: token ? await resolveSession(db, token) : null };
}

export type Context = Awaited<ReturnType<typeof createContext>>;

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    return {
      ...shape,
      data: {
        ...shape.data,
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

export const publicProcedure = t.procedure.use(mapServiceErrors);

/**
 * Signed-in member of an organization. The organization comes from the session, never from
 * input: services scope every query by ctx.actor.organizationId.
 */
export const orgProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.session) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to continue' });
  const actor: Actor = {
    userId: ctx.session.userId,
    organizationId: ctx.session.organizationId,
    role: ctx.session.role,
  };
  return next({ ctx: { ...ctx, session: ctx.session, actor } });
});
