// This process's one live-notification hub (ADR 0040), made on first use so a build or a page
// that never streams opens no listening connection. Closed on SIGTERM/SIGINT, which also ends
// every open stream, so the HTTP server's graceful close is not held open by them.
import { createNotificationHub, type NotificationHub } from '@herald/core';
import { getEnv } from '../env.server.ts';
import { db } from './db.server.ts';

const cache = globalThis as typeof globalThis & {
  heraldNotificationHub?: NotificationHub;
  heraldStreamsOpen?: Set<() => void>;
};

/** Ends every open stream (at shutdown). */
export const openStreams: Set<() => void> = (cache.heraldStreamsOpen ??= new Set());

export function getNotificationHub(): NotificationHub {
  if (cache.heraldNotificationHub) return cache.heraldNotificationHub;
  const hub = createNotificationHub({
    db,
    connectionString: getEnv().DATABASE_URL,
    onError: (error) => console.error('[notifications] live delivery:', error),
  });
  cache.heraldNotificationHub = hub;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      for (const end of openStreams) end();
      void hub.close();
    });
  }
  return hub;
}
