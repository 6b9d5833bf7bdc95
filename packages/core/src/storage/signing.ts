// The local store's signed URLs: `${publicUrl}/media/<key>?expires=…&signature=…`, with an
// HMAC-SHA256 over everything the URL permits (method, key, expiry, and the upload's type and
// size or the download's name), so changing any of them, or using the URL with another
// method, breaks the signature. Checked in constant time.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { StorageKeyError } from './errors.ts';
import { assertValidKey } from './validate.ts';

/** The keyed request a URL grants. HEAD is answered under a GET grant. */
export type SignedMethod = 'GET' | 'PUT';

export interface MediaGrant {
  method: SignedMethod;
  key: string;
  /** Unix seconds after which the URL is refused. */
  expires: number;
  /** PUT only: what the upload must declare and deliver. */
  contentType?: string;
  size?: number;
  /** GET only: served as `Content-Disposition: attachment` under this name. */
  downloadName?: string;
}

/** What checking a URL found: the grant, or why it is refused. */
export type MediaUrlCheck =
  { ok: true; grant: MediaGrant } | { ok: false; reason: 'invalid' | 'expired' };

/** Bumped if the signed string ever changes shape, so old URLs fail instead of confusing. */
const SCHEME = 'herald-media-v1';
export const MIN_SIGNING_KEY_BYTES = 32;

export function toSigningKey(signingKey: string | Uint8Array): Buffer {
  const key =
    typeof signingKey === 'string' ? Buffer.from(signingKey, 'utf8') : Buffer.from(signingKey);
  if (key.length < MIN_SIGNING_KEY_BYTES) {
    throw new RangeError(`The media signing key must be at least ${MIN_SIGNING_KEY_BYTES} bytes.`);
  }
  return key;
}

function sign(secret: Buffer, grant: MediaGrant): string {
  // A JSON array cannot be rearranged into another grant with the same text.
  const message = JSON.stringify([
    SCHEME,
    grant.method,
    grant.key,
    grant.expires,
    grant.contentType ?? null,
    grant.size ?? null,
    grant.downloadName ?? null,
  ]);
  return createHmac('sha256', secret).update(message).digest('base64url');
}

/** The path under the public origin where the web app serves media. */
function mediaPath(publicUrl: URL): string {
  return `${publicUrl.pathname.replace(/\/+$/, '')}/media/`;
}

/** A signed URL granting `grant` at the web app's public origin. */
export function signMediaUrl(secret: Buffer, publicUrl: URL, grant: MediaGrant): string {
  const url = new URL(`${mediaPath(publicUrl)}${grant.key}`, publicUrl);
  url.searchParams.set('expires', String(grant.expires));
  if (grant.contentType !== undefined) url.searchParams.set('type', grant.contentType);
  if (grant.size !== undefined) url.searchParams.set('size', String(grant.size));
  if (grant.downloadName !== undefined) url.searchParams.set('download', grant.downloadName);
  url.searchParams.set('signature', sign(secret, grant));
  return url.href;
}

const DIGITS = /^\d{1,15}$/;

/**
 * Checks a request URL (as the web app received it: only its path and query matter) for
 * `method`. Expiry is judged only once the signature holds, so a forged URL never learns more
 * than "not valid".
 */
export function verifyMediaUrl(
  secret: Buffer,
  publicUrl: URL,
  requestUrl: URL,
  method: SignedMethod,
  now: Date,
): MediaUrlCheck {
  const invalid = { ok: false, reason: 'invalid' } as const;
  const prefix = mediaPath(publicUrl);
  if (!requestUrl.pathname.startsWith(prefix)) return invalid;
  const key = requestUrl.pathname.slice(prefix.length);
  try {
    assertValidKey(key);
  } catch (error) {
    if (error instanceof StorageKeyError) return invalid;
    throw error;
  }
  const query = requestUrl.searchParams;
  const expires = query.get('expires');
  const signature = query.get('signature');
  if (expires === null || signature === null || !DIGITS.test(expires)) return invalid;
  const grant: MediaGrant = { method, key, expires: Number(expires) };
  if (method === 'PUT') {
    const contentType = query.get('type');
    const size = query.get('size');
    if (contentType === null || size === null || !DIGITS.test(size)) return invalid;
    grant.contentType = contentType;
    grant.size = Number(size);
  } else {
    const downloadName = query.get('download');
    if (downloadName !== null) grant.downloadName = downloadName;
  }
  const expected = Buffer.from(sign(secret, grant));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return invalid;
  if (now.getTime() >= grant.expires * 1000) return { ok: false, reason: 'expired' };
  return { ok: true, grant };
}
