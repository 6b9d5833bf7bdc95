// Routes a request to the page at `/`, the control API, or the platform mounted at its prefix.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleControl, isControlPath } from './control.ts';
import { indexPage } from './html.ts';
import { BodyTooLargeError, html, send, text, wait } from './http.ts';
import type { SandboxPlatform } from './faults.ts';
import type { PlatformSettings } from './platforms/settings.ts';
import type { SandboxStore } from './store.ts';

export interface SandboxContext {
  store: SandboxStore;
  /** Where browsers reach this sandbox; permalinks point here. */
  publicUrl: string;
  /** Aborted when the sandbox closes, so delayed replies stop waiting. */
  closing: AbortSignal;
  /** How long every platform call takes before the platform acts (benchmarks, chaos). */
  latencyMs: number;
  /** How long a platform waits for a file it fetches from a URL (a photo, a video). */
  mediaFetchTimeoutMs: number;
  /**
   * How long access tokens a platform's OAuth endpoints issue live, where set; otherwise the
   * platform's own lifetime (X: 2 hours). Short lifetimes let a demo see refreshes happen.
   * Changed in place by the control API (`PUT /__sandbox/token-ttl`): read it when issuing.
   */
  accessTokenTtlSeconds: Partial<Record<SandboxPlatform, number>>;
  /**
   * Each platform's sandbox settings (platforms/settings.ts PLATFORM_SETTINGS), validated.
   * Changed in place by the control API: read them when they are needed, not at start.
   */
  platformSettings: PlatformSettings;
  /**
   * The time a request is served at, where the answer depends on it (engagement numbers grow
   * with a post's age); injected by tests so they can move time on without waiting.
   */
  now: () => Date;
}

/** One emulated platform, mounted under its own prefix (e.g. `/facebook`). */
export interface PlatformRoutes {
  prefix: `/${string}`;
  /** `path` is the part after the prefix, e.g. `/v21.0/123/feed`. */
  handle(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    path: string,
    ctx: SandboxContext,
  ): Promise<void>;
}

export function createRouter(platforms: PlatformRoutes[], ctx: SandboxContext) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      // Concatenated, not resolved: a request for `//x` must stay a path, not become a host.
      const url = new URL(`http://sandbox.invalid${req.url ?? '/'}`);
      const { pathname } = url;
      if (pathname === '/' && req.method === 'GET') {
        const platform = url.searchParams.get('platform') ?? undefined;
        return send(res, html(200, indexPage(ctx.store, { platform })));
      }
      if (isControlPath(pathname)) return await handleControl(req, res, url, ctx.store);
      const platform = platforms.find(
        (p) => pathname === p.prefix || pathname.startsWith(`${p.prefix}/`),
      );
      if (platform) {
        const path = pathname.slice(platform.prefix.length);
        try {
          if (ctx.latencyMs > 0 && !(await wait(ctx.latencyMs, ctx.closing))) return;
          return await platform.handle(req, res, url, path, ctx);
        } finally {
          // Platforms change their own state in place; the store cannot see it happen.
          if (!isSandboxPage(req.method, path)) ctx.store.markChanged();
        }
      }
      send(res, text(404, 'Not found'));
    } catch (error) {
      if (error instanceof BodyTooLargeError) return send(res, text(413, error.message));
      send(
        res,
        text(500, `Sandbox error: ${error instanceof Error ? error.message : String(error)}`),
      );
    }
  };
}

/** A post's page or a kept file (html.ts postPath, mediaPath): reading them changes nothing. */
function isSandboxPage(method: string | undefined, path: string): boolean {
  return (method === 'GET' || method === 'HEAD') && /^\/(?:posts|media)\/[^/]+$/.test(path);
}
