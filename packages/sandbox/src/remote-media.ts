// Fetching a file the way a platform fetches a URL it was handed (Facebook's `url` and
// `file_url`, Instagram's `image_url` later): a real GET with a timeout, then the checks the
// platform makes before it takes the file. Platforms turn a refusal into their own error.

/** What a platform accepts for one kind of file. */
export interface MediaSpec {
  /** Accepted Content-Type values (without parameters), each with how its bytes must begin. */
  types: Readonly<Record<string, (head: Buffer) => boolean>>;
  maxBytes: number;
}

export type FetchedMedia =
  | { ok: true; contentType: string; bytes: Buffer }
  | {
      ok: false;
      /**
       * unreachable: no HTTP answer (refused, timed out, not an http(s) URL); status: an answer
       * other than 200; type: a Content-Type the platform does not take; too_large: over
       * maxBytes, declared or counted; signature: the bytes are not what the type says.
       */
      problem: 'unreachable' | 'status' | 'type' | 'too_large' | 'signature';
      detail: string;
    };

/** How long a platform waits for the whole file, unless the sandbox is told otherwise. */
export const MEDIA_FETCH_TIMEOUT_MS = 30_000;

export async function fetchRemoteMedia(
  url: string,
  spec: MediaSpec,
  closing: AbortSignal,
  timeoutMs = MEDIA_FETCH_TIMEOUT_MS,
): Promise<FetchedMedia> {
  if (!isWebUrl(url)) return { ok: false, problem: 'unreachable', detail: 'not an http(s) URL' };
  const signal = AbortSignal.any([closing, AbortSignal.timeout(timeoutMs)]);
  let response: Response;
  try {
    response = await fetch(url, { signal, headers: { accept: '*/*' } });
  } catch (error) {
    return { ok: false, problem: 'unreachable', detail: describe(error) };
  }
  const refuse = async (
    problem: Exclude<FetchedMedia, { ok: true }>['problem'],
    detail: string,
  ) => {
    // Stop the transfer: the rest of the body is not wanted.
    await response.body?.cancel().catch(() => undefined);
    return { ok: false as const, problem, detail };
  };
  if (response.status !== 200) return refuse('status', `HTTP ${response.status}`);
  const contentType = response.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  const startsRight = contentType ? spec.types[contentType] : undefined;
  if (!contentType || !startsRight) return refuse('type', `Content-Type ${contentType ?? 'none'}`);
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > spec.maxBytes) return refuse('too_large', `Content-Length ${declared}`);

  const chunks: Buffer[] = [];
  let size = 0;
  // Node types the body's chunks as any; fetch delivers Uint8Array.
  const reader: ReadableStreamDefaultReader<Uint8Array> | undefined = response.body?.getReader();
  try {
    // A body longer than it said (or with no length at all) is counted as it arrives.
    for (let read = await reader?.read(); read && !read.done; read = await reader?.read()) {
      size += read.value.byteLength;
      if (size > spec.maxBytes) {
        await reader?.cancel();
        return { ok: false, problem: 'too_large', detail: `more than ${spec.maxBytes} bytes` };
      }
      chunks.push(Buffer.from(read.value.buffer, read.value.byteOffset, read.value.byteLength));
    }
  } catch (error) {
    return { ok: false, problem: 'unreachable', detail: describe(error) };
  }
  const bytes = Buffer.concat(chunks);
  if (!startsRight(bytes)) return { ok: false, problem: 'signature', detail: `not ${contentType}` };
  return { ok: true, contentType, bytes };
}

const startsWith = (head: Buffer, bytes: readonly number[], offset = 0) =>
  head.length >= offset + bytes.length && bytes.every((b, i) => head[offset + i] === b);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/** The first bytes of each format the platforms take (file signatures). */
export const signatures = {
  jpeg: (head: Buffer) => startsWith(head, [0xff, 0xd8, 0xff]),
  png: (head: Buffer) => startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  gif: (head: Buffer) => startsWith(head, ascii('GIF87a')) || startsWith(head, ascii('GIF89a')),
  webp: (head: Buffer) => startsWith(head, ascii('RIFF')) && startsWith(head, ascii('WEBP'), 8),
  /** ISO base media (MP4): a box of type `ftyp` first. */
  mp4: (head: Buffer) => startsWith(head, ascii('ftyp'), 4),
  /** QuickTime files may begin with any of these atoms. */
  quicktime: (head: Buffer) =>
    ['ftyp', 'moov', 'mdat', 'wide', 'free', 'skip'].some((atom) =>
      startsWith(head, ascii(atom), 4),
    ),
  /** Matroska/WebM: the EBML magic number. */
  webm: (head: Buffer) => startsWith(head, [0x1a, 0x45, 0xdf, 0xa3]),
};

function isWebUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** The socket error under fetch's "fetch failed", or the abort's name. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  if (cause instanceof Error && 'code' in cause && typeof cause.code === 'string')
    return cause.code;
  return error.name === 'TimeoutError' ? 'timed out' : error.message;
}
