// Checks shared by both stores: the shape of keys and prefixes, and the arguments of signed
// URLs, so a key that works on local disk works on S3 and cannot escape the media folder.
import { StorageKeyError, StorageSizeError } from './errors.ts';
import { MAX_URL_SECONDS } from './types.ts';

const KEY_CHARACTERS = /^[A-Za-z0-9._/-]*$/;
/** S3's own limit on a key, in bytes (keys here are ASCII, so characters). */
const MAX_KEY_LENGTH = 1024;

/** Throws a StorageKeyError unless `key` is a valid object key. */
export function assertValidKey(key: string): void {
  if (key === '') throw new StorageKeyError(key, 'it is empty');
  checkPath(key);
  if (key.endsWith('/')) throw new StorageKeyError(key, 'it ends with "/"');
}

/** A list prefix: like a key, but may be empty or end with '/' (or in the middle of a name). */
export function assertValidPrefix(prefix: string): void {
  if (prefix !== '') checkPath(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
}

function checkPath(path: string): void {
  if (path.length > MAX_KEY_LENGTH) throw new StorageKeyError(path, 'it is too long');
  if (!KEY_CHARACTERS.test(path)) {
    throw new StorageKeyError(path, 'only letters, digits and . _ / - are allowed');
  }
  if (path.includes('..')) throw new StorageKeyError(path, 'it contains ".."');
  if (path.startsWith('/')) throw new StorageKeyError(path, 'it starts with "/"');
  for (const segment of path.split('/')) {
    if (segment === '') throw new StorageKeyError(path, 'it has an empty segment');
    if (segment === '.') throw new StorageKeyError(path, 'it has a "." segment');
  }
}

/** A MIME type as a header carries it: printable ASCII, type/subtype, optional parameters. */
const CONTENT_TYPE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+(\s*;[ -~]*)?$/;

export function assertContentType(contentType: string): void {
  if (contentType.length > 255 || !CONTENT_TYPE.test(contentType)) {
    throw new TypeError(`Not a content type: ${JSON.stringify(contentType)}.`);
  }
}

export function assertSize(size: number): void {
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new TypeError(`A size is a whole number of bytes, not ${size}.`);
  }
}

export function assertExpiry(expiresInSeconds: number): void {
  if (
    !Number.isSafeInteger(expiresInSeconds) ||
    expiresInSeconds < 1 ||
    expiresInSeconds > MAX_URL_SECONDS
  ) {
    throw new RangeError(
      `A signed URL lives 1 to ${MAX_URL_SECONDS} seconds, not ${expiresInSeconds}.`,
    );
  }
}

/** A download name is one line of text (it becomes a header parameter). */
export function assertDownloadName(name: string): void {
  if (name === '' || name.length > 255 || /[\p{Cc}/\\]/u.test(name)) {
    throw new TypeError(`Not a file name for a download: ${JSON.stringify(name)}.`);
  }
}

/** Checks the `range` argument of `read`: whole bytes, `end` inclusive and not before `start`. */
export function assertByteRange(range: { start: number; end: number }): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new RangeError(`Not a byte range: ${start}-${end}.`);
  }
}

/**
 * `attachment` with the name twice: a plain ASCII fallback for old clients and the exact name
 * in RFC 8187 form (`filename*=UTF-8''…`), which every current browser prefers.
 */
export function attachmentDisposition(downloadName: string): string {
  const fallback = downloadName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(downloadName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/**
 * A pipeline step passing chunks through, failing with a StorageSizeError as soon as more than
 * `size` bytes arrive (the rest is never read), or at the end if fewer did.
 */
export function countBytes(key: string, size: number | undefined) {
  return async function* (source: AsyncIterable<Buffer | Uint8Array | string>) {
    let received = 0;
    for await (const chunk of source) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      received += bytes.byteLength;
      if (size !== undefined && received > size) throw new StorageSizeError(key, size, 'too-large');
      yield bytes;
    }
    if (size !== undefined && received < size) throw new StorageSizeError(key, size, 'too-small');
  };
}
