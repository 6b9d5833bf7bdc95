// Media in an S3-compatible bucket (AWS S3, MinIO, R2, …), when S3_BUCKET is configured.
// Browsers upload and platforms download straight from the bucket with presigned URLs; the
// upload URL signs Content-Type and Content-Length, so the bucket refuses any other type or
// size. `publicEndpoint` signs those URLs for a host other than the one the server uses.
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  type GetObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { StorageNotFoundError, StorageSizeError } from './errors.ts';
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
  attachmentDisposition,
} from './validate.ts';

export interface S3StorageOptions {
  /** For S3-compatible stores (MinIO, R2, …); unset for AWS S3 itself. */
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `https://host/bucket/key` instead of `https://bucket.host/key`; most non-AWS stores need it. */
  forcePathStyle?: boolean;
  /**
   * The endpoint presigned URLs are made for, when browsers and platforms reach the bucket by
   * another name than the server does (e.g. the server talks to `http://minio:9000` inside
   * the cluster, browsers to `https://media.example.com`). Default: `endpoint`.
   */
  publicEndpoint?: string;
  /** Keys per ListObjectsV2 page (default and S3's maximum: 1000). */
  listPageSize?: number;
  /** Keys per DeleteObjects call (default and S3's maximum: 1000). */
  deleteBatchSize?: number;
  /** The clock presigned URLs are signed with (their expiry counts from it); tests inject one. */
  now?: () => Date;
}

export interface S3MediaStorage extends MediaStorage {
  readonly kind: 's3';
  readonly bucket: string;
  /** Closes the clients' sockets (for tests and graceful shutdown). */
  destroy(): void;
}

const S3_BATCH_LIMIT = 1000;
/** `list` asks for each object's content type (ListObjectsV2 does not give it) this many at a time. */
const HEAD_CONCURRENCY = 8;

