// GET /connect/:platform?clientId=… (a link on the client page): starts connecting accounts
// through the platform's OAuth flow and sends the person to its consent page
// (services/connections.ts). A GET, as OAuth starts are: it only makes a pending connection for
// the signed-in person, which nothing else can complete without their consent on the platform.
import { InvalidInputError, startConnection } from '@herald/core';
import { PLATFORMS } from '@herald/core/domain';
import { data, redirect } from 'react-router';
import { z } from 'zod';
import { callbackUrl, connectionDeps } from '../lib/connections.server.ts';
import { requireSession, sessionMiddleware } from '../lib/session.server.ts';
import type { Route } from './+types/connect.$platform';

export const middleware: Route.MiddlewareFunction[] = [sessionMiddleware];

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const session = requireSession({ request, context });
  const platform = z.enum(PLATFORMS).safeParse(params.platform);
  if (!platform.success) throw data('Unknown platform', { status: 404 });
  const clientId = z.uuid().safeParse(new URL(request.url).searchParams.get('clientId'));
  if (!clientId.success) throw data('Pick a client to connect accounts to.', { status: 400 });
  try {
    const { url } = await startConnection(connectionDeps(), session, {
      clientId: clientId.data,
      platform: platform.data,
      redirectUri: callbackUrl(request, platform.data),
    });
    return redirect(url);
  } catch (error) {
    if (error instanceof InvalidInputError) throw data(error.message, { status: 400 });
    throw error;
  }
}
