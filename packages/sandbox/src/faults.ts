// Faults the control API can inject. Not part of any real platform: they let tests and demos
// see what Herald does when a platform errs, stalls or hangs up.
import {
  STATUS_CODES,
  validateHeaderName,
  validateHeaderValue,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { z } from 'zod';
import { send, wait, type Reply } from './http.ts';

/** Every platform Herald publishes to; each is emulated under `/<platform>` as it lands. */
export const SANDBOX_PLATFORMS = [
  'facebook',
  'instagram',
  'x',
  'linkedin',
  'tiktok',
  'youtube',
  'google_business',
] as const;
export type SandboxPlatform = (typeof SANDBOX_PLATFORMS)[number];

// Headers the sandbox frames the response with itself: a fault overriding them would corrupt it.
const FRAMING_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection']);

/**
 * Extra response headers, checked when the fault is queued: a name or value Node refuses to
 * send (CRLF, NUL, a space in a name) would otherwise turn the next publish into a 500.
 */
const ResponseHeaders = z.record(z.string(), z.string()).superRefine((headers, ctx) => {
  for (const [name, value] of Object.entries(headers)) {
    const problem = headerProblem(name, value);
    if (problem) ctx.addIssue({ code: 'custom', path: [name], message: problem });
  }
});

function headerProblem(name: string, value: string): string | undefined {
  const shown = JSON.stringify(name);
  try {
    validateHeaderName(name);
  } catch {
    return `The header name ${shown} is not a valid HTTP header name.`;
  }
  if (FRAMING_HEADERS.has(name.toLowerCase()))
    return `The header ${shown} is set by the sandbox itself and cannot be injected.`;
  try {
    validateHeaderValue(name, value);
  } catch {
    return `The value of the header ${shown} contains characters HTTP does not allow (such as CR, LF or NUL).`;
  }
  return undefined;
}

export const Fault = z.discriminatedUnion('type', [
  /** A Graph API error envelope (`{"error":{…}}`) with this HTTP status. */
  z.strictObject({
    type: z.literal('graph_error'),
    status: z.int().min(400).max(599),
    code: z.int(),
    subcode: z.int().optional(),
    message: z.string().optional(),
    is_transient: z.boolean().optional(),
    error_user_title: z.string().optional(),
    error_user_msg: z.string().optional(),
    /**
     * The platform's own string code, for platforms whose envelopes carry one instead of
     * Graph's numbers (TikTok's `error.code`, e.g. `spam_risk_too_many_posts`).
     */
    platform_code: z.string().min(1).max(100).optional(),
    /** Extra response headers, e.g. X-Business-Use-Case-Usage for rate limits. */
    headers: ResponseHeaders.optional(),
  }),
  /** A bare HTTP response with a non-JSON body, like a load balancer's error page. */
  z.strictObject({
    type: z.literal('http_status'),
    status: z.int().min(200).max(599),
    body: z.string().optional(),
    /** Extra response headers, e.g. Retry-After on a 429. */
    headers: ResponseHeaders.optional(),
  }),
  /** The platform acts at once but answers `ms` later, so a client timeout can fire first. */
  z.strictObject({ type: z.literal('delay'), ms: z.int().min(0).max(600_000) }),
  /** The socket is destroyed without a response; with afterAccepting the platform acted first. */
  z.strictObject({
    type: z.literal('drop_connection'),
    afterAccepting: z.boolean().default(false),
  }),
]);
export type Fault = z.infer<typeof Fault>;

export const FaultRequest = z.strictObject({
  platform: z.enum(SANDBOX_PLATFORMS),
  /** How many of the next matching requests fail this way. */
  times: z.int().min(1).default(1),
  /** `publish`: the requests that create content (Facebook: feed, photos and videos POSTs). `read`: GETs. */
  on: z.enum(['publish', 'read']).default('publish'),
  /**
   * Only requests for this account (the platform's id for it: a Page id, an X user id, a
   * channel) fail; others pass untouched. Unset: any account's.
   */
  account: z.string().min(1).optional(),
  fault: Fault,
});
/** What callers send (defaults not yet applied). */
export type FaultRequest = z.input<typeof FaultRequest>;
export type FaultTarget = z.infer<typeof FaultRequest>['on'];

/** Graph subcode reported for a revoked token: 460 password changed (default), 458 app removed, 463 expired, 467 invalid. */
const RevokeSubcode = z.int().default(460);

/** One token, by its string. */
export const RevokeTokenRequest = z.strictObject({
  token: z.string().min(1),
  subcode: RevokeSubcode,
});

/**
 * Every token the sandbox handed out for one account (access and refresh tokens alike, and
 * the ones the seed and tests mint): refused from now on. Tokens the platform issues to that
 * account afterwards (the person connects it again) work.
 */
export const RevokeAccountRequest = z.strictObject({
  platform: z.enum(SANDBOX_PLATFORMS),
  /** The platform's id for the account, as in its tokens (a Page id, an X user id, a URN). */
  account: z.string().min(1),
  subcode: RevokeSubcode,
});

/** `{ token }` or `{ platform, account }` (what `POST /__sandbox/tokens/revoke` takes). */
export type RevokeRequest =
  z.input<typeof RevokeTokenRequest> | z.input<typeof RevokeAccountRequest>;

/** Parses either shape; the presence of `token` decides which, so errors name the right fields. */
export function parseRevokeRequest(input: unknown) {
  const byToken = typeof input === 'object' && input !== null && 'token' in input;
  return byToken
    ? { kind: 'token' as const, ...RevokeTokenRequest.parse(input) }
    : { kind: 'account' as const, ...RevokeAccountRequest.parse(input) };
}

/**
 * Chaos: every matching request fails, with probability `rate`, with one of `faults` (picked
 * at random). Seeded, so a failing run can be replayed. Queued faults still come first.
 */
export const ChaosRequest = z.strictObject({
  platform: z.enum(SANDBOX_PLATFORMS),
  on: z.enum(['publish', 'read']).default('publish'),
  rate: z.number().min(0).max(1),
  faults: z.array(Fault).min(1),
  seed: z.int().default(1),
});
export type ChaosRequest = z.input<typeof ChaosRequest>;

export type GraphErrorFault = Extract<Fault, { type: 'graph_error' }>;

/**
 * Sends the reply `act` computes, bent by the fault. `act` does the platform's work (such as
 * recording a post, or fetching a photo first), so it runs only when the emulated platform is
 * meant to have acted.
 */
export async function replyUnderFault(
  req: IncomingMessage,
  res: ServerResponse,
  fault: Fault | undefined,
  act: () => Reply | Promise<Reply>,
  platformError: (fault: GraphErrorFault) => Reply,
  closing: AbortSignal,
): Promise<void> {
  switch (fault?.type) {
    case undefined:
      return send(res, await act());
    case 'graph_error':
      return send(res, platformError(fault));
    case 'http_status':
      return send(res, gatewayReply(fault.status, fault.body, fault.headers));
    case 'delay': {
      const reply = await act();
      if (await wait(fault.ms, closing)) send(res, reply);
      return;
    }
    case 'drop_connection':
      if (fault.afterAccepting) await act();
      req.socket.destroy();
      return;
  }
}

function gatewayReply(status: number, body?: string, headers: Record<string, string> = {}): Reply {
  const title = `${status} ${STATUS_CODES[status] ?? 'Error'}`;
  return {
    status,
    headers: { 'content-type': 'text/html', ...headers },
    body: body ?? `<html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>`,
  };
}
