// Media on the local disk (the default: `.data/media` in development and single-host installs).
// An object is a file at `<root>/<key>` with its content type in a sidecar `<key>#meta.json`;
// writes go to a temp file beside the target and are renamed into place, so a reader never
// sees half a file. '#' cannot occur in a key, so sidecars and temp files never collide with
// objects. (Overwriting a key races only in one way: between the two renames a reader can see
// the new type with the old bytes. Herald writes each key once.) URLs point at the web app's
// /media route, signed with HMAC (signing.ts, ADR 0024).
import { randomUUID } from 'node:crypto';
import { createWriteStream, type Dirent } from 'node:fs';
import {
  copyFile,
  mkdir,
  open,
  readFile,
  readdir,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StorageNotFoundError, StorageSizeError } from './errors.ts';
import {
  signMediaUrl,
  toSigningKey,
  verifyMediaUrl,
  type MediaUrlCheck,
  type SignedMethod,
} from './signing.ts';
import type { MediaStorage, StoredObject, UploadTarget } from './types.ts';
import {
  assertByteRange,
  assertContentType,
  assertDownloadName,
  assertExpiry,
  assertSize,
  assertValidKey,
  assertValidPrefix,
  countBytes,
} from './validate.ts';

export interface LocalStorageOptions {
  /** The folder holding every object (the apps pass `.data/media` unless MEDIA_DIR says). */
  root: string;
  /** The web app's public origin (and base path, if any); URLs are `${publicUrl}/media/<key>`. */
  publicUrl: string;
  /** The HMAC key for signed URLs, at least 32 bytes. */
  signingKey: string | Uint8Array;
  /** The clock for expiry; tests inject one. */
  now?: () => Date;
}

/** An object opened for serving: its details, and its bytes from the same open file. */
export interface OpenedLocalObject {
  object: StoredObject;
  /** Cheap validator from size and modification time. */
  etag: string;
  /** The bytes (inclusive range, already checked against the size); closes the file at the end. */
  stream(range?: { start: number; end: number }): Readable;
  /** Closes the file when no stream is wanted (HEAD, 416). */
  close(): Promise<void>;
}

/** The local store, plus what the web app's /media handler needs (http.ts). */
export interface LocalMediaStorage extends MediaStorage {
  readonly kind: 'local';
  readonly root: string;
  /** The store's clock (expiry is judged by it). */
  now(): Date;
  /** Checks a /media request URL's signature and expiry for this method. */
  verifyUrl(requestUrl: string | URL, method: SignedMethod): MediaUrlCheck;
  /** Opens the object for streaming, or null when there is none. */
  openObject(key: string): Promise<OpenedLocalObject | null>;
}

const META_SUFFIX = '#meta.json';
const FALLBACK_CONTENT_TYPE = 'application/octet-stream';

