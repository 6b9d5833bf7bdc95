import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { startHealthServer, type HealthServer } from './health-server.ts';

describe('the worker health server', () => {
  let server: HealthServer | undefined;
  afterEach(() => server?.close());

  it('answers liveness always, and readiness as the check says', async () => {
    let ready: boolean | Error = true;
    server = await startHealthServer({
      port: 0,
      host: '127.0.0.1',
      metrics: new Registry(),
      ready: () => (ready instanceof Error ? Promise.reject(ready) : Promise.resolve(ready)),
    });
    const status = async (path: string) => (await fetch(`${server!.url}${path}`)).status;

    expect(await status('/healthz')).toBe(200);
    expect(await status('/readyz')).toBe(200);
    ready = false;
    expect(await status('/readyz')).toBe(503);
    ready = new Error('the database is gone');
    expect(await status('/readyz')).toBe(503);
    expect(await status('/healthz')).toBe(200);
    expect(await status('/elsewhere')).toBe(404);
    expect((await fetch(`${server.url}/healthz`, { method: 'POST' })).status).toBe(405);
  });
});
