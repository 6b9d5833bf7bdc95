// Reading requests the way TikTok's v2 endpoints take them: a bearer user token (with the scopes
// it was granted), JSON bodies, and raw video bytes for the upload URL.
import type { IncomingMessage } from 'node:http';
import { BodyTooLargeError } from '../../http.ts';
import type { SandboxContext } from '../../router.ts';
import { bearerToken, checkToken } from '../../tokens.ts';
import { tiktokErrors, type TikTokError } from './errors.ts';
import { nowOf, tiktokState } from './state.ts';

/** Every scope the sandbox knows; a token minted by a test (not through OAuth) has them all. */
export const KNOWN_SCOPES = [
  'user.info.basic',
  'user.info.profile',
  'user.info.stats',
  'video.list',
  'video.publish',
  'video.upload',
] as const;

export interface Caller {
  openId: string;
  token: string;
  scopes: readonly string[];
}

export const isError = (value: object): value is TikTokError =>
  'code' in value && 'status' in value && 'message' in value;

/**
 * Whose token this is and what it may do, or TikTok's 401: an unknown, revoked or expired
 * token is `access_token_invalid`.
 */
export function identify(req: IncomingMessage, ctx: SandboxContext): Caller | TikTokError {
  const token = bearerToken(req.headers.authorization);
  const check = checkToken('tiktok', token, ctx.store);
  if (!check.ok || !token) return tiktokErrors.tokenInvalid();
  const state = tiktokState(ctx.store);
  const issued = state.accessTokens.get(token);
  if (issued && issued.expiresAt <= nowOf(state)) return tiktokErrors.tokenInvalid();
  return { openId: check.accountId, token, scopes: issued?.scopes ?? KNOWN_SCOPES };
}

/** The caller, if its token is good and carries `scope` (TikTok's 401 scope_not_authorized if not). */
export function withScope(caller: Caller | TikTokError, scope: string): Caller | TikTokError {
  if (isError(caller)) return caller;
  return caller.scopes.includes(scope) ? caller : tiktokErrors.scopeNotAuthorized(scope);
}

export async function readRaw(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new BodyTooLargeError(`request body over ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export const contentTypeOf = (req: IncomingMessage) =>
  req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();

/**
 * A JSON object body (`Content-Type: application/json; charset=UTF-8`), or TikTok's
 * invalid_params. An empty body is `{}` where `optional` (creator_info takes none).
 */
export async function readJson(
  req: IncomingMessage,
  optional = false,
): Promise<{ body: Record<string, unknown> } | { error: TikTokError }> {
  const raw = (await readRaw(req, 1024 * 1024)).toString('utf8');
  if (optional && raw.trim() === '') return { body: {} };
  if (contentTypeOf(req) !== 'application/json') {
    return {
      error: tiktokErrors.invalid('Content-Type must be application/json; charset=UTF-8.'),
    };
  }
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return { error: tiktokErrors.invalid('The request body is not valid JSON (sandbox wording).') };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { error: tiktokErrors.invalid('The request body must be a JSON object.') };
  }
  return { body: body as Record<string, unknown> };
}
