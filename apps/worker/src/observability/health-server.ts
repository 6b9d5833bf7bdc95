// The worker's own small HTTP server, for orchestrators and Prometheus:
//   /healthz  the process is up (liveness)
//   /readyz   the database answers and the worker is not shutting down (readiness)
//   /metrics  Prometheus text format
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** The paths probes and Prometheus use (docker/k8s manifests are checked against these). */
export const HEALTH_PATHS = { live: '/healthz', ready: '/readyz', metrics: '/metrics' } as const;

export interface HealthServerOptions {
  port: number;
  host?: string;
  /** Whether this worker should receive work now; a rejection counts as "no". */
  ready: () => Promise<boolean>;
  metrics: Registry;
}

export interface HealthServer {
  /** e.g. http://127.0.0.1:9464 */
  url: string;
  close(): Promise<void>;
}

export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const server = http.createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://worker').pathname;
    const reply = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      response.end(body);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') return reply(405, 'GET only.\n');
    if (path === HEALTH_PATHS.live) return reply(200, 'ok\n');
    if (path === HEALTH_PATHS.ready) {
      void options.ready().then(
        (ready) => reply(ready ? 200 : 503, ready ? 'ready\n' : 'not ready\n'),
        () => reply(503, 'not ready\n'),
      );
      return;
    }
    if (path === HEALTH_PATHS.metrics) {
      void options.metrics.metrics().then(
        (text) => reply(200, text, options.metrics.contentType),
        (error: unknown) => reply(500, `metrics failed: ${String(error)}\n`),
      );
      return;
    }
    reply(404, 'Not found.\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
