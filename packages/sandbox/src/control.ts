// The control API under /__sandbox/: not part of any platform. It changes what the emulated
// platforms do next (faults, revoked tokens and accounts, settings, token lifetimes) and
// reports what they accepted.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { json, readBody, send, text, type Reply } from './http.ts';
import { UnknownSettingsError } from './settings.ts';
import type { SandboxStore } from './store.ts';

/**
 * Settings routes platforms had before the control API took them over; they answer as they
 * did (X: `{ settings }`; Instagram: the bare object, GET too).
 */
const LEGACY_SETTINGS: Record<string, { platform: string; bare: boolean; get: boolean }> = {
  '/x/__sandbox/settings': { platform: 'x', bare: false, get: false },
  '/instagram/__sandbox/config': { platform: 'instagram', bare: true, get: true },
};

/** Whether the router should hand this path to the control API. */
export const isControlPath = (pathname: string) =>
  pathname.startsWith('/__sandbox/') || pathname in LEGACY_SETTINGS;

export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  store: SandboxStore,
): Promise<void> {
  const legacy = LEGACY_SETTINGS[url.pathname];
  if (legacy) return send(res, await legacySettings(req, store, legacy));
  const platform = /^\/__sandbox\/settings\/([a-z_]+)$/.exec(url.pathname)?.[1];
  if (platform !== undefined) {
    if (req.method === 'GET')
      return send(
        res,
        settingsReply(() => store.settings.get(platform)),
      );
    if (req.method === 'POST') {
      return send(
        res,
        await withJsonBody(req, (body) =>
          settingsReply(() => store.settings.update(platform, body)),
        ),
      );
    }
  }
  switch (`${req.method} ${url.pathname}`) {
    case 'POST /__sandbox/faults':
      return send(res, await withJsonBody(req, (body) => (store.addFault(body), ok)));
    case 'POST /__sandbox/chaos':
      return send(res, await withJsonBody(req, (body) => (store.setChaos(body), ok)));
    case 'DELETE /__sandbox/faults':
      store.clearFaults();
      return send(res, ok);
    case 'POST /__sandbox/tokens/revoke':
      return send(res, await withJsonBody(req, (body) => (store.revokeToken(body), ok)));
    case 'DELETE /__sandbox/tokens/revoked':
      store.clearRevocations();
      return send(res, ok);
    case 'GET /__sandbox/settings':
      return send(res, json(200, { settings: allSettings(store) }));
    case 'GET /__sandbox/token-ttl':
      return send(res, ttlReply(store.settings.accessTokenTtlSeconds));
    case 'PUT /__sandbox/token-ttl':
      return send(
        res,
        await withJsonBody(req, (body) => ttlReply(store.settings.setTokenTtl(body))),
      );
    case 'GET /__sandbox/posts':
      return send(res, json(200, { posts: store.posts() }));
    case 'GET /__sandbox/media':
      return send(res, json(200, { media: store.media() }));
    default:
      return send(res, json(404, { error: `No control endpoint ${req.method} ${url.pathname}` }));
  }
}

const ok = json(200, { ok: true });

const ttlReply = (ttl: object) => json(200, { accessTokenTtlSeconds: ttl });

const allSettings = (store: SandboxStore) =>
  Object.fromEntries(store.settings.names().map((p) => [p, store.settings.get(p)]));

function settingsReply(read: () => Record<string, unknown>, bare = false): Reply {
  try {
    const settings = read();
    return json(200, bare ? settings : { settings });
  } catch (error) {
    if (error instanceof UnknownSettingsError) return json(404, { error: error.message });
    throw error;
  }
}

async function legacySettings(
  req: IncomingMessage,
  store: SandboxStore,
  route: (typeof LEGACY_SETTINGS)[string],
): Promise<Reply> {
  if (req.method === 'GET' && route.get) {
    return settingsReply(() => store.settings.get(route.platform), route.bare);
  }
  if (req.method !== 'POST') return text(405, 'Method not allowed');
  return withJsonBody(req, (body) =>
    settingsReply(() => store.settings.update(route.platform, body), route.bare),
  );
}

async function withJsonBody(req: IncomingMessage, apply: (body: unknown) => Reply): Promise<Reply> {
  let body: unknown;
  try {
    body = JSON.parse(await readBody(req));
  } catch {
    return json(400, { error: 'The body must be JSON.' });
  }
  try {
    return apply(body);
  } catch (error) {
    if (error instanceof z.ZodError) return json(400, { error: z.prettifyError(error) });
    throw error;
  }
}
