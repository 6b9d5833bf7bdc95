// The local store on a real temp folder: round trips, atomic writes, key checks, and the
// signed URLs it makes (checked here without HTTP; http.test.ts serves them).
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StorageKeyError, StorageNotFoundError, StorageSizeError } from './errors.ts';
import { createLocalStorage, type LocalMediaStorage } from './local.ts';
import type { StoredObject } from './types.ts';

const SIGNING_KEY = 'test-signing-key-of-at-least-32-bytes!!';
let folder: string;
let storage: LocalMediaStorage;
let clock = new Date('2026-12-03T12:00:00Z');

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'herald-local-'));
  storage = createLocalStorage({
    root: join(folder, 'media'),
    publicUrl: 'https://herald.example/',
    signingKey: SIGNING_KEY,
    now: () => clock,
  });
});
afterAll(() => rm(folder, { recursive: true, force: true }));

async function all(iterable: AsyncIterable<StoredObject>): Promise<StoredObject[]> {
  const out: StoredObject[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** Every file on disk under the root, sidecars and temp files included. */
async function filesOnDisk(): Promise<string[]> {
  const entries = await readdir(storage.root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('local storage', () => {
  it('round-trips put, read, head, list and delete', async () => {
    const body = Buffer.from('a picture, honestly');
    await storage.put('media/org1/asset1/square.jpg', body, { contentType: 'image/jpeg' });
    await storage.put('media/org1/asset1/full.jpg', Buffer.from('full'), {
      contentType: 'image/jpeg',
    });
    await storage.put('media/org1/asset2/square.jpg', Buffer.from('other'), {
      contentType: 'image/png',
    });
    await storage.put('media/org10/asset1/square.jpg', Buffer.from('not org1'), {
      contentType: 'image/jpeg',
    });

    expect(await storage.read('media/org1/asset1/square.jpg')).toEqual(body);
    expect(await storage.read('media/org1/asset1/square.jpg', { start: 2, end: 8 })).toEqual(
      body.subarray(2, 9),
    );
    // An end past the object is cut to its last byte; a start past it is refused.
    expect(await storage.read('media/org1/asset1/square.jpg', { start: 15, end: 999 })).toEqual(
      body.subarray(15),
    );
    await expect(
      storage.read('media/org1/asset1/square.jpg', { start: body.length, end: body.length + 5 }),
    ).rejects.toBeInstanceOf(RangeError);

    const head = await storage.head('media/org1/asset1/square.jpg');
    expect(head).toMatchObject({
      key: 'media/org1/asset1/square.jpg',
      size: body.length,
      contentType: 'image/jpeg',
    });
    expect(head?.lastModified).toBeInstanceOf(Date);
    expect(await storage.head('media/org1/asset1/none.jpg')).toBeNull();

    // A prefix is a string prefix, as on S3: "media/org1/" does not reach into org10.
    const listed = await all(storage.list('media/org1/'));
    expect(listed.map((o) => o.key)).toEqual([
      'media/org1/asset1/full.jpg',
      'media/org1/asset1/square.jpg',
      'media/org1/asset2/square.jpg',
    ]);
    expect(listed[2]).toMatchObject({ size: 5, contentType: 'image/png' });
    expect((await all(storage.list('media/org1'))).length).toBe(4);
    expect((await all(storage.list('media/org1/asset1/sq'))).map((o) => o.key)).toEqual([
      'media/org1/asset1/square.jpg',
    ]);
    expect(await all(storage.list('nothing/here/'))).toEqual([]);

    // Deleting a missing key is not an error.
    await storage.delete(['media/org1/asset1/square.jpg', 'media/org1/asset1/gone.jpg']);
    expect(await storage.head('media/org1/asset1/square.jpg')).toBeNull();
    await expect(storage.read('media/org1/asset1/square.jpg')).rejects.toBeInstanceOf(
      StorageNotFoundError,
    );
    expect((await all(storage.list('media/org1/'))).map((o) => o.key)).toEqual([
      'media/org1/asset1/full.jpg',
      'media/org1/asset2/square.jpg',
    ]);
    // No sidecar outlives its object.
    expect((await filesOnDisk()).filter((f) => f.includes('org1/asset1/square'))).toEqual([]);
  });

  it('stores a stream, holding it to a declared size', async () => {
    await storage.put(
      'uploads/org1/stream',
      Readable.from([Buffer.from('abc'), Buffer.from('def')]),
      {
        contentType: 'video/mp4',
        size: 6,
      },
    );
    expect((await storage.read('uploads/org1/stream')).toString()).toBe('abcdef');

    await expect(
      storage.put('uploads/org1/long', Readable.from([Buffer.from('abcdefg')]), {
        contentType: 'video/mp4',
        size: 6,
      }),
    ).rejects.toMatchObject({ name: 'StorageSizeError', problem: 'too-large' });
    await expect(
      storage.put('uploads/org1/short', Readable.from([Buffer.from('abc')]), {
        contentType: 'video/mp4',
        size: 6,
      }),
    ).rejects.toMatchObject({ name: 'StorageSizeError', problem: 'too-small' });
    await expect(
      storage.put('uploads/org1/buffer', Buffer.from('abc'), { contentType: 'video/mp4', size: 6 }),
    ).rejects.toBeInstanceOf(StorageSizeError);
    expect(await storage.head('uploads/org1/long')).toBeNull();
    expect(await storage.head('uploads/org1/short')).toBeNull();
    expect(
      (await filesOnDisk()).filter((f) => f.includes('#') && !f.endsWith('#meta.json')),
    ).toEqual([]);
  });

  it('writes atomically: until the new file is complete, readers see the old one whole', async () => {
    const key = 'media/org1/asset9/full.jpg';
    await storage.put(key, Buffer.from('old version'), { contentType: 'image/jpeg' });

    let firstChunkTaken!: () => void;
    const firstChunkTakenP = new Promise<void>((resolve) => (firstChunkTaken = resolve));
    let release!: (fail: boolean) => void;
    const released = new Promise<boolean>((resolve) => (release = resolve));
    async function* body() {
      yield Buffer.from('new ');
      firstChunkTaken(); // asked for the next chunk: the first one went to the temp file
      if (await released) throw new Error('the client went away');
      yield Buffer.from('version, longer');
    }

    // Half written: the old object is still the one served, and the temp file is not listed.
    const writing = storage.put(key, Readable.from(body()), { contentType: 'image/png' });
    await firstChunkTakenP;
    expect((await storage.read(key)).toString()).toBe('old version');
    expect(await storage.head(key)).toMatchObject({ size: 11, contentType: 'image/jpeg' });
    expect((await all(storage.list('media/org1/asset9/'))).map((o) => o.key)).toEqual([key]);
    expect((await filesOnDisk()).some((f) => f.endsWith('.tmp'))).toBe(true);

    // A write that fails midway leaves the old object and no temp file behind.
    release(true);
    await expect(writing).rejects.toThrow('the client went away');
    expect((await storage.read(key)).toString()).toBe('old version');
    expect(await storage.head(key)).toMatchObject({ contentType: 'image/jpeg' });
    expect((await filesOnDisk()).some((f) => f.endsWith('.tmp'))).toBe(false);

    await storage.put(key, Buffer.from('new version'), { contentType: 'image/png' });
    expect(await storage.head(key)).toMatchObject({ size: 11, contentType: 'image/png' });
  });

  it('downloads an object to a file', async () => {
    await storage.put('packages/org1/target1.zip', Buffer.from('PK zip bytes'), {
      contentType: 'application/zip',
    });
    const file = join(folder, 'copy.zip');
    await storage.download('packages/org1/target1.zip', file);
    expect(await readFile(file, 'utf8')).toBe('PK zip bytes');
    await expect(storage.download('packages/org1/none.zip', file)).rejects.toBeInstanceOf(
      StorageNotFoundError,
    );
  });

  it('refuses bad keys everywhere, before touching the disk', async () => {
    await writeFile(join(folder, 'secret.txt'), 'outside the root');
    const bad = [
      '',
      '../secret.txt',
      'media/../../secret.txt',
      'media/a..b',
      '/etc/passwd',
      'media//x',
      'media/x/',
      'media/./x',
      'media\\x',
      'media/x y',
      'media/%2e%2e/x',
      'media/é',
      'media/x#meta.json',
    ];
    for (const key of bad) {
      await expect(
        storage.put(key, Buffer.from('x'), { contentType: 'text/plain' }),
        key,
      ).rejects.toBeInstanceOf(StorageKeyError);
      await expect(storage.read(key), key).rejects.toBeInstanceOf(StorageKeyError);
      await expect(storage.head(key), key).rejects.toBeInstanceOf(StorageKeyError);
      await expect(storage.delete(['media/ok', key]), key).rejects.toBeInstanceOf(StorageKeyError);
      await expect(
        storage.createDownloadUrl({ key, expiresInSeconds: 60 }),
        key,
      ).rejects.toBeInstanceOf(StorageKeyError);
    }
    await expect(all(storage.list('../'))).rejects.toBeInstanceOf(StorageKeyError);
    await expect(all(storage.list('/media'))).rejects.toBeInstanceOf(StorageKeyError);
    expect(await readFile(join(folder, 'secret.txt'), 'utf8')).toBe('outside the root');
  });

  it('signs URLs that grant one method on one key until they expire', async () => {
    const upload = await storage.createUploadUrl({
      key: 'uploads/org1/up1',
      contentType: 'image/jpeg',
      size: 1234,
      expiresInSeconds: 900,
    });
    expect(upload).toMatchObject({ method: 'PUT', headers: { 'Content-Type': 'image/jpeg' } });
    expect(upload.expiresAt).toEqual(new Date(clock.getTime() + 900_000));
    const url = new URL(upload.url);
    expect(url.origin + url.pathname).toBe('https://herald.example/media/uploads/org1/up1');

    expect(storage.verifyUrl(upload.url, 'PUT')).toMatchObject({
      ok: true,
      grant: { key: 'uploads/org1/up1', contentType: 'image/jpeg', size: 1234 },
    });
    expect(storage.verifyUrl(upload.url, 'GET')).toEqual({ ok: false, reason: 'invalid' });
    // Only the path and query matter: the app sees its own host behind a proxy.
    expect(storage.verifyUrl(`http://10.0.0.5:3000${url.pathname}${url.search}`, 'PUT').ok).toBe(
      true,
    );

    for (const [param, value] of [
      ['size', '1235'],
      ['type', 'image/png'],
      ['expires', String(Number(url.searchParams.get('expires')) + 1)],
    ] as const) {
      const tampered = new URL(url);
      tampered.searchParams.set(param, value);
      expect(storage.verifyUrl(tampered, 'PUT'), param).toEqual({ ok: false, reason: 'invalid' });
    }

    const previous = clock;
    clock = new Date(previous.getTime() + 900_000);
    expect(storage.verifyUrl(upload.url, 'PUT')).toEqual({ ok: false, reason: 'expired' });
    clock = previous;

    expect(() =>
      createLocalStorage({ root: folder, publicUrl: 'https://x.example', signingKey: 'short' }),
    ).toThrow(/at least 32 bytes/);
    await expect(
      storage.createDownloadUrl({ key: 'media/x', expiresInSeconds: 8 * 24 * 3600 }),
    ).rejects.toBeInstanceOf(RangeError);
    await expect(
      storage.createUploadUrl({
        key: 'uploads/x',
        contentType: 'image/jpeg\r\nX-Evil: 1',
        size: 1,
        expiresInSeconds: 60,
      }),
    ).rejects.toBeInstanceOf(TypeError);
  });

  it('serves URLs under a base path when the app lives below the origin', async () => {
    const below = createLocalStorage({
      root: storage.root,
      publicUrl: 'https://agency.example/herald',
      signingKey: SIGNING_KEY,
    });
    const url = await below.createDownloadUrl({ key: 'media/x', expiresInSeconds: 60 });
    expect(url).toMatch(/^https:\/\/agency\.example\/herald\/media\/media\/x\?/);
    expect(below.verifyUrl(url, 'GET').ok).toBe(true);
    // The same signature under a path the store does not serve is not valid.
    expect(below.verifyUrl(url.replace('/herald/media/', '/media/'), 'GET').ok).toBe(false);
  });
});
