// The tRPC HTTP endpoint. The API package knows nothing of React Router: it gets the
// request's headers, the database, and the session sessionMiddleware resolved.
import { appRouter, createContext } from '@herald/api';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { db } from '../lib/db.server.ts';
import { sessionContext, sessionMiddleware } from '../lib/session.server.ts';
import type { Route } from './+types/api.trpc.$';

export const middleware: Route.MiddlewareFunction[] = [sessionMiddleware];

function handle({ request, context }: Route.LoaderArgs | Route.ActionArgs) {
  const session = context.get(sessionContext);
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req: request,
    router: appRouter,
    createContext: () => createContext({ headers: request.headers, db, session }),
    onError({ error, path }) {
      // Expected errors (bad input, not found, forbidden) are answers, not incidents.
      if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`tRPC ${path}:`, error);
    },
  });
}

export const loader = (args: Route.LoaderArgs) => handle(args);
export const action = (args: Route.ActionArgs) => handle(args);
