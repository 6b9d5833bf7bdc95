// The S3 store against s3rver (a local S3 emulator on a random port): the same behaviours as
// the local store, presigned URLs used with fetch, and what s3rver cannot check (it does not
// verify SigV4 signatures) checked here by recomputing the signature as S3 would.
// s3rver runs in a child process with --openssl-legacy-provider: its ListObjectsV2
// continuation tokens use DES, which Node's OpenSSL 3 refuses without it (list paging fails).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createHash, createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StorageKeyError, StorageNotFoundError } from './errors.ts';
import { createS3Storage, type S3MediaStorage, type S3StorageOptions } from './s3.ts';
import type { StoredObject } from './types.ts';

const BUCKET = 'herald-test';
const SECRET = 'S3RVER'; // s3rver's built-in account
let folder: string;
let s3rver: ChildProcess;
let endpoint: string;
let storage: S3MediaStorage;
const stores: S3MediaStorage[] = [];

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'herald-s3-'));
  const port = await startS3rver(folder);
  endpoint = `http://127.0.0.1:${port}`;
  storage = store();
});
afterAll(async () => {
  for (const s of stores) s.destroy();
  const exited = once(s3rver, 'exit');
  s3rver.kill();
  await exited;
  await rm(folder, { recursive: true, force: true });
});

/** Starts s3rver (its documented `new S3rver(options).run()`) in a child; resolves its port. */
async function startS3rver(directory: string): Promise<number> {
  const script = `
    const S3rver = require(process.argv[1]);
    new S3rver({ port: 0, address: '127.0.0.1', directory: process.argv[2], silent: true,
      configureBuckets: [{ name: process.argv[3], configs: [] }] })
      .run().then((address) => console.log(JSON.stringify({ port: address.port })));`;
  const s3rverPath = createRequire(import.meta.url).resolve('s3rver');
  s3rver = spawn(
    process.execPath,
    ['--openssl-legacy-provider', '-e', script, s3rverPath, directory, BUCKET],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: s3rver.stdout! });
  const [line] = (await Promise.race([
    once(lines, 'line'),
    once(s3rver, 'exit').then(([code]) => {
      throw new Error(`s3rver exited with ${String(code)} before listening`);
    }),
  ])) as [string];
  lines.close();
  return (JSON.parse(line) as { port: number }).port;
}

function store(options: Partial<S3StorageOptions> = {}): S3MediaStorage {
  const created = createS3Storage({
    endpoint,
    region: 'us-east-1',
    bucket: BUCKET,
    accessKeyId: 'S3RVER',
    secretAccessKey: SECRET,
    forcePathStyle: true,
    ...options,
  });
  stores.push(created);
  return created;
}

