// What the connect routes need: the database, the credentials key (granted tokens are stored
// encrypted) and the platforms' OAuth flows as the settings allow.
import type { ConnectionDeps } from '@herald/core';
import { createConnectorRegistry } from '@herald/core/connectors';
import { PLATFORMS, type Platform } from '@herald/core/domain';
import { data } from 'react-router';
import { getEnv } from '../env.server.ts';
import { db } from './db.server.ts';
import { expectedOrigin } from './http/same-origin.server.ts';

export function connectionDeps(): ConnectionDeps {
  const env = getEnv();
  if (!env.tokenKeys) {
    throw data('This server cannot connect accounts: TOKEN_ENCRYPTION_KEY is not set.', {
      status: 503,
    });
  }
  return {
    db,
    tokenKey: env.tokenKeys,
    connectorFor: createConnectorRegistry(env.platforms),
  };
}

/** Where the platform sends the person back: this app's own origin, as the browser sees it. */
export function callbackUrl(request: Request, platform: string): string {
  return `${expectedOrigin(request, getEnv().TRUST_PROXY > 0)}/oauth/${platform}/callback`;
}

/** Platforms whose accounts can be connected here: those whose app credentials are set. */
export function connectablePlatforms(): Platform[] {
  const connectorFor = createConnectorRegistry(getEnv().platforms);
  return PLATFORMS.filter((platform) => connectorFor(platform) !== null);
}
