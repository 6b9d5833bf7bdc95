// Reading a post's media from its signed URL, for adapters that upload the bytes themselves
// (X's chunked upload, YouTube's resumable upload, TikTok's file upload). Storage's failures are
// PublishErrors: a 5xx or a dropped connection is retried, a 4xx (an expired or wrong URL) is
// permanent.
import { PermanentPublishError, PublishError, RetryablePublishError } from './errors.ts';
import type { PublishMedia } from './types.ts';

/** The file from `offset` on (a Range request), answered 200 or 206. */
export async function fetchMediaFile(
  fetchImpl: typeof fetch,
  file: PublishMedia,
  offset: number,
  signal?: AbortSignal,
): Promise<Response> {
  let response: Response;
  try {
    response = await fetchImpl(file.url, {
      ...(offset > 0 ? { headers: { range: `bytes=${offset}-` } } : {}),
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    throw new RetryablePublishError(`Herald could not fetch ${file.name} from storage.`, {
      cause: error,
    });
  }
  if (response.status !== 200 && response.status !== 206) {
    await response.body?.cancel().catch(() => undefined);
    const message = `Storage answered HTTP ${response.status} for ${file.name}.`;
    throw response.status >= 500
      ? new RetryablePublishError(message)
      : new PermanentPublishError(message, { platformCode: `storage_${response.status}` });
  }
  return response;
}

/** The whole file (images and thumbnails, which are small). */
export async function readMediaWhole(
  fetchImpl: typeof fetch,
  file: PublishMedia,
  signal?: AbortSignal,
): Promise<Uint8Array<ArrayBuffer>> {
  const response = await fetchMediaFile(fetchImpl, file, 0, signal);
  try {
    return new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    throw new RetryablePublishError(`Herald could not read ${file.name} from storage.`, {
      cause: error,
    });
  }
}

/**
 * The file from `offset` in chunks of `size` bytes (the last may be shorter), from one Range
 * request. A store that ignores Range sends the whole file: the bytes before `offset` are
 * skipped by hand. Stopping early (the platform kept less than was sent) cancels the transfer.
 */
export async function* readMediaChunks(
  fetchImpl: typeof fetch,
  file: PublishMedia,
  offset: number,
  size: number,
  signal?: AbortSignal,
): AsyncGenerator<Buffer> {
  const response = await fetchMediaFile(fetchImpl, file, offset, signal);
  let skip = response.status === 206 ? 0 : offset;
  const reader: ReadableStreamDefaultReader<Uint8Array> | undefined = response.body?.getReader();
  if (!reader) return;
  let pieces: Buffer[] = [];
  let buffered = 0;
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      let piece = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      if (skip > 0) {
        const n = Math.min(skip, piece.length);
        piece = piece.subarray(n);
        skip -= n;
      }
      if (piece.length === 0) continue;
      pieces.push(piece);
      buffered += piece.length;
      while (buffered >= size) {
        const all = Buffer.concat(pieces);
        yield all.subarray(0, size);
        pieces = [all.subarray(size)];
        buffered -= size;
      }
    }
    finished = true;
  } catch (error) {
    if (error instanceof PublishError) throw error;
    throw new RetryablePublishError(`Herald could not read ${file.name} from storage.`, {
      cause: error,
    });
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
  if (buffered > 0) yield Buffer.concat(pieces);
}
