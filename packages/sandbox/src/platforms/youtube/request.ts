// Who a YouTube request acts for, and what it costs. Bearer tokens follow the sandbox convention
// (`sbx-youtube-<channel id>-<suffix>`); those the OAuth endpoints issued also carry a grant
// (its scopes, its API project, an expiry), while tokens tests and the seed mint have every
// scope and count against the project "sandbox". Quota: every call costs units from its
// project's daily allowance (YouTube's "Quota costs" table), reset at midnight Pacific Time.
import type { IncomingMessage } from 'node:http';
import { BodyTooLargeError } from '../../http.ts';
import type { SandboxContext } from '../../router.ts';
import { bearerToken, checkToken } from '../../tokens.ts';
import { youtubeErrors, type GoogleError } from './errors.ts';
import { nowMs, pacificDay, youtubeState } from './state.ts';

const AUTH = 'https://www.googleapis.com/auth';
export const SCOPES = {
  upload: `${AUTH}/youtube.upload`,
  readonly: `${AUTH}/youtube.readonly`,
  manage: `${AUTH}/youtube`,
  forceSsl: `${AUTH}/youtube.force-ssl`,
} as const;

/** Scopes that allow each kind of call (the methods' "Authorization" sections). */
const ALLOWED: Record<'upload' | 'read', readonly string[]> = {
  upload: [SCOPES.upload, SCOPES.manage, SCOPES.forceSsl],
  read: [SCOPES.readonly, SCOPES.manage, SCOPES.forceSsl],
};

/** Units per call ("Quota costs", developers.google.com/youtube/v3/determine_quota_cost). */
export const QUOTA_COSTS = {
  'videos.insert': 1600,
  'videos.list': 1,
  'thumbnails.set': 50,
  'channels.list': 1,
  'playlistItems.list': 1,
} as const;
export type QuotaMethod = keyof typeof QUOTA_COSTS;

/** Tokens nobody issued through OAuth (tests, the demo seed) spend this project's quota. */
export const DEFAULT_PROJECT = 'sandbox';

export interface Caller {
  channelId: string;
  project: string;
}

export function authorize(
  req: IncomingMessage,
  ctx: SandboxContext,
  needs: 'upload' | 'read',
): Caller | GoogleError {
  const token = bearerToken(req.headers.authorization);
  if (!token) return youtubeErrors.loginRequired();
  const check = checkToken('youtube', token, ctx.store);
  if (!check.ok) return youtubeErrors.invalidCredentials();
  const state = youtubeState(ctx.store);
  const issued = state.accessTokens.get(token);
  if (!issued) return { channelId: check.accountId, project: DEFAULT_PROJECT };
  const grant = state.grants.get(issued.grantId);
  if (!grant || grant.revoked || issued.expiresAt <= nowMs(ctx)) {
    return youtubeErrors.invalidCredentials();
  }
  if (!grant.scopes.some((s) => ALLOWED[needs].includes(s))) {
    return youtubeErrors.insufficientScopes(ALLOWED[needs].join(' '));
  }
  return { channelId: grant.channelId, project: grant.clientId };
}

export const isGoogleError = (value: object): value is GoogleError =>
  'reason' in value && 'status' in value;

const quotaKey = (ctx: SandboxContext, project: string) => `${project}:${pacificDay(nowMs(ctx))}`;

/** Whether the project has `method`'s cost left today. */
export function hasQuota(ctx: SandboxContext, project: string, method: QuotaMethod): boolean {
  const state = youtubeState(ctx.store);
  const used = state.quotaUsed.get(quotaKey(ctx, project)) ?? 0;
  return used + QUOTA_COSTS[method] <= state.settings.dailyQuotaUnits;
}

/**
 * Spends units: the method's cost for a call that did its work; one unit for a refused one
 * ("all API requests, including invalid requests, incur a quota cost of at least one point").
 */
export function spendQuota(
  ctx: SandboxContext,
  project: string,
  method: QuotaMethod,
  succeeded: boolean,
): void {
  const state = youtubeState(ctx.store);
  const key = quotaKey(ctx, project);
  state.quotaUsed.set(key, (state.quotaUsed.get(key) ?? 0) + (succeeded ? QUOTA_COSTS[method] : 1));
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

/** The comma-separated `part` values, or the error YouTube gives for a missing or unknown one. */
export function parts(url: URL, allowed: readonly string[]): string[] | GoogleError {
  const raw = url.searchParams.get('part');
  if (!raw) return youtubeErrors.required('part');
  const list = raw.split(',').map((p) => p.trim());
  const unknown = list.find((p) => !allowed.includes(p));
  return unknown === undefined ? list : youtubeErrors.unknownPart(unknown);
}
