// The X adapter uploading images and a chunked video to the real sandbox, with the files
// served from a small local host as signed storage URLs serve them (with byte ranges).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sandboxToken, startSandbox, type Sandbox } from '@herald/sandbox';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PermanentPublishError, RetryablePublishError, type PublishError } from '../errors.ts';
import type { ProviderProgress, PublishMedia, PublishRequest } from '../types.ts';
import { createXAdapter, type XAdapterConfig } from './adapter.ts';

/** Serves files at fresh paths, honouring `Range: bytes=N-`, and records each GET's range. */
class MediaHost {
  readonly #files = new Map<string, { body: Buffer; type: string }>();
  readonly ranges: Array<{ path: string; range: string | undefined }> = [];
  readonly #server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    this.ranges.push({ path, range: req.headers.range });
    const file = this.#files.get(path);
    if (!file) return res.writeHead(404).end();
    const start = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? '')?.[1] ?? 0);
    const body = file.body.subarray(start);
    res.writeHead(start > 0 ? 206 : 200, {
      'content-type': file.type,
      'content-length': body.length,
      ...(start > 0
        ? { 'content-range': `bytes ${start}-${file.body.length - 1}/${file.body.length}` }
        : {}),
    });
    res.end(body);
  });
  #url = '';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.#url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  serve(name: string, body: Buffer, type: string): string {
    const path = `/${Math.random().toString(36).slice(2)}/${encodeURIComponent(name)}`;
    this.#files.set(path, { body, type });
    return `${this.#url}${path}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }
}

let sandbox: Sandbox;
let host: MediaHost;
let base: string;
let jpegs: Buffer[];
let video: Buffer;
beforeAll(async () => {
  host = new MediaHost();
  const dir = await mkdtemp(join(tmpdir(), 'herald-x-'));
  try {
    const file = join(dir, 'clip.mp4');
    // One second of colour bars: a real MP4 for the chunked upload.
    await promisify(execFile)('/usr/bin/ffmpeg', [
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=320x240:rate=25',
      '-t',
      '1',
      '-pix_fmt',
      'yuv420p',
      '-y',
      file,
    ]);
    video = await readFile(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  [sandbox, jpegs] = await Promise.all([
    startSandbox({ port: 0 }),
    Promise.all(
      (['red', 'green'] as const).map((background, i) =>
        sharp({ create: { width: 30 + i * 10, height: 20, channels: 3, background } })
          .jpeg()
          .toBuffer(),
      ),
    ),
    host.start(),
  ]);
  base = sandbox.baseUrl('x');
});
afterAll(() => Promise.all([sandbox.close(), host.close()]));
beforeEach(() => sandbox.clearFaults());

const settings = (body: object) =>
  fetch(`${base}/__sandbox/settings`, { method: 'POST', body: JSON.stringify(body) });

/** Bytes per APPEND in these tests: the one-second clip is a few kilobytes. */
const CHUNK = 2048;

let users = 8100;
function newAccount() {
  const externalId = String(++users);
  return { externalId, accessToken: sandboxToken('x', externalId) };
}

function media(name: string, body: Buffer, kind: 'image' | 'video', type: string): PublishMedia {
  return {
    assetId: `asset-${name}`,
    kind,
    name,
    url: host.serve(name, body, type),
    contentType: type,
    sizeBytes: body.length,
    width: 320,
    height: 240,
    durationMs: kind === 'video' ? 1000 : null,
  };
}

/** An adapter whose API calls are recorded (method and path) and whose waits are recorded. */
function recordingAdapter(extra: Partial<XAdapterConfig> = {}) {
  const calls: string[] = [];
  const waits: number[] = [];
  const adapter = createXAdapter({
    baseUrl: base,
    chunkBytes: CHUNK,
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    fetch: (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.pathname.startsWith('/x/')) {
        const segment = init?.body instanceof FormData ? init.body.get('segment_index') : null;
        calls.push(
          `${init?.method ?? 'GET'} ${url.pathname.slice(2)}${typeof segment === 'string' ? ` #${segment}` : ''}`,
        );
      }
      return fetch(input, init);
    },
    ...extra,
  });
  return { adapter, calls, waits };
}

function request(
  account: { externalId: string; accessToken: string },
  caption: string,
  files: PublishMedia[],
  progress: ProviderProgress | null = null,
  onSave?: (progress: ProviderProgress) => void,
) {
  const saves: ProviderProgress[] = [];
  const req: PublishRequest = {
    account,
    content: { caption, media: files },
    progress,
    saveProgress: (p) => {
      saves.push(p);
      onSave?.(p);
      return Promise.resolve();
    },
  };
  return { req, saves, last: () => saves.at(-1) ?? progress };
}

async function failure(promise: Promise<unknown>): Promise<PublishError> {
  try {
    await promise;
  } catch (error) {
    return error as PublishError;
  }
  throw new Error('expected the promise to fail');
}

describe('images', () => {
  it('uploads each image once and attaches them to the first post of a thread', async () => {
    const account = newAccount();
    const files = jpegs.map((jpeg, i) => media(`photo-${i}.jpg`, jpeg, 'image', 'image/jpeg'));
    const { adapter, calls } = recordingAdapter();
    const post = await adapter.publish(request(account, 'Two photos\n---\nand a reply', files).req);
    expect(calls).toEqual([
      'POST /2/media/upload',
      'POST /2/media/upload',
      'POST /2/tweets',
      'POST /2/tweets',
    ]);
    const [first, second] = sandbox.posts().filter((p) => p.accountId === account.externalId);
    expect(first!.id).toBe(post.externalId);
    expect(first!.media?.map((m) => m.kind)).toEqual(['image', 'image']);
    expect(second!.media).toBeUndefined();
    const sizes = first!.media!.map((m) => sandbox.media().find((s) => s.id === m.id)?.sizeBytes);
    expect(sizes).toEqual(jpegs.map((j) => j.length));
    expect(await (await fetch(post.url)).text()).toContain('<img src="/x/media/');
  });

  it('uploads again, on the next attempt, media X no longer has', async () => {
    const account = newAccount();
    const files = [media('old.jpg', jpegs[0]!, 'image', 'image/jpeg')];
    const stale = { images: { assetIds: ['asset-old.jpg'], mediaIds: ['999'] }, tweetIds: [] };
    const first = request(account, 'Expired media', files, stale);
    const error = await failure(recordingAdapter().adapter.publish(first.req));
    expect(error).toBeInstanceOf(RetryablePublishError);
    expect(error.message).toMatch(/Your media IDs are invalid/);
    expect(first.last()).toEqual({ tweetIds: [] });
    await recordingAdapter().adapter.publish(
      request(account, 'Expired media', files, first.last()).req,
    );
    expect(sandbox.posts().filter((p) => p.accountId === account.externalId)).toHaveLength(1);
  });
});

describe('video', () => {
  it('uploads in chunks, polls STATUS as X asks, then posts', async () => {
    await settings({ processingPolls: 2, checkAfterSecs: 3 });
    const account = newAccount();
    const file = media('clip.mp4', video, 'video', 'video/mp4');
    const { adapter, calls, waits } = recordingAdapter();
    const post = await adapter.publish(request(account, 'A film', [file]).req);
    const segments = Math.ceil(video.length / CHUNK);
    expect(segments).toBeGreaterThan(2);
    expect(calls[0]).toBe('POST /2/media/upload/initialize');
    expect(calls.filter((c) => c.includes('/append'))).toHaveLength(segments);
    expect(calls.filter((c) => c.startsWith('GET /2/media/upload'))).toHaveLength(3);
    expect(waits).toEqual([3000, 3000, 3000]);
    expect(calls.at(-1)).toBe('POST /2/tweets');
    const [posted] = sandbox.posts().filter((p) => p.accountId === account.externalId);
    expect(posted!.id).toBe(post.externalId);
    const kept = sandbox.media().find((m) => m.id === posted!.media![0]!.id);
    expect(kept).toMatchObject({ kind: 'video', sizeBytes: video.length });
  });

  it('resumes after a failed chunk from the next segment, repeating no step', async () => {
    await settings({ processingPolls: 0 });
    const account = newAccount();
    const file = media('resume.mp4', video, 'video', 'video/mp4');
    // After two segments are saved, X fails the third APPEND with a 503.
    const first = request(account, 'Resumed film', [file], null, (p) => {
      if ((p as { video?: { segments: number } }).video?.segments === 2) {
        sandbox.injectFault({
          platform: 'x',
          fault: { type: 'graph_error', status: 503, code: 2 },
        });
      }
    });
    const one = recordingAdapter();
    const error = await failure(one.adapter.publish(first.req));
    expect(error).toBeInstanceOf(RetryablePublishError);
    expect(first.last()).toMatchObject({ video: { segments: 2, finalized: false } });

    const two = recordingAdapter();
    await two.adapter.publish(request(account, 'Resumed film', [file], first.last()).req);
    const { mediaId } = (first.last() as { video: { mediaId: string } }).video;
    expect(two.calls[0]).toBe(`POST /2/media/upload/${mediaId}/append #2`);
    expect(two.calls.some((c) => c.includes('initialize'))).toBe(false);
    // The file was read again from where the upload stopped.
    const path = new URL(file.url).pathname;
    expect(host.ranges.filter((r) => r.path === path).map((r) => r.range)).toEqual([
      undefined,
      `bytes=${2 * CHUNK}-`,
    ]);
    const [posted] = sandbox.posts().filter((p) => p.accountId === account.externalId);
    const bytes = Buffer.from(
      await (await fetch(`${sandbox.url}/x/media/${posted!.media![0]!.id}`)).arrayBuffer(),
    );
    expect(bytes.equals(video)).toBe(true);
  });

  it('stops waiting past maxProcessingWaitMs as retryable, and the next attempt polls on', async () => {
    await settings({ processingPolls: 3, checkAfterSecs: 5 });
    const account = newAccount();
    const file = media('slow.mp4', video, 'video', 'video/mp4');
    const at = new Date('2026-12-03T10:00:00Z');
    const first = request(account, 'Slow film', [file]);
    const one = recordingAdapter({ maxProcessingWaitMs: 6000, now: () => at });
    const error = await failure(one.adapter.publish(first.req));
    expect(error).toBeInstanceOf(RetryablePublishError);
    expect(error.retryAt).toEqual(new Date(at.getTime() + 5000));
    expect(first.last()).toMatchObject({ video: { finalized: true } });

    const two = recordingAdapter();
    await two.adapter.publish(request(account, 'Slow film', [file], first.last()).req);
    expect(two.calls.some((c) => c.includes('append') || c.includes('finalize'))).toBe(false);
    expect(two.calls.at(-1)).toBe('POST /2/tweets');
  });

  it('fails permanently when X cannot process the video', async () => {
    await settings({ processingPolls: 1, checkAfterSecs: 1 });
    const account = newAccount();
    const file = media('broken.mp4', Buffer.from('not a film at all'), 'video', 'video/mp4');
    const error = await failure(
      recordingAdapter().adapter.publish(request(account, 'Broken film', [file]).req),
    );
    expect(error).toBeInstanceOf(PermanentPublishError);
    expect(error.message).toBe(
      'broken.mp4: X could not process the video (Unsupported video format).',
    );
    expect(sandbox.posts().filter((p) => p.accountId === account.externalId)).toHaveLength(0);
  });
});
