// The web app's /media/* route for local storage, in web-standard Request/Response so any
// server can mount it (React Router's resource route in the app, node:http in tests via
// toNodeListener). GET/HEAD serve a signed download URL with Range; PUT receives a signed
// upload of exactly the signed type and size, streamed to a temp file and renamed into place.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { pipeline } from 'node:stream/promises';
import { MAX_UPLOAD_BYTES } from '../domain/media-files.ts';
import { StorageSizeError } from './errors.ts';
import type { LocalMediaStorage } from './local.ts';
import type { MediaUrlCheck } from './signing.ts';
import { attachmentDisposition } from './validate.ts';

export interface LocalMediaRequestOptions {
  /** Uploads signed for more than this are refused (413). Default: the largest accepted upload. */
  maxUploadBytes?: number;
}

const DEFAULT_MAX_UPLOAD_BYTES = Math.max(...Object.values(MAX_UPLOAD_BYTES));

/** Answers one /media/* request against the local store. */
export async function handleLocalMediaRequest(
  request: Request,
  storage: LocalMediaStorage,
  o: LocalMediaRequestOptions = {},
): Promise<Response> {
  const method = request.method.toUpperCase();
  if (method === 'GET' || method === 'HEAD') return serve(request, storage, method === 'HEAD');
  if (method === 'PUT')
    return receive(request, storage, o.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES);
  return text(405, 'This method is not allowed here.', { Allow: 'GET, HEAD, PUT' });
}

async function serve(
  request: Request,
  storage: LocalMediaStorage,
  headOnly: boolean,
): Promise<Response> {
  const check = storage.verifyUrl(request.url, 'GET');
  if (!check.ok) return refused(check);
  const { grant } = check;
  const opened = await storage.openObject(grant.key);
  if (!opened) return text(404, 'There is no file here.');
  const { size } = opened.object;
  const secondsLeft = Math.max(
    0,
    Math.floor((grant.expires * 1000 - storage.now().getTime()) / 1000),
  );
  const headers = new Headers({
    'Content-Type': opened.object.contentType,
    'Accept-Ranges': 'bytes',
    ETag: opened.etag,
    'Last-Modified': opened.object.lastModified.toUTCString(),
    // The URL is someone's grant: caches may keep it only for the viewer, and only while valid.
    'Cache-Control': `private, max-age=${secondsLeft}`,
    'X-Content-Type-Options': 'nosniff',
    // Were a stored file ever HTML, opening it must not run scripts on the app's origin.
    'Content-Security-Policy': "default-src 'none'; sandbox",
  });
  if (grant.downloadName !== undefined) {
    headers.set('Content-Disposition', attachmentDisposition(grant.downloadName));
  }

  const range = parseRange(request.headers.get('range'), size);
  if (range === 'unsatisfiable') {
    await opened.close();
    headers.set('Content-Range', `bytes */${size}`);
    headers.set('Content-Type', 'text/plain; charset=utf-8');
    return new Response(headOnly ? null : 'The requested range is outside the file.\n', {
      status: 416,
      headers,
    });
  }
  if (range) {
    headers.set('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
    headers.set('Content-Length', String(range.end - range.start + 1));
  } else {
    headers.set('Content-Length', String(size));
  }
  const status = range ? 206 : 200;
  if (headOnly) {
    await opened.close();
    return new Response(null, { status, headers });
  }
  const body = Readable.toWeb(opened.stream(range ?? undefined)) as ReadableStream<Uint8Array>;
  return new Response(body, { status, headers });
}

async function receive(
  request: Request,
  storage: LocalMediaStorage,
  maxBytes: number,
): Promise<Response> {
  const check = storage.verifyUrl(request.url, 'PUT');
  if (!check.ok) return refused(check);
  const { key, contentType, size } = check.grant;
  if (contentType === undefined || size === undefined)
    return refused({ ok: false, reason: 'invalid' });
  if (size > maxBytes) return tooLarge(`This upload is larger than the ${maxBytes} bytes allowed.`);
  const sentType = request.headers.get('content-type');
  if (sentType?.trim().toLowerCase() !== contentType.toLowerCase()) {
    return text(400, `This upload must be sent with Content-Type: ${contentType}.`);
  }
  // A stated length must be the signed one. Without one (chunked), the count below decides.
  const declared = request.headers.get('content-length');
  if (declared !== null) {
    if (!/^\d+$/.test(declared)) return text(400, 'The Content-Length header is not a number.');
    if (Number(declared) > size) return tooLarge(`This upload must be exactly ${size} bytes.`);
    if (Number(declared) < size) return text(400, `This upload must be exactly ${size} bytes.`);
  }
  const body = request.body
    ? Readable.fromWeb(request.body as NodeReadableStream<Uint8Array>)
    : Readable.from([]);
  try {
    await storage.put(key, body, { contentType, size });
  } catch (error) {
    if (!(error instanceof StorageSizeError)) throw error;
    return error.problem === 'too-large'
      ? tooLarge(`This upload must be exactly ${size} bytes.`)
      : text(400, `This upload must be exactly ${size} bytes.`);
  }
  const opened = await storage.openObject(key);
  const etag = opened?.etag;
  await opened?.close();
  return new Response(null, { status: 200, headers: etag ? { ETag: etag } : {} });
}

/**
 * One `bytes=` range against a file of `size` bytes: `a-b`, `a-` or `-n`, with `b` cut to the
 * last byte. Anything else is ignored (null: the whole file), as RFC 9110 allows, and that
 * includes multi-range requests: answering them with the whole file (200) saves us writing
 * multipart/byteranges, which no browser or platform fetcher needs.
 */
export function parseRange(
  header: string | null,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | null {
  if (header === null) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return null;
  const [, from = '', to = ''] = match;
  if (from === '' && to === '') return null;
  if (from === '') {
    const suffix = Number(to);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(from);
  if (to !== '' && Number(to) < start) return null; // syntactically invalid: ignored
  if (start >= size) return 'unsatisfiable';
  return { start, end: to === '' ? size - 1 : Math.min(Number(to), size - 1) };
}

function refused(check: Extract<MediaUrlCheck, { ok: false }>): Response {
  return text(
    403,
    check.reason === 'expired' ? 'This link has expired.' : 'This link is not valid.',
  );
}

function tooLarge(message: string): Response {
  // The client may still be sending; closing the connection stops us reading the rest.
  return text(413, message, { Connection: 'close' });
}

function text(status: number, message: string, headers: Record<string, string> = {}): Response {
  return new Response(`${message}\n`, {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', ...headers },
  });
}

/**
 * Adapts a web-standard handler to node:http (tests, and any plain Node server): the request
 * body streams in, the response body streams out, and a failed handler answers 500.
 */
export function toNodeListener(
  handle: (request: Request) => Promise<Response>,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void respond(handle, req, res);
  };
}

async function respond(
  handle: (request: Request) => Promise<Response>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  try {
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
    }
    const method = req.method ?? 'GET';
    const hasBody = method !== 'GET' && method !== 'HEAD';
    // `duplex` is Node's (undici's) streaming-body option; the DOM's RequestInit lacks it.
    const init: RequestInit & { duplex: 'half' } = {
      method,
      headers,
      body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : null,
      duplex: 'half',
    };
    const request = new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, init);
    const response = await handle(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (response.body && method !== 'HEAD') {
      await pipeline(Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>), res);
    } else {
      res.end();
    }
  } catch (error) {
    if (res.headersSent) {
      res.destroy(error instanceof Error ? error : undefined);
    } else {
      res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Internal error.\n');
    }
  }
}
