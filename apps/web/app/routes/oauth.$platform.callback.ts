// GET /oauth/:platform/callback: the platform sends the person back here with a code (or an
// error). The grant is kept, encrypted, and they pick which identities to connect.
import { finishAuthorization, InvalidInputError } from '@herald/core';
import { PLATFORMS } from '@herald/core/domain';
import { data, redirect } from 'react-router';
import { z } from 'zod';
import { callbackUrl, connectionDeps } from '../lib/connections.server.ts';
import { requireSession, sessionMiddleware } from '../lib/session.server.ts';
import type { Route } from './+types/oauth.$platform.callback';

export const middleware: Route.MiddlewareFunction[] = [sessionMiddleware];

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const session = requireSession({ request, context });
  const platform = z.enum(PLATFORMS).safeParse(params.platform);
  if (!platform.success) throw data('Unknown platform', { status: 404 });
  const query = new URL(request.url).searchParams;
  try {
    const { connectionId, clientId } = await finishAuthorization(connectionDeps(), session, {
      platform: platform.data,
      state: query.get('state') ?? '',
      code: query.get('code'),
      error: query.get('error_reason') ?? query.get('error'),
      redirectUri: callbackUrl(request, platform.data),
    });
    return redirect(`/clients/${clientId}/connect/${connectionId}`);
  } catch (error) {
    if (error instanceof InvalidInputError) throw data(error.message, { status: 400 });
    throw error;
  }
}
