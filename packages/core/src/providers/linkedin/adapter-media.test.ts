// The LinkedIn adapter posting photos through the real sandbox: Herald downloads each file from a
// small local host (as from a signed URL), registers it with the Images API, PUTs the bytes and
// names the images in the post. Every step is recorded, so a retry repeats none of them.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sandboxToken, startSandbox, type Sandbox } from '@herald/sandbox';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AmbiguousPublishError,
  PermanentPublishError,
  RetryablePublishError,
  type PublishError,
} from '../errors.ts';
import type { ProviderProgress, PublishMedia, PublishRequest } from '../types.ts';
import { createLinkedInAdapter } from './adapter.ts';

const MEMBER = 'urn:li:person:photos1';
const TOKEN = sandboxToken('linkedin', MEMBER, 'media');
const VERSION = `${new Date().getUTCFullYear()}${String(new Date().getUTCMonth() + 1).padStart(2, '0')}`;

/** Serves files at fresh paths, as signed storage URLs do; counts GETs and can fail the next one. */
class MediaHost {
  readonly #files = new Map<string, { body: Buffer; type: string }>();
  readonly #hits = new Map<string, number>();
  readonly #failing = new Set<string>();
  readonly #server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    this.#hits.set(path, (this.#hits.get(path) ?? 0) + 1);
    const file = this.#files.get(path);
    if (!file || this.#failing.delete(path)) return res.writeHead(503).end();
    res.writeHead(200, { 'content-type': file.type, 'content-length': file.body.length });
    res.end(file.body);
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

  failNext(url: string): void {
    this.#failing.add(new URL(url).pathname);
  }

  fetchesOf(url: string): number {
    return this.#hits.get(new URL(url).pathname) ?? 0;
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
let jpegs: Buffer[];
beforeAll(async () => {
  host = new MediaHost();
  [sandbox, jpegs] = await Promise.all([
    startSandbox({ port: 0 }),
    Promise.all(
      (['red', 'green', 'blue'] as const).map((background, i) =>
        sharp({ create: { width: 30 + i * 10, height: 20, channels: 3, background } })
          .jpeg()
          .toBuffer(),
      ),
    ),
    host.start(),
  ]);
});
afterAll(() => Promise.all([sandbox.close(), host.close()]));
beforeEach(() => sandbox.clearFaults());

function file(kind: PublishMedia['kind'], name: string, body: Buffer, type: string): PublishMedia {
  return {
    assetId: `asset-${Math.random().toString(36).slice(2)}`,
    kind,
    name,
    url: host.serve(name, body, type),
    contentType: type,
    sizeBytes: body.length,
    width: 30,
    height: 20,
    durationMs: kind === 'video' ? 1000 : null,
  };
}
const photo = (i: number) => file('image', `photo-${i}.jpg`, jpegs[i]!, 'image/jpeg');
const unique = (label: string) => `${label} ${Math.random().toString(36).slice(2)}`;
const postsWith = (caption: string) =>
  sandbox.posts().filter((p) => p.platform === 'linkedin' && p.message === caption);

interface Attempt {
  caption: string;
  media: PublishMedia[];
  progress?: ProviderProgress | null;
  timeoutMs?: number;
  /** Called after the engine would have stored each report. */
  onProgress?: (progress: ProviderProgress) => void;
}

/** One publish attempt: every progress report kept, and every request to LinkedIn logged. */
function attempt({ caption, media, progress = null, timeoutMs, onProgress }: Attempt) {
  const saved: ProviderProgress[] = [];
  const requests: string[] = [];
  const adapter = createLinkedInAdapter({
    baseUrl: sandbox.baseUrl('linkedin'),
    apiVersion: VERSION,
    ...(timeoutMs ? { timeoutMs } : {}),
    fetch: (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.origin === new URL(sandbox.url).origin) {
        const action = url.searchParams.get('action');
        requests.push(`${init?.method ?? 'GET'} ${url.pathname}${action ? `?${action}` : ''}`);
      }
      return fetch(input, init);
    },
  });
  const request: PublishRequest = {
    account: { externalId: MEMBER, accessToken: TOKEN },
    content: { caption, media },
    progress,
    saveProgress: (next) => {
      saved.push(structuredClone(next));
      onProgress?.(next);
      return Promise.resolve();
    },
  };
  return { result: adapter.publish(request), saved, requests, adapter };
}

async function failure(promise: Promise<unknown>): Promise<PublishError> {
  return (await promise.then(
    () => expect.unreachable('publish should have failed'),
    (e: unknown) => e,
  )) as PublishError;
}

/** The bytes the sandbox kept for an image, as its post page serves them. */
async function keptBytes(urn: string): Promise<Buffer> {
  const path = `/linkedin/media/${encodeURIComponent(urn)}`;
  return Buffer.from(await (await fetch(`${sandbox.url}${path}`)).arrayBuffer());
}

const INIT = 'POST /linkedin/rest/images?initializeUpload';
const POST = 'POST /linkedin/rest/posts';
const isPut = (r: string) => r.startsWith('PUT /linkedin/dms-uploads/');

describe('one photo', () => {
  it('registers, uploads and posts it, recording each step', async () => {
    const caption = unique('One (photo)');
    const media = [photo(0)];
    const { result, saved, requests } = attempt({ caption, media });
    const published = await result;
    const [post] = postsWith(caption);
    expect(post?.id).toBe(published.externalId);
    expect(post?.media).toHaveLength(1);
    expect(await keptBytes(post!.media![0]!.id)).toEqual(jpegs[0]);
    expect(requests.map((r) => (isPut(r) ? 'PUT' : r))).toEqual([INIT, 'PUT', POST]);
    expect(saved).toHaveLength(2);
    expect(saved[1]).toMatchObject({
      images: [{ assetId: media[0]!.assetId, image: post!.media![0]!.id, uploaded: true }],
    });
    expect(host.fetchesOf(media[0]!.url)).toBe(1);
    const page = await (await fetch(published.url)).text();
    expect(page).toContain(`/linkedin/media/${encodeURIComponent(post!.media![0]!.id)}`);
  });

  it('a file LinkedIn will not take is permanent, naming the file, and nothing is posted', async () => {
    const caption = unique('Not an image');
    const media = [file('image', 'notes.jpg', Buffer.from('<html></html>'), 'image/jpeg')];
    const error = await failure(attempt({ caption, media }).result);
    expect(error).toBeInstanceOf(PermanentPublishError);
    expect(error.message).toMatch(/^notes\.jpg: Unsupported image format/);
    expect(postsWith(caption)).toEqual([]);
  });

  it('a video with photos is refused before anything is sent', async () => {
    const caption = unique('Film');
    const video = file('video', 'clip.mp4', Buffer.alloc(64), 'video/mp4');
    const { result, requests } = attempt({ caption, media: [photo(0), video] });
    const error = await failure(result);
    expect(error).toBeInstanceOf(PermanentPublishError);
    expect(error.message).toBe("A video on LinkedIn must be the post's only item.");
    expect(requests).toEqual([]);
  });
});

describe('several photos', () => {
  it('posts them as one multiImage post, in order', async () => {
    const caption = unique('Three photos');
    const media = [photo(2), photo(0), photo(1)];
    const { result, requests } = attempt({ caption, media });
    await result;
    const [post] = postsWith(caption);
    expect(post?.media).toHaveLength(3);
    const bytes = await Promise.all(post!.media!.map((m) => keptBytes(m.id)));
    expect(bytes).toEqual([jpegs[2], jpegs[0], jpegs[1]]);
    expect(requests.filter((r) => r === INIT)).toHaveLength(3);
    expect(requests.filter(isPut)).toHaveLength(3);
    expect(requests.at(-1)).toBe(POST);
  });

  it('resumes after a failed download without registering or uploading anything twice', async () => {
    const caption = unique('Resumed');
    const media = [photo(0), photo(1)];
    host.failNext(media[1]!.url);
    const first = attempt({ caption, media });
    const error = await failure(first.result);
    expect(error).toBeInstanceOf(RetryablePublishError);
    expect(error.message).toContain('photo-1.jpg');
    expect(postsWith(caption)).toEqual([]);
    // Photo 0 registered and uploaded, photo 1 registered: that is what the engine holds.
    const last = first.saved.at(-1)!;
    expect(last).toMatchObject({
      images: [{ uploaded: true }, { uploaded: false }],
    });

    const second = attempt({ caption, media, progress: last });
    await second.result;
    expect(second.requests.map((r) => (isPut(r) ? 'PUT' : r))).toEqual(['PUT', POST]);
    expect(host.fetchesOf(media[0]!.url)).toBe(1);
    const [post] = postsWith(caption);
    expect(post?.media?.map((m) => m.id)).toEqual(
      (last.images as { image: string }[]).map((i) => i.image),
    );
  });

  it('a 500 on an upload is retryable (nothing shows yet), and the retry PUTs to the same image', async () => {
    const caption = unique('Upload hiccup');
    const media = [photo(0), photo(1)];
    const first = attempt({
      caption,
      media,
      // Fail the next LinkedIn call once the first photo is registered: its upload.
      onProgress: (p) => {
        if ((p.images as unknown[]).length === 1 && first.saved.length === 1) {
          sandbox.injectFault({
            platform: 'linkedin',
            fault: { type: 'graph_error', status: 500, code: 0 },
          });
        }
      },
    });
    const error = await failure(first.result);
    expect(error).toBeInstanceOf(RetryablePublishError);
    const last = first.saved.at(-1)!;
    expect(last).toMatchObject({ images: [{ uploaded: false }] });

    const second = attempt({ caption, media, progress: last });
    await second.result;
    expect(second.requests.map((r) => (isPut(r) ? 'PUT' : r))).toEqual(['PUT', INIT, 'PUT', POST]);
    const image0 = (last.images as { image: string }[])[0]!.image;
    expect(second.requests[0]).toBe(`PUT /linkedin/dms-uploads/${encodeURIComponent(image0)}`);
    expect(postsWith(caption)[0]?.media?.[0]?.id).toBe(image0);
  });

  it('a lost answer to the post is ambiguous; reconcile says not published and the retry only posts', async () => {
    const caption = unique('Dropped');
    const media = [photo(1), photo(2)];
    const from = new Date();
    const first = attempt({
      caption,
      media,
      onProgress: (p) => {
        const images = p.images as { uploaded: boolean }[];
        if (images.length === 2 && images.every((i) => i.uploaded)) {
          sandbox.injectFault({
            platform: 'linkedin',
            fault: { type: 'drop_connection', afterAccepting: false },
          });
        }
      },
    });
    expect(await failure(first.result)).toBeInstanceOf(AmbiguousPublishError);
    const progress = first.saved.at(-1)!;
    const outcome = await first.adapter.reconcile({
      account: { externalId: MEMBER, accessToken: TOKEN },
      content: { caption, media: [] },
      progress,
      window: { from, to: new Date() },
    });
    expect(outcome).toEqual({ status: 'not_published' });

    const second = attempt({ caption, media, progress });
    const published = await second.result;
    expect(second.requests).toEqual([POST]);
    expect(postsWith(caption)).toHaveLength(1);
    expect(postsWith(caption)[0]?.id).toBe(published.externalId);
  });

  it('a selection that changed starts afresh', async () => {
    const caption = unique('Changed');
    const old = [photo(0)];
    const first = attempt({ caption: unique('Old'), media: old });
    await first.result;
    const media = [photo(1), photo(2)];
    const second = attempt({ caption, media, progress: first.saved.at(-1)! });
    await second.result;
    expect(second.requests.filter((r) => r === INIT)).toHaveLength(2);
  });
});
