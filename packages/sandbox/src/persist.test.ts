// A sandbox started on a state directory keeps what it held across a restart, writes it in
// batches rather than per request, and starts empty (saying so) from a file it cannot read.
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serialize } from 'node:v8';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox, type SandboxOptions, type StateWrite } from './index.ts';
import { SNAPSHOT_FILE, StatePersistence } from './persist.ts';
import { graphJson } from './platforms/facebook/testing.ts';
import { SandboxStore } from './store.ts';

const PAGE = '1000000021';
const TOKEN = `sbx-page-${PAGE}-persist`;
const X_USER = '7100';
const X_TOKEN = `sbx-x-${X_USER}-persist`;
// Enough of a JPEG for the sandbox's checks (its signature), with bytes worth comparing.
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(5000, 7)]);
// An MP4's first box, then filler: X checks the signature at FINALIZE.
const MP4 = Buffer.concat([
  Buffer.from([0, 0, 0, 0x18]),
  Buffer.from('ftypmp42'),
  Buffer.alloc(3000, 9),
]);

let host: Server;
let hostUrl = '';
beforeAll(async () => {
  // Stands in for the signed media URLs Herald hands Facebook.
  host = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': JPEG.length });
    res.end(JPEG);
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  hostUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}/photo.jpg`;
});
afterAll(() => new Promise<void>((resolve) => host.close(() => resolve())));

let dir: string;
const running = new Set<Sandbox>();
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sandbox-state-'));
});
afterEach(async () => {
  await Promise.all([...running].map((s) => s.close()));
  running.clear();
  await rm(dir, { recursive: true, force: true });
});

async function start(options: SandboxOptions = {}): Promise<Sandbox> {
  const sandbox = await startSandbox({ port: 0, stateDir: dir, ...options });
  running.add(sandbox);
  return sandbox;
}

async function stop(sandbox: Sandbox): Promise<void> {
  await sandbox.close();
  running.delete(sandbox);
}

/** What Graph answers for a post or a photo (its error envelope otherwise). */
type GraphAnswer = Awaited<ReturnType<typeof graphJson>> & { post_id?: string };

async function graphPost(
  sandbox: Sandbox,
  edge: string,
  fields: Record<string, string>,
  token = TOKEN,
): Promise<{ status: number; body: GraphAnswer }> {
  const response = await fetch(`${sandbox.facebookBaseUrl}/v21.0/${PAGE}/${edge}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: new URLSearchParams(fields),
  });
  // An injected http_status fault answers a bare HTML page, not Graph JSON.
  const isJson = response.headers.get('content-type')?.startsWith('application/json');
  const body = isJson ? await graphJson(response) : ((await response.text(), {}) as GraphAnswer);
  return { status: response.status, body };
}

async function xUpload(sandbox: Sandbox, init: boolean, id: string | undefined, segment?: number) {
  const auth = { authorization: `Bearer ${X_TOKEN}` };
  const base = sandbox.baseUrl('x');
  if (init) {
    const response = await fetch(`${base}/2/media/upload/initialize`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ media_type: 'video/mp4', total_bytes: MP4.length }),
    });
    return ((await response.json()) as { data: { id: string } }).data.id;
  }
  if (segment !== undefined) {
    const form = new FormData();
    form.set('segment_index', String(segment));
    const half = Math.floor(MP4.length / 2);
    form.set('media', new Blob([segment === 0 ? MP4.subarray(0, half) : MP4.subarray(half)]));
    const response = await fetch(`${base}/2/media/upload/${id}/append`, {
      method: 'POST',
      headers: auth,
      body: form,
    });
    return String(response.status);
  }
  const response = await fetch(`${base}/2/media/upload/${id}/finalize`, {
    method: 'POST',
    headers: auth,
  });
  return JSON.stringify({ status: response.status, body: await response.json() });
}

