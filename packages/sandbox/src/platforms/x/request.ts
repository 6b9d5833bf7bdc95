// Reading requests the way X's v2 endpoints take them: a bearer user token, JSON or
// multipart/form-data bodies (media chunks are larger than the sandbox's 1 MB default).
import type { IncomingMessage } from 'node:http';
import { BodyTooLargeError } from '../../http.ts';
import type { SandboxContext } from '../../router.ts';
import { bearerToken, checkToken } from '../../tokens.ts';
import { hitRateLimit, xState, type RateWindow } from './state.ts';
import { xErrors, type XProblem } from './errors.ts';

const MB = 1024 * 1024;

export async function readRaw(req: IncomingMessage, maxBytes = 6 * MB): Promise<Buffer> {
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

/** A JSON object body, or the problem X answers for anything else. */
export async function readJson(
  req: IncomingMessage,
): Promise<{ body: Record<string, unknown> } | { problem: XProblem }> {
  const raw = (await readRaw(req, MB)).toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    // Sandbox wording: X's answer to malformed JSON is not documented.
    return { problem: xErrors.invalid('The request body is not valid JSON.') };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { problem: xErrors.invalid('The request body must be a JSON object.') };
  }
  return { body: body as Record<string, unknown> };
}

/** A multipart/form-data (or urlencoded) body, parsed by the platform's own fetch machinery. */
export async function readForm(req: IncomingMessage): Promise<FormData | XProblem> {
  const type = req.headers['content-type'];
  const raw = await readRaw(req);
  try {
    return await new Response(new Uint8Array(raw), {
      headers: { 'content-type': type ?? '' },
    }).formData();
  } catch {
    return xErrors.invalid('The request body is not multipart/form-data.');
  }
}

export type Caller = { userId: string; limit: RateWindow };

/**
 * The user the bearer token speaks for, counted against `endpoint`'s window; or the 401 (bad
 * token) or 429 (window spent) problem, with the rate-limit headers where known.
 */
export function authorize(
  req: IncomingMessage,
  ctx: SandboxContext,
  endpoint: string,
): Caller | { problem: XProblem; headers?: Record<string, string> } {
  const token = bearerToken(req.headers.authorization);
  const check = checkToken('x', token, ctx.store);
  if (!check.ok) return { problem: xErrors.unauthorized() };
  // A token the token endpoint issued lives as long as it said (./oauth.ts); X answers an
  // expired one like any other bad token.
  const expiresAt = xState(ctx.store).accessTokens.get(token!);
  if (expiresAt !== undefined && expiresAt <= Date.now()) {
    return { problem: xErrors.unauthorized() };
  }
  const limit = hitRateLimit(xState(ctx.store), ctx.platformSettings.x, check.accountId, endpoint);
  if (limit.exceeded) return { problem: xErrors.tooManyRequests(), headers: limit.headers };
  return { userId: check.accountId, limit };
}

export const isProblem = (value: object): value is XProblem =>
  'status' in value && 'title' in value;
