// The control API under /__sandbox/: not part of any platform. It changes what the emulated
// platforms do next (faults, revoked tokens) and reports what they accepted.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { json, readBody, send, type Reply } from './http.ts';
import type { SandboxStore } from './store.ts';

export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  store: SandboxStore,
): Promise<void> {
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
    case 'GET /__sandbox/posts':
      return send(res, json(200, { posts: store.posts() }));
    case 'GET /__sandbox/media':
      return send(res, json(200, { media: store.media() }));
    default:
      return send(res, json(404, { error: `No control endpoint ${req.method} ${url.pathname}` }));
  }
}

const ok = json(200, { ok: true });

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