async function all(iterable: AsyncIterable<StoredObject>): Promise<StoredObject[]> {
  const out: StoredObject[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('S3 storage', () => {
  it('round-trips put, read (whole and ranged), head and download', async () => {
    const body = Buffer.from('0123456789abcdefghij');
    await storage.put('media/org1/a1/full.jpg', body, { contentType: 'image/jpeg' });
    expect(await storage.read('media/org1/a1/full.jpg')).toEqual(body);
    expect((await storage.read('media/org1/a1/full.jpg', { start: 2, end: 5 })).toString()).toBe(
      '2345',
    );
    expect((await storage.read('media/org1/a1/full.jpg', { start: 18, end: 99 })).toString()).toBe(
      'ij',
    );
    expect(await storage.head('media/org1/a1/full.jpg')).toMatchObject({
      key: 'media/org1/a1/full.jpg',
      size: 20,
      contentType: 'image/jpeg',
    });
    expect(await storage.head('media/org1/a1/none.jpg')).toBeNull();
    await expect(storage.read('media/org1/a1/none.jpg')).rejects.toBeInstanceOf(
      StorageNotFoundError,
    );

    const file = join(folder, 'downloaded.jpg');
    await storage.download('media/org1/a1/full.jpg', file);
    expect(await readFile(file)).toEqual(body);
    await expect(storage.download('media/org1/a1/none.jpg', file)).rejects.toBeInstanceOf(
      StorageNotFoundError,
    );
  });

  it('stores streams, of known size or not, and holds them to a declared size', async () => {
    await storage.put(
      'packages/org1/t1.zip',
      Readable.from([Buffer.from('PK'), Buffer.from(' zip')]),
      {
        contentType: 'application/zip',
      },
    );
    expect(await storage.head('packages/org1/t1.zip')).toMatchObject({
      size: 6,
      contentType: 'application/zip',
    });
    await storage.put('uploads/org1/s1', Readable.from([Buffer.from('abc')]), {
      contentType: 'video/mp4',
      size: 3,
    });
    expect((await storage.read('uploads/org1/s1')).toString()).toBe('abc');
    await expect(
      storage.put('uploads/org1/s2', Readable.from([Buffer.from('abcd')]), {
        contentType: 'video/mp4',
        size: 3,
      }),
    ).rejects.toMatchObject({ name: 'StorageSizeError', problem: 'too-large' });
    expect(await storage.head('uploads/org1/s2')).toBeNull();
  });

  it('lists across pages and deletes in batches', async () => {
    const paged = store({ listPageSize: 2, deleteBatchSize: 2 });
    const keys = ['list/org1/a', 'list/org1/b', 'list/org1/c/x.jpg', 'list/org1/d', 'list/org1/e'];
    for (const key of keys) await paged.put(key, Buffer.from(key), { contentType: 'text/plain' });
    await paged.put('list/org10/a', Buffer.from('other org'), { contentType: 'text/plain' });

    const listed = await all(paged.list('list/org1/'));
    expect(listed.map((o) => o.key)).toEqual(keys); // five objects over three pages
    expect(listed[2]).toMatchObject({
      size: 'list/org1/c/x.jpg'.length,
      contentType: 'text/plain',
    });

    await paged.delete([...keys, 'list/org1/missing']); // three batches; a missing key is fine
    expect(await all(paged.list('list/org1/'))).toEqual([]);
    expect((await all(paged.list('list/'))).map((o) => o.key)).toEqual(['list/org10/a']);
    await paged.delete([]);
  });

  it('refuses bad keys before calling S3', async () => {
    for (const key of ['../x', '/x', 'a//b', 'a/../b', 'a b']) {
      await expect(storage.head(key)).rejects.toBeInstanceOf(StorageKeyError);
      await expect(
        storage.createUploadUrl({ key, contentType: 'image/png', size: 1, expiresInSeconds: 60 }),
      ).rejects.toBeInstanceOf(StorageKeyError);
    }
  });

  it('takes a presigned PUT from fetch, signed for the declared type and size', async () => {
    const body = Buffer.from('a png from the browser');
    const target = await storage.createUploadUrl({
      key: 'uploads/org1/u1',
      contentType: 'image/png',
      size: body.length,
      expiresInSeconds: 900,
    });
    expect(target).toMatchObject({ method: 'PUT', headers: { 'Content-Type': 'image/png' } });
    const response = await fetch(target.url, {
      method: target.method,
      headers: target.headers,
      body,
    });
    expect(response.status).toBe(200);
    expect(await storage.head('uploads/org1/u1')).toMatchObject({
      size: body.length,
      contentType: 'image/png',
    });

    // s3rver accepts any SigV4 signature, so check here what S3 checks: the signature covers
    // the type and length, and another of either no longer matches it.
    const url = new URL(target.url);
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host');
    const host = url.host;
    const sent = { 'content-length': String(body.length), 'content-type': 'image/png', host };
    expect(sigV4Matches(url, 'PUT', sent)).toBe(true);
    expect(sigV4Matches(url, 'PUT', { ...sent, 'content-length': String(body.length + 1) })).toBe(
      false,
    );
    expect(sigV4Matches(url, 'PUT', { ...sent, 'content-type': 'text/html' })).toBe(false);
    expect(sigV4Matches(url, 'GET', sent)).toBe(false);
  });

  it('makes presigned GET URLs that honour Range and name downloads', async () => {
    await storage.put('media/org1/a2/full.jpg', Buffer.from('0123456789'), {
      contentType: 'image/jpeg',
    });
    const url = await storage.createDownloadUrl({
      key: 'media/org1/a2/full.jpg',
      expiresInSeconds: 600,
    });
    const whole = await fetch(url);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('image/jpeg');
    expect(await whole.text()).toBe('0123456789');

    const ranged = await fetch(url, { headers: { Range: 'bytes=3-5' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe('bytes 3-5/10');
    expect(await ranged.text()).toBe('345');

    const named = await fetch(
      await storage.createDownloadUrl({
        key: 'media/org1/a2/full.jpg',
        expiresInSeconds: 600,
        downloadName: 'Post 1.jpg',
      }),
    );
    expect(named.headers.get('content-disposition')).toBe(
      `attachment; filename="Post 1.jpg"; filename*=UTF-8''Post%201.jpg`,
    );
    await named.body?.cancel();
  });

  it('makes URLs that expire (s3rver does check expiry)', async () => {
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    const past = store({ now: () => twoHoursAgo });
    await storage.put('media/org1/a3/full.jpg', Buffer.from('x'), { contentType: 'image/jpeg' });
    const expired = await fetch(
      await past.createDownloadUrl({ key: 'media/org1/a3/full.jpg', expiresInSeconds: 60 }),
    );
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('Request has expired');

    const target = await past.createUploadUrl({
      key: 'uploads/org1/late',
      contentType: 'image/png',
      size: 1,
      expiresInSeconds: 60,
    });
    expect(target.expiresAt.getTime()).toBe(
      Math.floor(twoHoursAgo.getTime() / 1000) * 1000 + 60_000,
    );
    const late = await fetch(target.url, { method: 'PUT', headers: target.headers, body: 'x' });
    expect(late.status).toBe(403);
    await late.body?.cancel();
    expect(await storage.head('uploads/org1/late')).toBeNull();
  });

  it('signs browser URLs for the public endpoint when one is set', async () => {
    const split = store({ publicEndpoint: 'https://media.herald.example' });
    const target = await split.createUploadUrl({
      key: 'uploads/org1/p1',
      contentType: 'image/png',
      size: 3,
      expiresInSeconds: 60,
    });
    const url = new URL(target.url);
    expect(url.origin).toBe('https://media.herald.example');
    expect(url.pathname).toBe(`/${BUCKET}/uploads/org1/p1`);
    // Signed for that host, so it is valid there and only there.
    const sent = { 'content-length': '3', 'content-type': 'image/png' };
    expect(sigV4Matches(url, 'PUT', { ...sent, host: 'media.herald.example' })).toBe(true);
    expect(sigV4Matches(url, 'PUT', { ...sent, host: new URL(endpoint).host })).toBe(false);
    // The server itself still talks to the private endpoint.
    await split.put('uploads/org1/p1', Buffer.from('abc'), { contentType: 'image/png' });
    expect(await storage.head('uploads/org1/p1')).toMatchObject({ size: 3 });
  });
});

/**
 * Whether a presigned SigV4 URL's signature matches a request with these headers, computed as
 * S3 does (query-string auth, UNSIGNED-PAYLOAD). Independent of the SDK's signer.
 */
function sigV4Matches(url: URL, method: string, headers: Record<string, string>): boolean {
  const q = url.searchParams;
  const signedHeaders = q.get('X-Amz-SignedHeaders')!.split(';');
  const [, date, region, service] = q.get('X-Amz-Credential')!.split('/') as [
    string,
    string,
    string,
    string,
  ];
  const canonicalQuery = url.search
    .slice(1)
    .split('&')
    .filter((pair) => !pair.startsWith('X-Amz-Signature='))
    .sort()
    .join('&');
  const canonicalRequest = [
    method,
    url.pathname,
    canonicalQuery,
    signedHeaders.map((name) => `${name}:${(headers[name] ?? '').trim()}\n`).join(''),
    signedHeaders.join(';'),
    'UNSIGNED-PAYLOAD',
  ].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    q.get('X-Amz-Date'),
    scope,
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  const hmac = (key: Buffer | string, data: string) =>
    createHmac('sha256', key).update(data).digest();
  let key = hmac(`AWS4${SECRET}`, date);
  for (const part of [region, service, 'aws4_request']) key = hmac(key, part);
  return createHmac('sha256', key).update(stringToSign).digest('hex') === q.get('X-Amz-Signature');
}
