// What every call to LinkedIn's versioned REST API is checked for before it is served: the
// `LinkedIn-Version` header naming an active version (Microsoft Learn, "LinkedIn Marketing API
// Versioning": monthly versions `YYYYMM`, each active for at least a year), the Rest.li 2.0.0
// protocol header, and a Bearer token of this platform's sandbox convention.
import type { IncomingMessage } from 'node:http';
import type { SandboxStore } from '../../store.ts';
import { bearerToken, checkToken } from '../../tokens.ts';
import { linkedinErrors, type LinkedInError } from './errors.ts';
import { linkedinState } from './state.ts';

/** How many months a version stays active in the sandbox (LinkedIn: "a minimum of one year"). */
export const ACTIVE_MONTHS = 12;

/** `YYYYMM` of a date, as LinkedIn names versions. */
export const versionOf = (date: Date) =>
  `${date.getUTCFullYear()}${String(date.getUTCMonth() + 1).padStart(2, '0')}`;

/** Why a version header is refused, or undefined when that version is active `now`. */
export function versionRefusal(header: string | undefined, now: Date): LinkedInError | undefined {
  const version = header?.trim();
  if (!version) return linkedinErrors.versionMissing();
  const match = /^(\d{4})(\d{2})(?:\.\d{2})?$/.exec(version);
  if (!match) return linkedinErrors.nonexistentVersion(version);
  const months = (y: number, m: number) => y * 12 + (m - 1);
  const asked = months(Number(match[1]), Number(match[2]));
  const current = months(now.getUTCFullYear(), now.getUTCMonth() + 1);
  const valid = Number(match[2]) >= 1 && Number(match[2]) <= 12;
  if (!valid || asked > current || asked <= current - ACTIVE_MONTHS) {
    return linkedinErrors.nonexistentVersion(version.slice(0, 6));
  }
  return undefined;
}

/**
 * Who a bearer token speaks for: its account (a `urn:li:person:…` or `urn:li:organization:…`)
 * and, for a member's token from the consent page, the organizations they granted too.
 */
export interface LinkedInCaller {
  accountId: string;
  /** Every URN the token may act as: its own, then the granted organizations. */
  actsFor: string[];
  /** Scopes the member granted; undefined for tokens minted by the convention (all scopes). */
  scope?: string;
}

export function authenticate(
  req: IncomingMessage,
  store: SandboxStore,
): LinkedInCaller | LinkedInError {
  const token = bearerToken(req.headers.authorization);
  const check = checkToken('linkedin', token, store);
  if (check.ok) {
    const issued = linkedinState(store).accessTokens.get(token!);
    if (!issued) return { accountId: check.accountId, actsFor: [check.accountId] };
    if (issued.expiresAt <= Date.now()) return linkedinErrors.expiredToken();
    return {
      accountId: check.accountId,
      actsFor: [check.accountId, ...issued.organizations],
      scope: issued.scope,
    };
  }
  if (check.reason === 'missing') return linkedinErrors.emptyToken();
  if (check.reason === 'revoked') {
    // The control API's "expired" subcode (463, as Graph numbers it) reads as expiry here.
    return store.revocation(token!) === 463
      ? linkedinErrors.expiredToken()
      : linkedinErrors.revokedToken();
  }
  return linkedinErrors.invalidToken();
}

/** The checks every versioned REST call passes, in LinkedIn's order: version, token, protocol. */
export function restRefusal(
  req: IncomingMessage,
  store: SandboxStore,
  now: Date,
): LinkedInCaller | LinkedInError {
  const version = versionRefusal(header(req, 'linkedin-version'), now);
  if (version) return version;
  const auth = authenticate(req, store);
  if (isLinkedInError(auth)) return auth;
  if (header(req, 'x-restli-protocol-version') !== '2.0.0') return linkedinErrors.restliProtocol();
  return auth;
}

export const isLinkedInError = (value: object): value is LinkedInError => 'status' in value;

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export class UploadTooLargeError extends Error {}

/** A request body as bytes, refused past `maxBytes` (image uploads are larger than JSON). */
export async function readBytes(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new UploadTooLargeError(`upload over ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
