// The sandbox's access-token convention for every platform but Facebook (whose Page tokens are
// `sbx-page-<page id>-<suffix>`, facebook/request.ts): `sbx-<platform>-<account id>-<suffix>`
// speaks for that account on that platform until it is revoked through the control API. The
// demo seed and the test fixtures mint tokens this way; OAuth (issue 8) will hand out the same.
import type { SandboxPlatform } from './faults.ts';
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

/** A token for `accountId` on `platform`, as tests and the seed mint them. */
export function sandboxToken(platform: SandboxPlatform, accountId: string, suffix = 'dev'): string {
  return `sbx-${platform}-${accountId}-${suffix}`;
}

/** `Authorization: Bearer <token>`, the way most platforms take it. */
export function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
}
