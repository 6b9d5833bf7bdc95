// The /media handler over real HTTP (node:http on a random port, fetch as the browser):
// signed downloads with Range, signed uploads held to their type and size, and refusals.
import { createServer, request as httpRequest, type Server } from 'node:http';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleLocalMediaRequest, parseRange, toNodeListener } from './http.ts';
import { createLocalStorage, type LocalMediaStorage } from './local.ts';
import { signMediaUrl, toSigningKey } from './signing.ts';

const START = new Date('2026-12-03T12:00:00Z');
let clock = START;
let folder: string;
let server: Server;
let origin: string;
let storage: LocalMediaStorage;
const BYTES = Buffer.from('0123456789abcdefghij'); // 20 bytes
const SIGNING_KEY = 'http-test-signing-key-with-32-bytes-or-more';

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'herald-http-'));
  server = createServer(
    toNodeListener((request) =>
      handleLocalMediaRequest(request, storage, { maxUploadBytes: 1000 }),
    ),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  storage = createLocalStorage({
    root: join(folder, 'media'),
    publicUrl: origin,
    signingKey: SIGNING_KEY,
    now: () => clock,
  });
  await storage.put('media/org1/a1/full.jpg', BYTES, { contentType: 'image/jpeg' });
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(folder, { recursive: true, force: true });
});

const download = (key = 'media/org1/a1/full.jpg', downloadName?: string) =>
  storage.createDownloadUrl({ key, expiresInSeconds: 600, downloadName });

/** Every file under the root: an upload refused midway must leave nothing behind. */
async function filesOnDisk(): Promise<string[]> {
  const entries = await readdir(storage.root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(storage.root.length));
}

