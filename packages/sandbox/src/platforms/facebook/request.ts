// Reads a Graph request the ways Graph accepts it: parameters in the query string, a form body
// or a JSON body (body wins), and the token as `Authorization: Bearer` or `access_token`.
import type { IncomingMessage } from 'node:http';
import { readBody } from '../../http.ts';
import type { SandboxStore } from '../../store.ts';
import { graphErrors, type GraphError } from './errors.ts';

export interface GraphRequest {
  params: Record<string, string>;
  token?: string;
}

export async function readGraphRequest(
  req: IncomingMessage,
  url: URL,
): Promise<GraphRequest | GraphError> {
  const params: Record<string, string> = Object.fromEntries(url.searchParams);
  const raw = await readBody(req);
  const contentType = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (raw && contentType === 'application/x-www-form-urlencoded') {
    Object.assign(params, Object.fromEntries(new URLSearchParams(raw)));
  } else if (raw && contentType === 'application/json') {
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return graphErrors.badJson();
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return graphErrors.badJson();
    }
    for (const [key, value] of Object.entries(body)) {
      if (value === null || value === undefined) continue;
      params[key] = typeof value === 'object' ? JSON.stringify(value) : String(value);
    }
  }
  const bearer = /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const token = bearer ?? params.access_token;
  delete params.access_token;
  return token ? { params, token } : { params };
}

// The sandbox's token convention (README): a Page token for page P is `sbx-page-<P>-<suffix>`.
const PAGE_TOKEN = /^sbx-page-(\d+)-[A-Za-z0-9]+$/;

/** The page a token speaks for, or the Graph error for a missing, malformed or revoked token. */
export function authenticate(
  token: string | undefined,
  store: SandboxStore,
): { pageId: string } | GraphError {
  if (!token) return graphErrors.missingToken();
  const pageId = PAGE_TOKEN.exec(token)?.[1];
  if (!pageId) return graphErrors.invalidToken();
  const revokedSubcode = store.revocation(token);
  if (revokedSubcode !== undefined) return graphErrors.revokedToken(revokedSubcode);
  return { pageId };
}

export const isGraphError = (value: object): value is GraphError => 'code' in value;

const NUMERIC_ID = /^\d+$/;

/** Why a request on a Page's edge is refused (bad token, not a Page id, another Page's token). */
export function pageRefusal(
  token: string | undefined,
  pageId: string,
  method: 'get' | 'post',
  store: SandboxStore,
): GraphError | undefined {
  const auth = authenticate(token, store);
  if (isGraphError(auth)) return auth;
  if (!NUMERIC_ID.test(pageId)) return graphErrors.unsupported(method, pageId);
  if (auth.pageId !== pageId) return graphErrors.invalidToken();
  return undefined;
}
