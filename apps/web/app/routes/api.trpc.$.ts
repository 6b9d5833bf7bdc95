// The tRPC HTTP endpoint. The API package knows nothing of React Router: it gets the
// request and the database, and resolves the member from the session cookie.
import { createCallRateLimiter, createTrpcHandler } from '@herald/api';
import { db } from '../lib/db.server.ts';
import { clientAddress } from '../lib/http/edge.server.ts';
import type { Route } from './+types/api.trpc.$';

// Counted in this process's memory: each replica allows its share (docs/decisions/0008).
const handle = createTrpcHandler({
  endpoint: '/api/trpc',
  db,
  rateLimiter: createCallRateLimiter(),
});

export const loader = ({ request }: Route.LoaderArgs) => handle(request, clientAddress(request));
export const action = ({ request }: Route.ActionArgs) => handle(request, clientAddress(request));