describe('GET and HEAD', () => {
  it('serves the whole file with its type, length and caching bounded by the expiry', async () => {
    const response = await fetch(await download());
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(BYTES);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(response.headers.get('content-length')).toBe('20');
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(response.headers.get('cache-control')).toBe('private, max-age=600');
    expect(response.headers.get('etag')).toMatch(/^".+"$/);
    expect(response.headers.get('last-modified')).not.toBeNull();
    expect(response.headers.get('content-disposition')).toBeNull();
  });

  it('answers single ranges with 206 and Content-Range', async () => {
    const url = await download();
    const cases = [
      ['bytes=2-5', '2345', 'bytes 2-5/20'],
      ['bytes=15-', 'fghij', 'bytes 15-19/20'],
      ['bytes=-3', 'hij', 'bytes 17-19/20'],
      ['bytes=18-100', 'ij', 'bytes 18-19/20'],
    ] as const;
    for (const [range, body, contentRange] of cases) {
      const response = await fetch(url, { headers: { Range: range } });
      expect(response.status, range).toBe(206);
      expect(await response.text(), range).toBe(body);
      expect(response.headers.get('content-range'), range).toBe(contentRange);
      expect(response.headers.get('content-length'), range).toBe(String(body.length));
    }
  });

  it('refuses an unsatisfiable range with 416, and answers multi-range with the whole file', async () => {
    const url = await download();
    for (const range of ['bytes=20-', 'bytes=25-30', 'bytes=-0']) {
      const response = await fetch(url, { headers: { Range: range } });
      expect(response.status, range).toBe(416);
      expect(response.headers.get('content-range'), range).toBe('bytes */20');
      await response.body?.cancel();
    }
    const multi = await fetch(url, { headers: { Range: 'bytes=0-1,4-5' } });
    expect(multi.status).toBe(200);
    expect(Buffer.from(await multi.arrayBuffer())).toEqual(BYTES);
  });

  it('answers HEAD with the headers and no body', async () => {
    const response = await fetch(await download(), { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe('20');
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(await response.text()).toBe('');
    const ranged = await fetch(await download(), {
      method: 'HEAD',
      headers: { Range: 'bytes=0-9' },
    });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-length')).toBe('10');
  });

  it('sends a signed download name as an attachment', async () => {
    const response = await fetch(await download('media/org1/a1/full.jpg', 'Café "menu".jpg'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="Caf_ _menu_.jpg"; filename*=UTF-8''Caf%C3%A9%20%22menu%22.jpg`,
    );
    await response.body?.cancel();
  });

  it('refuses an expired link, and says so', async () => {
    const url = await download();
    clock = new Date(START.getTime() + 600_000);
    try {
      const response = await fetch(url);
      expect(response.status).toBe(403);
      expect(await response.text()).toBe('This link has expired.\n');
    } finally {
      clock = START;
    }
  });

  it('refuses a link with any part changed', async () => {
    await storage.put('media/org1/a1/square.jpg', Buffer.from('another'), {
      contentType: 'image/jpeg',
    });
    const url = new URL(await download());
    const signature = url.searchParams.get('signature')!;
    const tampered = [
      url.href.replace('/full.jpg', '/square.jpg'),
      withParam(url, 'expires', String(Number(url.searchParams.get('expires')) + 3600)),
      withParam(url, 'signature', (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1)),
      withParam(url, 'signature', signature + 'A'),
      withParam(url, 'download', 'evil.html'),
      `${origin}/media/media/org1/a1/full.jpg`,
    ];
    for (const href of tampered) {
      const response = await fetch(href);
      expect(response.status, href).toBe(403);
      expect(await response.text(), href).toBe('This link is not valid.\n');
    }
  });

  it('answers 404 for a validly signed link to nothing, and 405 for other methods', async () => {
    const missing = await fetch(await download('media/org1/a1/none.jpg'));
    expect(missing.status).toBe(404);
    await missing.body?.cancel();
    const deleted = await fetch(await download(), { method: 'DELETE' });
    expect(deleted.status).toBe(405);
    expect(deleted.headers.get('allow')).toBe('GET, HEAD, PUT');
    await deleted.body?.cancel();
  });

  it('never serves a path outside the root, even under a valid signature', async () => {
    await writeFile(join(folder, 'secret.txt'), 'outside the media root');
    const secret = toSigningKey(SIGNING_KEY);
    const expires = Math.floor(START.getTime() / 1000) + 600;
    // Raw paths (node:http, not fetch), each signed exactly as the handler will read its key.
    for (const key of [
      '../secret.txt',
      '..%2Fsecret.txt',
      'media/..%2F..%2Fsecret.txt',
      '%2e%2e/secret.txt',
    ]) {
      const signed = new URL(
        signMediaUrl(secret, new URL(origin), { method: 'GET', key, expires }),
      );
      const path = `/media/${key}${signed.search}`;
      const { status, body } = await rawGet(path);
      expect(status, path).toBe(403);
      expect(body, path).toBe('This link is not valid.\n');
    }
  });
});

describe('PUT uploads', () => {
  const upload = (key: string, size: number, contentType = 'image/png') =>
    storage.createUploadUrl({ key, contentType, size, expiresInSeconds: 900 });

  it('stores an upload of the signed type and size', async () => {
    const body = Buffer.from('a png, eleven');
    const target = await upload('uploads/org1/u1', body.length);
    const response = await fetch(target.url, {
      method: target.method,
      headers: target.headers,
      body,
    });
    expect(response.status).toBe(200);
    expect(await storage.read('uploads/org1/u1')).toEqual(body);
    expect(await storage.head('uploads/org1/u1')).toMatchObject({
      size: body.length,
      contentType: 'image/png',
    });
    // The upload URL grants PUT only.
    const get = await fetch(target.url);
    expect(get.status).toBe(403);
    await get.body?.cancel();
  });

  it('refuses another content type, or none', async () => {
    const target = await upload('uploads/org1/u2', 4);
    const wrong = await fetch(target.url, {
      method: 'PUT',
      headers: { 'Content-Type': 'text/html' },
      body: 'abcd',
    });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toBe('This upload must be sent with Content-Type: image/png.\n');
    const none = await fetch(target.url, { method: 'PUT', body: new Uint8Array(4) });
    expect(none.status).toBe(400);
    await none.body?.cancel();
    expect(await storage.head('uploads/org1/u2')).toBeNull();
  });

  it('refuses more bytes than signed with 413 and fewer with 400, leaving nothing behind', async () => {
    const before = await filesOnDisk();
    const target = await upload('uploads/org1/u3', 10);
    const tooMany = await fetch(target.url, {
      method: 'PUT',
      headers: target.headers,
      body: Buffer.alloc(11),
    });
    expect(tooMany.status).toBe(413);
    await tooMany.body?.cancel();
    const tooFew = await fetch(target.url, {
      method: 'PUT',
      headers: target.headers,
      body: Buffer.alloc(9),
    });
    expect(tooFew.status).toBe(400);
    await tooFew.body?.cancel();
    expect(await storage.head('uploads/org1/u3')).toBeNull();
    expect(await filesOnDisk()).toEqual(before);
  });

  it('counts a body sent without Content-Length and stops at the first byte too many', async () => {
    const before = await filesOnDisk();
    const target = await upload('uploads/org1/u4', 10);
    let chunksPulled = 0;
    // Six bytes a chunk, forever: only the counting can stop this upload.
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        chunksPulled += 1;
        controller.enqueue(new Uint8Array(6));
      },
    });
    const response = await handleLocalMediaRequest(
      new Request(target.url, {
        method: 'PUT',
        headers: target.headers,
        body: endless,
        duplex: 'half',
      }),
      storage,
    );
    expect(response.status).toBe(413);
    expect(chunksPulled).toBeLessThan(10);
    expect(await storage.head('uploads/org1/u4')).toBeNull();
    expect(await filesOnDisk()).toEqual(before);

    // Chunked and exactly the signed size is fine.
    const exact = await fetch(target.url, {
      method: 'PUT',
      headers: target.headers,
      body: new Blob([new Uint8Array(4), new Uint8Array(6)]).stream(),
      duplex: 'half',
    });
    expect(exact.status).toBe(200);
    expect(await storage.head('uploads/org1/u4')).toMatchObject({ size: 10 });
  });

  it('refuses a signed size above the handler limit, a tampered size, and an expired upload', async () => {
    const huge = await upload('uploads/org1/u5', 5000);
    const tooBig = await fetch(huge.url, {
      method: 'PUT',
      headers: huge.headers,
      body: Buffer.alloc(10),
    });
    expect(tooBig.status).toBe(413);
    await tooBig.body?.cancel();

    const small = await upload('uploads/org1/u5', 10);
    const tampered = await fetch(withParam(new URL(small.url), 'size', '11'), {
      method: 'PUT',
      headers: small.headers,
      body: Buffer.alloc(11),
    });
    expect(tampered.status).toBe(403);
    await tampered.body?.cancel();

    clock = new Date(START.getTime() + 900_000);
    try {
      const expired = await fetch(small.url, {
        method: 'PUT',
        headers: small.headers,
        body: Buffer.alloc(10),
      });
      expect(expired.status).toBe(403);
      expect(await expired.text()).toBe('This link has expired.\n');
    } finally {
      clock = START;
    }
    expect(await storage.head('uploads/org1/u5')).toBeNull();
  });

  it('refuses a PUT to a download URL', async () => {
    const url = await download('uploads/org1/u6');
    const response = await fetch(url, {
      method: 'PUT',
      headers: { 'Content-Type': 'image/png' },
      body: 'x',
    });
    expect(response.status).toBe(403);
    await response.body?.cancel();
    expect(await storage.head('uploads/org1/u6')).toBeNull();
  });
});

describe('parseRange', () => {
  it('ignores what it cannot read, as RFC 9110 allows', () => {
    expect(parseRange(null, 10)).toBeNull();
    expect(parseRange('bytes=5-2', 10)).toBeNull();
    expect(parseRange('items=0-1', 10)).toBeNull();
    expect(parseRange('bytes=-', 10)).toBeNull();
    expect(parseRange('bytes=0-0', 10)).toEqual({ start: 0, end: 0 });
    expect(parseRange('bytes=-20', 10)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=0-', 0)).toBe('unsatisfiable');
  });
});

function rawGet(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    httpRequest(`${origin}${path}`, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

function withParam(url: URL, name: string, value: string): string {
  const copy = new URL(url);
  copy.searchParams.set(name, value);
  return copy.href;
}
