// The tRPC HTTP endpoint. The API package knows nothing of React Router: it gets the
// request, the database, the session sessionMiddleware resolved and the caller's address.
import { createCallRateLimiter, createTrpcHandler, type PlatformApis } from '@herald/api';
import { adapterConfigFromSettings, createAdapterRegistry } from '@herald/core/providers';
import { getEnv } from '../env.server.ts';
import { clientAddress, socketAddressContext } from '../lib/client-address.ts';
import { db } from '../lib/db.server.ts';
import { accountMail } from '../lib/mail.server.ts';
import { getStorage } from '../lib/storage.server.ts';
import { sessionContext, sessionMiddleware } from '../lib/session.server.ts';
import type { Route } from './+types/api.trpc.$';

export const middleware: Route.MiddlewareFunction[] = [sessionMiddleware];

// Counted in this process's memory: each replica allows its share (docs/decisions/0008).
const handle = createTrpcHandler({
  endpoint: '/api/trpc',
  db,
  rateLimiter: createCallRateLimiter(),
  storage: getStorage,
  platformApis,
});

let apis: PlatformApis | null | undefined;
/** The credentials key and adapters (asking TikTok for an account's posting options). */
function platformApis(): PlatformApis | null {
  if (apis !== undefined) return apis;
  const env = getEnv();
  apis = env.tokenKeys
    ? {
        tokenKey: env.tokenKeys,
        adapterFor: createAdapterRegistry(adapterConfigFromSettings(env.platforms)),
      }
    : null;
  return apis;
}

function serve({ request, context }: Route.LoaderArgs | Route.ActionArgs) {
  return handle(request, {
    mail: accountMail(request),
    session: context.get(sessionContext),
    clientAddress: clientAddress(
      request.headers,
      context.get(socketAddressContext),
      getEnv().TRUST_PROXY,
    ),
  });
}

export const loader = (args: Route.LoaderArgs) => serve(args);
export const action = (args: Route.ActionArgs) => serve(args);
