// The one interface every media store implements (local disk by default, S3 when configured),
// so services, worker tasks and the web app never know which one they were handed (ADR 0024).

/** One stored object, as `head` and `list` describe it. */
export interface StoredObject {
  key: string;
  size: number;
  contentType: string;
  lastModified: Date;
}

/** Where and how the browser uploads one file. */
export interface UploadTarget {
  url: string;
  method: 'PUT';
  /**
   * Headers the browser must send with the PUT (Content-Type; whatever the URL was signed with).
   * Content-Length is signed too, but browsers set it themselves from the body.
   */
  headers: Record<string, string>;
  expiresAt: Date;
}

/** Where media lives: uploads, renditions and fallback packages. */
export interface MediaStorage {
  readonly kind: 'local' | 's3';
  /** A URL the browser PUTs exactly `size` bytes of `contentType` to, until it expires. */
  createUploadUrl(o: {
    key: string;
    contentType: string;
    size: number;
    expiresInSeconds: number;
  }): Promise<UploadTarget>;
  /**
   * A public GET URL (signed, expiring) that serves the object with its content type and
   * length, and honours Range. `downloadName` sets Content-Disposition: attachment.
   */
  createDownloadUrl(o: {
    key: string;
    expiresInSeconds: number;
    downloadName?: string;
  }): Promise<string>;
  /**
   * Stores `body` under `key`, replacing what was there. With `size`, a body of any other
   * length is refused (a StorageSizeError) and nothing is stored.
   */
  put(
    key: string,
    body: Buffer | Uint8Array | NodeJS.ReadableStream,
    o: { contentType: string; size?: number },
  ): Promise<void>;
  /**
   * The whole object, or a byte range (inclusive `end`), as bytes. An `end` past the object
   * is cut to its last byte; a `start` past it is a RangeError; a missing key a
   * StorageNotFoundError.
   */
  read(key: string, range?: { start: number; end: number }): Promise<Buffer>;
  /** Copies the object to a local file (ffprobe/ffmpeg need a path). */
  download(key: string, filePath: string): Promise<void>;
  head(key: string): Promise<StoredObject | null>;
  /** Deleting a missing key is not an error. */
  delete(keys: readonly string[]): Promise<void>;
  /** Every object under the prefix (keys use '/' separators), paging as needed, in key order. */
  list(prefix: string): AsyncIterable<StoredObject>;
}

/** The longest a signed URL may live: S3's SigV4 limit, kept for local URLs too. */
export const MAX_URL_SECONDS = 7 * 24 * 60 * 60;