/** The local-disk store; `root` is created on first write. */
export function createLocalStorage(options: LocalStorageOptions): LocalMediaStorage {
  const root = resolve(options.root);
  const publicUrl = new URL(options.publicUrl);
  const secret = toSigningKey(options.signingKey);
  const now = options.now ?? (() => new Date());

  /** The object's file; refuses bad keys, and (belt and braces) anything resolving outside root. */
  function fileOf(key: string): string {
    assertValidKey(key);
    const file = resolve(root, key);
    if (!file.startsWith(root + sep))
      throw new Error(`Key ${key} resolves outside the media root.`);
    return file;
  }

  const expiresAfter = (seconds: number) => Math.floor(now().getTime() / 1000) + seconds;

  async function readContentType(file: string): Promise<string> {
    try {
      const meta = JSON.parse(await readFile(file + META_SUFFIX, 'utf8')) as {
        contentType?: unknown;
      };
      return typeof meta.contentType === 'string' ? meta.contentType : FALLBACK_CONTENT_TYPE;
    } catch (error) {
      if (isMissing(error)) return FALLBACK_CONTENT_TYPE;
      throw error;
    }
  }

  async function head(key: string): Promise<StoredObject | null> {
    const file = fileOf(key);
    try {
      const stats = await stat(file);
      if (!stats.isFile()) return null;
      return {
        key,
        size: stats.size,
        contentType: await readContentType(file),
        lastModified: stats.mtime,
      };
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async function put(
    key: string,
    body: Buffer | Uint8Array | NodeJS.ReadableStream,
    o: { contentType: string; size?: number },
  ): Promise<void> {
    const file = fileOf(key);
    assertContentType(o.contentType);
    if (o.size !== undefined) assertSize(o.size);
    await mkdir(dirname(file), { recursive: true });
    const temp = `${file}#${randomUUID()}.tmp`;
    const metaTemp = `${temp}${META_SUFFIX}`;
    try {
      if (body instanceof Uint8Array) {
        if (o.size !== undefined && body.byteLength !== o.size) {
          throw new StorageSizeError(
            key,
            o.size,
            body.byteLength > o.size ? 'too-large' : 'too-small',
          );
        }
        await writeFile(temp, body, { flag: 'wx', flush: true });
      } else {
        await pipeline(
          body,
          countBytes(key, o.size),
          createWriteStream(temp, { flags: 'wx', flush: true }),
        );
      }
      // The sidecar first: until the data's rename, readers still see the old object (or none).
      await writeFile(metaTemp, JSON.stringify({ contentType: o.contentType }), { flag: 'wx' });
      await rename(metaTemp, file + META_SUFFIX);
      await rename(temp, file);
    } finally {
      await rm(temp, { force: true });
      await rm(metaTemp, { force: true });
    }
  }

  async function read(key: string, range?: { start: number; end: number }): Promise<Buffer> {
    const file = fileOf(key);
    if (range) assertByteRange(range);
    const handle = await open(file, 'r').catch((error: unknown) => {
      throw isMissing(error) ? new StorageNotFoundError(key) : error;
    });
    try {
      const { size } = await handle.stat();
      if (!range) return await handle.readFile();
      if (range.start >= size) {
        throw new RangeError(
          `Range ${range.start}-${range.end} starts past the end of ${key} (${size} bytes).`,
        );
      }
      const length = Math.min(range.end, size - 1) - range.start + 1;
      const buffer = Buffer.alloc(length);
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await handle.read(
          buffer,
          filled,
          length - filled,
          range.start + filled,
        );
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return buffer.subarray(0, filled);
    } finally {
      await handle.close();
    }
  }

  async function download(key: string, filePath: string): Promise<void> {
    const file = fileOf(key);
    const temp = `${filePath}.${randomUUID()}.tmp`;
    try {
      await copyFile(file, temp);
      await rename(temp, filePath);
    } catch (error) {
      await rm(temp, { force: true });
      throw isMissing(error) && !(await head(key)) ? new StorageNotFoundError(key) : error;
    }
  }

  async function deleteKeys(keys: readonly string[]): Promise<void> {
    const files = keys.map(fileOf); // every key is checked before anything is deleted
    for (const file of files) {
      await rm(file, { force: true });
      await rm(file + META_SUFFIX, { force: true });
    }
  }

  async function* list(prefix: string): AsyncIterable<StoredObject> {
    assertValidPrefix(prefix);
    const slash = prefix.lastIndexOf('/');
    const folderKey = slash === -1 ? '' : prefix.slice(0, slash + 1); // '' or 'a/b/'
    const keys: string[] = [];
    await collectKeys(join(root, folderKey), folderKey, prefix, keys);
    keys.sort(); // S3's order (keys are ASCII, so UTF-16 order is byte order)
    for (const key of keys) {
      const object = await head(key); // null when deleted since the walk
      if (object) yield object;
    }
  }

  async function openObject(key: string): Promise<OpenedLocalObject | null> {
    const file = fileOf(key);
    const handle = await open(file, 'r').catch((error: unknown) => {
      if (isMissing(error)) return null;
      throw error;
    });
    if (!handle) return null;
    try {
      const stats = await handle.stat();
      if (!stats.isFile()) {
        await handle.close();
        return null;
      }
      const object: StoredObject = {
        key,
        size: stats.size,
        contentType: await readContentType(file),
        lastModified: stats.mtime,
      };
      return {
        object,
        etag: `"${stats.size.toString(36)}-${Math.floor(stats.mtimeMs).toString(36)}"`,
        stream: (range) =>
          range
            ? handle.createReadStream({ start: range.start, end: range.end })
            : handle.createReadStream(),
        close: () => handle.close(),
      };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  return {
    kind: 'local',
    root,
    now,
    createUploadUrl: ({ key, contentType, size, expiresInSeconds }) =>
      settle((): UploadTarget => {
        assertValidKey(key);
        assertContentType(contentType);
        assertSize(size);
        assertExpiry(expiresInSeconds);
        const expires = expiresAfter(expiresInSeconds);
        return {
          url: signMediaUrl(secret, publicUrl, { method: 'PUT', key, expires, contentType, size }),
          method: 'PUT',
          headers: { 'Content-Type': contentType },
          expiresAt: new Date(expires * 1000),
        };
      }),
    createDownloadUrl: ({ key, expiresInSeconds, downloadName }) =>
      settle(() => {
        assertValidKey(key);
        assertExpiry(expiresInSeconds);
        if (downloadName !== undefined) assertDownloadName(downloadName);
        const expires = expiresAfter(expiresInSeconds);
        return signMediaUrl(secret, publicUrl, { method: 'GET', key, expires, downloadName });
      }),
    put,
    read,
    download,
    head,
    delete: deleteKeys,
    list,
    verifyUrl: (requestUrl, method) =>
      verifyMediaUrl(secret, publicUrl, new URL(requestUrl), method, now()),
    openObject,
  };
}

/** Walks `folder` (whose key prefix is `folderKey`) for object keys starting with `prefix`. */
async function collectKeys(
  folder: string,
  folderKey: string,
  prefix: string,
  into: string[],
): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    if (isMissing(error) || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return;
    throw error;
  }
  for (const entry of entries) {
    if (entry.name.includes('#')) continue; // sidecars and temp files
    const key = folderKey + entry.name;
    if (entry.isDirectory()) {
      const inner = `${key}/`;
      if (inner.startsWith(prefix) || prefix.startsWith(inner)) {
        await collectKeys(join(folder, entry.name), inner, prefix, into);
      }
    } else if (entry.isFile() && key.startsWith(prefix)) {
      into.push(key);
    }
  }
}

/** Runs `make` inside a promise, so a bad argument rejects instead of throwing synchronously. */
function settle<T>(make: () => T): Promise<T> {
  return new Promise((resolve) => resolve(make()));
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}