describe('a restart on the same state directory', () => {
  it('keeps posts, their pages and media bytes, revocations, faults, settings and platform state', async () => {
    const first = await start();
    const text = await graphPost(first, 'feed', { message: 'kept across a restart' });
    const photo = await graphPost(first, 'photos', { url: hostUrl, caption: 'a kept photo' });
    expect([text.status, photo.status]).toEqual([200, 200]);
    const photoPost = first.posts().find((p) => p.message === 'a kept photo')!;
    const photoId = photoPost.media![0]!.id;
    // X keeps an upload session (a Map of Buffers) in its own state: half a video so far.
    const uploadId = await xUpload(first, true, undefined);
    expect(await xUpload(first, false, uploadId, 0)).toBe('200');
    const revoked = `sbx-page-${PAGE}-revoked`;
    first.revokeToken(revoked, 458);
    first.revokeAccount('linkedin', 'urn:li:person:gone');
    first.injectFault({
      platform: 'facebook',
      on: 'read',
      fault: { type: 'http_status', status: 502 },
    });
    first.updateSettings('instagram', { publishCap: 7 });
    first.setTokenTtl({ x: 60 });
    await stop(first);

    const second = await start();
    expect(second.posts().map((p) => p.message)).toEqual(['kept across a restart', 'a kept photo']);
    expect(second.media()).toEqual(first.media());
    const page = await fetch(`${second.url}/facebook/posts/${text.body.id}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('kept across a restart');
    const bytes = await fetch(`${second.url}/facebook/media/${photoId}`);
    expect(bytes.status).toBe(200);
    expect(Buffer.from(await bytes.arrayBuffer()).equals(JPEG)).toBe(true);

    // The queued read fault survived and is spent on the first read.
    const read = await fetch(
      `${second.facebookBaseUrl}/v21.0/${text.body.id}?access_token=${TOKEN}`,
    );
    expect(read.status).toBe(502);
    const reread = await fetch(
      `${second.facebookBaseUrl}/v21.0/${text.body.id}?access_token=${TOKEN}`,
    );
    expect(reread.status).toBe(200);

    const refused = await graphPost(second, 'feed', { message: 'no' }, revoked);
    expect(refused.body.error).toMatchObject({ code: 190, error_subcode: 458 });
    const linkedin = await fetch(`${second.baseUrl('linkedin')}/rest/posts?q=author&author=x`, {
      headers: {
        authorization: 'Bearer sbx-linkedin-urn:li:person:gone-dev',
        'linkedin-version': versionNow(),
        'x-restli-protocol-version': '2.0.0',
      },
    });
    expect(linkedin.status).toBe(401);
    expect(await linkedin.json()).toMatchObject({ code: 'REVOKED_ACCESS_TOKEN' });
    expect(second.settings().instagram.publishCap).toBe(7);
    const ttl = await fetch(`${second.url}/__sandbox/token-ttl`);
    expect(await ttl.json()).toEqual({ accessTokenTtlSeconds: { x: 60 } });

    // The second half of the upload joins the first, kept from before the restart.
    expect(await xUpload(second, false, uploadId, 1)).toBe('200');
    expect(JSON.parse(await xUpload(second, false, uploadId))).toMatchObject({
      status: 200,
      body: { data: { id: uploadId, size: MP4.length } },
    });

    // Ids keep counting up, so none collides with one handed out before.
    const next = await graphPost(second, 'feed', { message: 'after the restart' });
    const number = (id: string) => BigInt(id.split('_')[1]!);
    expect(number(next.body.id)).toBeGreaterThan(number(text.body.id));
  });

  it('resumes chaos where it stopped: the same seed fails the same requests as one long run', async () => {
    const chaos = {
      platform: 'facebook' as const,
      rate: 0.5,
      seed: 42,
      faults: [{ type: 'http_status' as const, status: 503 }],
    };
    const statuses = async (sandbox: Sandbox, n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i += 1) {
        out.push((await graphPost(sandbox, 'feed', { message: `chaos ${i}` })).status);
      }
      return out;
    };
    const unbroken = await startSandbox({ port: 0 });
    unbroken.setChaos(chaos);
    const expected = await statuses(unbroken, 12);
    await unbroken.close();
    expect(new Set(expected)).toEqual(new Set([200, 503]));

    const first = await start();
    first.setChaos(chaos);
    const before = await statuses(first, 6);
    await stop(first);
    const after = await statuses(await start(), 6);
    expect([...before, ...after]).toEqual(expected);
  });

  it('takes back a platform state that has since grown a field, keeping its values', () => {
    const saved = new SandboxStore();
    saved.platformState('demo', () => ({ count: 0 })).count = 3;
    saved.platformState('changed', () => new Map([['a', 1]]));
    const restored = new SandboxStore();
    restored.restore(structuredClone(saved.snapshot()));
    const demo = restored.platformState('demo', () => ({ count: 0, names: new Set<string>() }));
    expect(demo.count).toBe(3);
    expect(demo.names).toBeInstanceOf(Set);
    // A value of another kind than the platform now keeps is not forced on it.
    expect(restored.platformState('changed', () => ({ fresh: true }))).toEqual({ fresh: true });
  });
});

describe('writes', () => {
  it('writes a burst of requests once, not once per request', async () => {
    const writes: StateWrite[] = [];
    // An hour: no timer fires during the test, so only close() may write.
    const sandbox = await start({
      stateWriteDelayMs: 3_600_000,
      onStateWrite: (w) => writes.push(w),
    });
    for (let i = 0; i < 20; i += 1) {
      expect((await graphPost(sandbox, 'feed', { message: `burst ${i}` })).status).toBe(200);
    }
    expect(writes).toHaveLength(0);
    await stop(sandbox);
    expect(writes).toHaveLength(1);
    const again = await start();
    expect(again.posts()).toHaveLength(20);
  });

  it('writes on its own a moment after a change, media files once', async () => {
    const writes: StateWrite[] = [];
    let wake: () => void = () => {};
    const sandbox = await start({
      stateWriteDelayMs: 0,
      onStateWrite: (w) => {
        writes.push(w);
        wake();
      },
    });
    const written = new Promise<void>((resolve) => (wake = resolve));
    await graphPost(sandbox, 'photos', { url: hostUrl });
    await written;
    expect(existsSync(path.join(dir, SNAPSHOT_FILE))).toBe(true);
    expect(await readdir(path.join(dir, 'media', 'facebook'))).toHaveLength(1);
    expect(writes.reduce((n, w) => n + w.mediaFiles, 0)).toBe(1);
  });

  it('does not write for page views, or when nothing changed', async () => {
    const seeded = await start();
    const { body } = await graphPost(seeded, 'photos', { url: hostUrl, caption: 'seen' });
    await stop(seeded);

    const writes: StateWrite[] = [];
    const sandbox = await start({ stateWriteDelayMs: 0, onStateWrite: (w) => writes.push(w) });
    const photo = sandbox.posts()[0]!;
    for (const url of [
      '/',
      `/facebook/posts/${body.post_id}`,
      `/facebook/media/${photo.media![0]!.id}`,
    ]) {
      expect((await fetch(`${sandbox.url}${url}`)).status).toBe(200);
    }
    expect((await fetch(`${sandbox.url}/__sandbox/posts`)).status).toBe(200);
    await stop(sandbox);
    expect(writes).toHaveLength(0);
  });
});

describe('a state file it cannot use', () => {
  it.each([
    ['garbage', Buffer.from('not a snapshot at all')],
    ['another program’s file', serialize({ hello: 'world' })],
    [
      'a future format',
      serialize({ format: 'herald-sandbox-state', version: 99, store: { posts: 'elsewhere' } }),
    ],
  ])('starts empty from %s, says so, and keeps the file aside', async (_, contents) => {
    await writeFile(path.join(dir, SNAPSHOT_FILE), contents);
    const lines: string[] = [];
    const sandbox = await start({ log: (line) => lines.push(line) });
    expect(sandbox.posts()).toEqual([]);
    expect(lines.join('\n')).toMatch(
      /could not read the saved state .*state\.v8.*Starting empty \(kept as /,
    );
    const files = await readdir(dir);
    expect(files.some((f) => f.startsWith(`${SNAPSHOT_FILE}.unreadable-`))).toBe(true);
    // And it works: a publish is taken and saved over the old file.
    expect((await graphPost(sandbox, 'feed', { message: 'fresh start' })).status).toBe(200);
    await stop(sandbox);
    expect((await start()).posts().map((p) => p.message)).toEqual(['fresh start']);
  });

  it('serves the posts of a state whose media files went missing, saying so', async () => {
    const first = await start();
    await graphPost(first, 'photos', { url: hostUrl, caption: 'lost file' });
    await stop(first);
    await rm(path.join(dir, 'media'), { recursive: true });
    const lines: string[] = [];
    const second = await start({ log: (line) => lines.push(line) });
    expect(lines.join('\n')).toContain('1 saved media file missing');
    const post = second.posts()[0]!;
    expect(post.message).toBe('lost file');
    expect((await fetch(`${second.url}/facebook/media/${post.media![0]!.id}`)).status).toBe(404);
  });
});

/** LinkedIn's current `YYYYMM` version. */
function versionNow(): string {
  const now = new Date();
  return `${now.getUTCFullYear()}${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
}

it('goes on serving when the state holds something it cannot save, and says so once', async () => {
  const store = new SandboxStore();
  const warnings: string[] = [];
  const persistence = await StatePersistence.open(store, {
    dir,
    delayMs: 3_600_000,
    log: () => {},
    warn: (line) => warnings.push(line),
  });
  const state = store.platformState<{ callback: unknown }>('careless', () => ({
    callback: () => 1,
  }));
  store.markChanged();
  await persistence.flush();
  store.markChanged();
  await persistence.flush();
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatch(/could not save the state: it holds a value that cannot be saved/);
  state.callback = 'plain';
  store.markChanged();
  await persistence.close();
  expect(existsSync(path.join(dir, SNAPSHOT_FILE))).toBe(true);
});
