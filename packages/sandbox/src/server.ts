import { setMaxListeners } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChaosRequest, FaultRequest } from './faults.ts';
import type { SandboxPlatform } from './faults.ts';
import { PLATFORM_ROUTES } from './platforms/index.ts';
import { MEDIA_FETCH_TIMEOUT_MS } from './remote-media.ts';
import { createRouter, type SandboxContext } from './router.ts';
import { SandboxStore, type RecordedMedia, type RecordedPost } from './store.ts';

export interface SandboxOptions {
  /** Default 4010; 0 picks a free port (tests). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Base of the permalinks the sandbox hands out, when browsers reach it elsewhere (containers). */
  publicUrl?: string;
  /** One line per request; `true` logs to stdout. Off by default so tests stay quiet. */
  log?: boolean | ((line: string) => void);
  /** Every platform call waits this long before the platform acts, like a real API's latency. */
  latencyMs?: number;
  /** How long the platforms wait for a photo or video they fetch from a URL; default 30 s. */
  mediaFetchTimeoutMs?: number;
  /** Lifetime of the access tokens each platform's OAuth endpoints issue; default its own. */
  accessTokenTtlSeconds?: Partial<Record<SandboxPlatform, number>>;
  /** The clock engagement numbers are computed from (they grow with a post's age); tests move it. */
  now?: () => Date;
}

export interface Sandbox {
  /** e.g. http://127.0.0.1:4010 */
  url: string;
  /** `url + '/facebook'`: the base URL for the Facebook adapter (stands in for graph.facebook.com). */
  facebookBaseUrl: string;
  /** `url + '/<platform>'`: where that platform's adapter points to talk to the sandbox. */
  baseUrl(platform: SandboxPlatform): string;
  /** What the emulated platforms accepted, oldest first. */
  posts(): RecordedPost[];
  /** The photos and videos the platforms fetched, oldest first (unpublished photos included). */
  media(): RecordedMedia[];
  /** Same as `POST /__sandbox/faults`; throws on an invalid fault. */
  injectFault(request: FaultRequest): void;
  /** Same as `POST /__sandbox/chaos`: random faults at a rate, seeded. */
  setChaos(request: ChaosRequest): void;
  /** Same as `DELETE /__sandbox/faults` (chaos included). */
  clearFaults(): void;
  /** Same as `POST /__sandbox/tokens/revoke`; subcode defaults to 460 (password changed). */
  revokeToken(token: string, subcode?: number): void;
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const store = new SandboxStore();
  const closing = new AbortController();
  // Every delayed reply (latency, delay faults) listens for the close: many at once is normal.
  setMaxListeners(0, closing.signal);
  const ctx: SandboxContext = {
    store,
    publicUrl: '',
    closing: closing.signal,
    latencyMs: options.latencyMs ?? 0,
    mediaFetchTimeoutMs: options.mediaFetchTimeoutMs ?? MEDIA_FETCH_TIMEOUT_MS,
    accessTokenTtlSeconds: { ...options.accessTokenTtlSeconds },
    now: options.now ?? (() => new Date()),
  };
  const route = createRouter(PLATFORM_ROUTES, ctx);
  const log = options.log === true ? console.log : options.log || undefined;

  const server = createServer((req, res) => {
    if (log) {
      const started = performance.now();
      res.once('close', () => {
        const outcome = res.writableFinished ? String(res.statusCode) : 'no response';
        const ms = Math.round(performance.now() - started);
        log(`${req.method} ${redactTokens(req.url ?? '')} ${outcome} ${ms}ms`);
      });
    }
    void route(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4010, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });

  const url = `http://${urlHost(server.address() as AddressInfo)}`;
  ctx.publicUrl = (options.publicUrl ?? url).replace(/\/+$/, '');
  let closed: Promise<void> | undefined;

  return {
    url,
    facebookBaseUrl: `${url}/facebook`,
    baseUrl: (platform) => `${url}/${platform}`,
    posts: () => store.posts(),
    media: () => store.media(),
    injectFault: (request) => store.addFault(request),
    setChaos: (request) => store.setChaos(request),
    clearFaults: () => store.clearFaults(),
    revokeToken: (token, subcode) => store.revokeToken({ token, subcode }),
    close: () =>
      (closed ??= new Promise<void>((resolve, reject) => {
        closing.abort();
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets (and ones a delay fault holds) would otherwise keep close() waiting.
        server.closeAllConnections();
      })),
  };
}

/** A host:port clients can dial: wildcard addresses become loopback. */
function urlHost({ address, family, port }: AddressInfo): string {
  if (family === 'IPv6') return `[${address === '::' ? '::1' : address}]:${port}`;
  return `${address === '0.0.0.0' ? '127.0.0.1' : address}:${port}`;
}

/** Sandbox tokens are not secrets, but log lines get copied around: keep the habit. */
const redactTokens = (url: string) => url.replace(/(access_token=)[^&]*/g, '$1…');
