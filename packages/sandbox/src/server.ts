import { setMaxListeners } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { ChaosRequest, FaultRequest } from './faults.ts';
import type { SandboxPlatform } from './faults.ts';
import { StatePersistence, type StateWrite } from './persist.ts';
import { PLATFORM_ROUTES } from './platforms/index.ts';
import {
  PLATFORM_SETTINGS,
  type PlatformSettings,
  type PlatformSettingsInput,
} from './platforms/settings.ts';
import { MEDIA_FETCH_TIMEOUT_MS } from './remote-media.ts';
import { createRouter, type SandboxContext } from './router.ts';
import { SandboxSettings, type TokenTtl, type TokenTtlInput } from './settings.ts';
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
  /**
   * Lifetime of the access tokens each platform's OAuth endpoints issue; default its own.
   * Wins over a saved value; `PUT /__sandbox/token-ttl` changes it while running.
   */
  accessTokenTtlSeconds?: TokenTtl;
  /**
   * Each platform's sandbox settings (Instagram's and X's processing polls, posting caps, …),
   * any of the fields; validated, and a bad one makes startSandbox throw. Wins over a saved
   * value; `POST /__sandbox/settings/<platform>` changes them while running.
   */
  platformSettings?: PlatformSettingsInput;
  /**
   * A directory where the sandbox keeps everything it holds between runs (created if need
   * be): posts, media files, faults, revocations, settings, each platform's state. Unset: in
   * memory only (tests). One sandbox per directory.
   */
  stateDir?: string;
  /** With stateDir: a change is written at most once per this many ms (default 1000), and on close. */
  stateWriteDelayMs?: number;
  /** With stateDir: called after each write of the state (tests count writes with it). */
  onStateWrite?: (write: StateWrite) => void;
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
  /**
   * Same as `POST /__sandbox/tokens/revoke` with `{ platform, account }`: every token issued
   * for the account so far is refused (subcode default 460); ones issued later work.
   */
  revokeAccount(platform: SandboxPlatform, account: string, subcode?: number): void;
  /** Same as `DELETE /__sandbox/tokens/revoked`: every revoked token and account works again. */
  clearRevocations(): void;
  /** The settings in force, per platform (`GET /__sandbox/settings`). */
  settings(): PlatformSettings;
  /** Same as `POST /__sandbox/settings/<platform>`: changes the fields given; throws on a bad one. */
  updateSettings<P extends keyof PlatformSettings>(
    platform: P,
    patch: Partial<PlatformSettings[P]>,
  ): PlatformSettings[P];
  /** Same as `PUT /__sandbox/token-ttl`: seconds for every platform, or per platform. */
  setTokenTtl(ttl: TokenTtlInput): TokenTtl;
  /** Stops serving; with stateDir, writes the state one last time first. */
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const log = options.log === true ? console.log : options.log || undefined;
  checkSettingsOptions(options);
  const store = new SandboxStore({ settings: PLATFORM_SETTINGS });
  const persistence = options.stateDir
    ? await StatePersistence.open(store, {
        dir: options.stateDir,
        delayMs: options.stateWriteDelayMs ?? 1000,
        log: log ?? (() => {}),
        // Losing saved state is worth a word even when requests are not logged.
        warn: log ?? ((line) => console.warn(line)),
        ...(options.onStateWrite ? { onWrite: options.onStateWrite } : {}),
      })
    : undefined;
  // What the sandbox is started with wins over what was saved.
  for (const [platform, patch] of settingsOptions(options)) {
    store.settings.update(platform, patch);
  }
  if (options.accessTokenTtlSeconds) {
    store.settings.setTokenTtl({
      ...store.settings.accessTokenTtlSeconds,
      ...options.accessTokenTtlSeconds,
    });
  }

  const closing = new AbortController();
  // Every delayed reply (latency, delay faults) listens for the close: many at once is normal.
  setMaxListeners(0, closing.signal);
  const ctx: SandboxContext = {
    store,
    publicUrl: '',
    closing: closing.signal,
    latencyMs: options.latencyMs ?? 0,
    mediaFetchTimeoutMs: options.mediaFetchTimeoutMs ?? MEDIA_FETCH_TIMEOUT_MS,
    accessTokenTtlSeconds: store.settings.accessTokenTtlSeconds,
    // Parsed by these very schemas (SandboxSettings), so they have this shape.
    platformSettings: store.settings.platforms as PlatformSettings,
    now: options.now ?? (() => new Date()),
  };
  const route = createRouter(PLATFORM_ROUTES, ctx);

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
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 4010, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await persistence?.close();
    throw error;
  }

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
    revokeAccount: (platform, account, subcode) =>
      store.revokeToken({ platform, account, subcode }),
    clearRevocations: () => store.clearRevocations(),
    settings: () => structuredClone(ctx.platformSettings),
    updateSettings: (platform, patch) =>
      store.settings.update(platform, patch) as PlatformSettings[typeof platform],
    setTokenTtl: (ttl) => store.settings.setTokenTtl(ttl),
    close: () =>
      (closed ??= new Promise<void>((resolve, reject) => {
        closing.abort();
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets (and ones a delay fault holds) would otherwise keep close() waiting.
        server.closeAllConnections();
      }).finally(() => persistence?.close())),
  };
}

/** The platforms' settings given, leaving out ones set to undefined. */
const settingsOptions = (options: SandboxOptions) =>
  Object.entries(options.platformSettings ?? {}).filter(([, patch]) => patch !== undefined);

/** Bad settings in the options fail here, before anything is read or served. */
function checkSettingsOptions(options: SandboxOptions): void {
  const scratch = new SandboxSettings(PLATFORM_SETTINGS, () => {});
  try {
    for (const [platform, patch] of settingsOptions(options)) {
      scratch.update(platform, patch);
    }
    if (options.accessTokenTtlSeconds) scratch.setTokenTtl(options.accessTokenTtlSeconds);
  } catch (error) {
    const detail = error instanceof z.ZodError ? z.prettifyError(error) : (error as Error).message;
    throw new Error(`Invalid sandbox settings: ${detail}`, { cause: error });
  }
}

/** A host:port clients can dial: wildcard addresses become loopback. */
function urlHost({ address, family, port }: AddressInfo): string {
  if (family === 'IPv6') return `[${address === '::' ? '::1' : address}]:${port}`;
  return `${address === '0.0.0.0' ? '127.0.0.1' : address}:${port}`;
}

/** Sandbox tokens are not secrets, but log lines get copied around: keep the habit. */
const redactTokens = (url: string) => url.replace(/((?:access|upload)_token=)[^&]*/g, '$1…');