/** The S3 store: one client for the server's own calls, one (maybe the same) for presigning. */
export function createS3Storage(options: S3StorageOptions): S3MediaStorage {
  const { bucket } = options;
  const now = options.now ?? (() => new Date());
  const listPageSize = batchSize(options.listPageSize, 'listPageSize');
  const deleteBatchSize = batchSize(options.deleteBatchSize, 'deleteBatchSize');
  const clientConfig = (endpoint: string | undefined) =>
    new S3Client({
      region: options.region,
      endpoint,
      forcePathStyle: options.forcePathStyle ?? false,
      credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
      // Checksums only where S3 demands them: the newer default adds CRC headers that many
      // S3-compatible stores reject, and would bake a checksum into presigned PUT URLs.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  const client = clientConfig(options.endpoint);
  const presignClient =
    options.publicEndpoint && options.publicEndpoint !== options.endpoint
      ? clientConfig(options.publicEndpoint)
      : client;

  async function head(key: string): Promise<StoredObject | null> {
    assertValidKey(key);
    try {
      const out = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return {
        key,
        size: out.ContentLength ?? 0,
        contentType: out.ContentType ?? 'application/octet-stream',
        lastModified: out.LastModified ?? new Date(0),
      };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async function getObject(key: string, range?: string): Promise<GetObjectCommandOutput> {
    try {
      return await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: range }));
    } catch (error) {
      if (isNotFound(error)) throw new StorageNotFoundError(key);
      if (error instanceof S3ServiceException && error.name === 'InvalidRange') {
        throw new RangeError(`Range ${range} starts past the end of ${key}.`, { cause: error });
      }
      throw error;
    }
  }

  async function put(
    key: string,
    body: Buffer | Uint8Array | NodeJS.ReadableStream,
    o: { contentType: string; size?: number },
  ): Promise<void> {
    assertValidKey(key);
    assertContentType(o.contentType);
    if (o.size !== undefined) assertSize(o.size);
    const send = (Body: Uint8Array | Readable, ContentLength: number) =>
      client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body,
          ContentLength,
          ContentType: o.contentType,
        }),
      );
    if (body instanceof Uint8Array) {
      if (o.size !== undefined && body.byteLength !== o.size) {
        throw new StorageSizeError(
          key,
          o.size,
          body.byteLength > o.size ? 'too-large' : 'too-small',
        );
      }
      await send(body, body.byteLength);
      return;
    }
    // Streams are spooled to a temp file first: PutObject needs the length up front, and a
    // body that breaks its declared size is refused before anything reaches the bucket.
    const folder = await mkdtemp(join(tmpdir(), 'herald-put-'));
    try {
      const spool = join(folder, 'body');
      await pipeline(body, countBytes(key, o.size), createWriteStream(spool));
      const { size } = await stat(spool);
      await send(createReadStream(spool), size);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }

  async function read(key: string, range?: { start: number; end: number }): Promise<Buffer> {
    assertValidKey(key);
    if (range) assertByteRange(range);
    const out = await getObject(key, range ? `bytes=${range.start}-${range.end}` : undefined);
    if (!out.Body) return Buffer.alloc(0);
    return Buffer.from(await out.Body.transformToByteArray());
  }

  async function download(key: string, filePath: string): Promise<void> {
    assertValidKey(key);
    const out = await getObject(key);
    const temp = `${filePath}.${randomUUID()}.tmp`;
    try {
      const source = out.Body
        ? Readable.fromWeb(out.Body.transformToWebStream() as NodeReadableStream<Uint8Array>)
        : Readable.from([]);
      await pipeline(source, createWriteStream(temp));
      await rename(temp, filePath);
    } finally {
      await rm(temp, { force: true });
    }
  }

  async function deleteKeys(keys: readonly string[]): Promise<void> {
    keys.forEach(assertValidKey);
    for (let i = 0; i < keys.length; i += deleteBatchSize) {
      const batch = keys.slice(i, i + deleteBatchSize);
      const out = await client.send(
        new DeleteObjectsCommand({
          Bucket: bucket,
          Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
        }),
      );
      const failed = (out.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
      if (failed.length > 0) {
        const first = failed[0]!;
        throw new Error(
          `Could not delete ${failed.length} object(s) from ${bucket}, e.g. ${first.Key}: ${first.Code} ${first.Message}`,
        );
      }
    }
  }

  async function* list(prefix: string): AsyncIterable<StoredObject> {
    assertValidPrefix(prefix);
    let continuationToken: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: prefix,
          MaxKeys: listPageSize,
          ContinuationToken: continuationToken,
        }),
      );
      const keys = (page.Contents ?? []).flatMap((item) => (item.Key ? [item.Key] : []));
      for (let i = 0; i < keys.length; i += HEAD_CONCURRENCY) {
        const objects = await Promise.all(keys.slice(i, i + HEAD_CONCURRENCY).map(head));
        for (const object of objects) if (object) yield object; // null: deleted since listed
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken);
  }

  return {
    kind: 's3',
    bucket,
    async createUploadUrl({ key, contentType, size, expiresInSeconds }): Promise<UploadTarget> {
      assertValidKey(key);
      assertContentType(contentType);
      assertSize(size);
      assertExpiry(expiresInSeconds);
      const signedAt = now();
      const url = await getSignedUrl(
        presignClient,
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          ContentType: contentType,
          ContentLength: size,
        }),
        {
          expiresIn: expiresInSeconds,
          signingDate: signedAt,
          // The presigner leaves both out by default; signed, the bucket holds the browser to them.
          signableHeaders: new Set(['content-type', 'content-length']),
        },
      );
      return {
        url,
        method: 'PUT',
        headers: { 'Content-Type': contentType },
        expiresAt: new Date(Math.floor(signedAt.getTime() / 1000) * 1000 + expiresInSeconds * 1000),
      };
    },
    async createDownloadUrl({ key, expiresInSeconds, downloadName }): Promise<string> {
      assertValidKey(key);
      assertExpiry(expiresInSeconds);
      if (downloadName !== undefined) assertDownloadName(downloadName);
      return getSignedUrl(
        presignClient,
        new GetObjectCommand({
          Bucket: bucket,
          Key: key,
          ResponseContentDisposition:
            downloadName === undefined ? undefined : attachmentDisposition(downloadName),
        }),
        { expiresIn: expiresInSeconds, signingDate: now() },
      );
    },
    put,
    read,
    download,
    head,
    delete: deleteKeys,
    list,
    destroy() {
      client.destroy();
      if (presignClient !== client) presignClient.destroy();
    },
  };
}

function batchSize(value: number | undefined, name: string): number {
  if (value === undefined) return S3_BATCH_LIMIT;
  if (!Number.isSafeInteger(value) || value < 1 || value > S3_BATCH_LIMIT) {
    throw new RangeError(`${name} must be 1 to ${S3_BATCH_LIMIT}, not ${value}.`);
  }
  return value;
}

/** HeadObject answers a bare 404 (`NotFound`); GetObject a `NoSuchKey` error. */
function isNotFound(error: unknown): boolean {
  return (
    error instanceof S3ServiceException && (error.name === 'NotFound' || error.name === 'NoSuchKey')
  );
}
