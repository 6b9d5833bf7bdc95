// The sandbox's access-token convention for every platform but Facebook (whose Page tokens are
// `sbx-page-<page id>-<suffix>`, facebook/request.ts): `sbx-<platform>-<account id>-<suffix>`
// speaks for that account on that platform until it is revoked through the control API. The
// demo seed and the test fixtures mint tokens this way, and the platforms' OAuth endpoints hand
// out the same (through `store.tokenIssued`, so a token issued after its account was revoked
// works).
import { SANDBOX_PLATFORMS, type SandboxPlatform } from './faults.ts';
import type { SandboxStore } from './store.ts';

const TOKEN = /^sbx-([a-z_]+)-([A-Za-z0-9:._]+)-[A-Za-z0-9]+$/;

export type TokenCheck =
  | { ok: true; accountId: string }
  | { ok: false; reason: 'missing' | 'malformed' | 'wrong_platform' | 'revoked' };

/** Which account of `platform` a bearer token speaks for, or why it speaks for none. */
export function checkToken(
  platform: SandboxPlatform,
  token: string | undefined,
  store: SandboxStore,
): TokenCheck {
  if (!token) return { ok: false, reason: 'missing' };
  const match = TOKEN.exec(token);
  if (!match) return { ok: false, reason: 'malformed' };
  if (match[1] !== platform) return { ok: false, reason: 'wrong_platform' };
  if (store.revocation(token) !== undefined) return { ok: false, reason: 'revoked' };
  return { ok: true, accountId: match[2]! };
}

const PAGE_TOKEN = /^sbx-page-(\d+)-[A-Za-z0-9]+$/;
// Refresh tokens: X's `sbxr-x-<user>-…`, LinkedIn's `sbx-linkedin-refresh-<urn>-…`.
const OWNED_TOKEN = /^sbxr?-([a-z_]+)-(?:refresh-)?([A-Za-z0-9:._]+)-[A-Za-z0-9]+$/;

/**
 * The account a sandbox token (access or refresh, any platform's shape) belongs to, so that
 * revoking an account reaches all of them. A platform minting another shape adds it here.
 */
export function tokenOwner(
  token: string,
): { platform: SandboxPlatform; accountId: string } | undefined {
  const page = PAGE_TOKEN.exec(token);
  if (page) return { platform: 'facebook', accountId: page[1]! };
  const match = OWNED_TOKEN.exec(token);
  const platform = SANDBOX_PLATFORMS.find((p) => p === match?.[1]);
  return platform ? { platform, accountId: match![2]! } : undefined;
}

/** A token for `accountId` on `platform`, as tests and the seed mint them. */
export function sandboxToken(platform: SandboxPlatform, accountId: string, suffix = 'dev'): string {
  return `sbx-${platform}-${accountId}-${suffix}`;
}

/** `Authorization: Bearer <token>`, the way most platforms take it. */
export function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
}
