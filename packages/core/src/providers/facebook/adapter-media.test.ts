// The Facebook adapter publishing photos and videos through the real sandbox, which fetches
// each file from a small local host as Facebook fetches a signed URL.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSandbox, type FaultRequest, type Sandbox } from '@herald/sandbox';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AmbiguousPublishError,
  PermanentPublishError,
  RetryablePublishError,
  type PublishError,
} from '../errors.ts';
import type { ProviderProgress, PublishMedia, PublishRequest } from '../types.ts';
import { createFacebookAdapter, type FacebookAdapterConfig } from './adapter.ts';

const PAGE = '1000000301';
const TOKEN = `sbx-page-${PAGE}-media`;

/** Serves files at fresh paths, the way signed storage URLs do, and counts each GET. */
class MediaHost {
  readonly #files = new Map<string, { body: Buffer; type: string }>();
  readonly #hits = new Map<string, number>();
  readonly #server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    this.#hits.set(path, (this.#hits.get(path) ?? 0) + 1);
    const file = this.#files.get(path);
    if (!file) return res.writeHead(404).end();
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
/** Three JPEGs of different sizes and colours, so each is told apart by its bytes. */
let jpegs: Buffer[];
beforeAll(async () => {
  host = new MediaHost();
  [sandbox, jpegs] = await Promise.all([
    startSandbox({ port: 0 }),
    Promise.all(
      (['red', 'green', 'blue'] as const).map((background, i) =>
        sharp({ create: { width: 20 + i * 10, height: 20, channels: 3, background } })
          .jpeg()
          .toBuffer(),
      ),
    ),
    host.start(),
  ]);
});
afterAll(() => Promise.all([sandbox.close(), host.close()]));
beforeEach(() => sandbox.clearFaults());

/** Not a playable film, but what the sandbox (like Graph) checks first: an MP4 `ftyp` box. */
const MP4 = Buffer.concat([
  Buffer.from([0, 0, 0, 0x18]),
  Buffer.from('ftypisom', 'latin1'),
  Buffer.from([0, 0, 2, 0]),
  Buffer.from('isommp41', 'latin1'),
  Buffer.alloc(64),
]);

function file(kind: PublishMedia['kind'], name: string, body: Buffer, type: string): PublishMedia {
  return {
    assetId: `asset-${Math.random().toString(36).slice(2)}`,
    kind,
    name,
    url: host.serve(name, body, type),
    contentType: type,
    sizeBytes: body.length,
    width: 20,
    height: 20,
    durationMs: kind === 'video' ? 1000 : null,
  };
}
const photo = (i: number, name = `photo-${i}.jpg`) => file('image', name, jpegs[i]!, 'image/jpeg');

const adapter = (config: Partial<FacebookAdapterConfig> = {}) =>
  createFacebookAdapter({ baseUrl: sandbox.facebookBaseUrl, ...config });

interface Attempt {
  caption: string;
  media: PublishMedia[];
  progress?: ProviderProgress | null;
  config?: Partial<FacebookAdapterConfig>;
  /** Called after the engine would have stored each report. */
  onProgress?: (progress: ProviderProgress) => void;
}

/** One publish attempt, with every progress report kept in order (the engine's store). */
function attempt({ caption, media, progress = null, config = {}, onProgress }: Attempt) {
  const saved: ProviderProgress[] = [];
  const request: PublishRequest = {
    account: { externalId: PAGE, accessToken: TOKEN },
    content: { caption, media },
    progress,
    saveProgress: (next) => {
      saved.push(structuredClone(next));
      onProgress?.(next);
      return Promise.resolve();
    },
  };
  const result = adapter(config).publish(request);
  return { result, saved };
}

async function failure(promise: Promise<unknown>): Promise<PublishError> {
  const error = await promise.then(
    () => expect.unreachable('publish should have failed'),
    (e: unknown) => e,
  );
  return error as PublishError;
}

const fault = (request: Omit<FaultRequest, 'platform'>) =>
  sandbox.injectFault({ platform: 'facebook', ...request });
const unique = (label: string) => `${label} ${Math.random().toString(36).slice(2)}`;
const postsWith = (caption: string) => sandbox.posts().filter((p) => p.message === caption);
const unpublishedPhotos = () =>
  sandbox.media().filter((m) => m.accountId === PAGE && m.postId === null);

/** The bytes the sandbox kept for a photo, as its post page serves them. */
async function keptBytes(mediaId: string): Promise<Buffer> {
  return Buffer.from(await (await fetch(`${sandbox.url}/facebook/media/${mediaId}`)).arrayBuffer());
}

/** A delay fault no test outlasts: the request hangs until the client gives up. */
const HANGS = 600_000;

describe('one photo', () => {
  it("is one photo post; its id is the Page post's, and nothing needs saving", async () => {
    const caption = unique('One photo');
    const media = [photo(0)];
    const { result, saved } = attempt({ caption, media });
    const published = await result;
    const [post] = postsWith(caption);
    expect(post?.media).toHaveLength(1);
    expect(published).toEqual({
      externalId: post!.id,
      url: `${sandbox.url}/facebook/posts/${post!.id}`,
    });
    expect(await keptBytes(post!.media![0]!.id)).toEqual(jpegs[0]);
    expect(host.fetchesOf(media[0]!.url)).toBe(1);
    expect(saved).toEqual([]);
  });

  it("a file Facebook will not take is permanent, in Facebook's words, naming the file", async () => {
    const caption = unique('Not an image');
    const media = [file('image', 'notes.jpg', Buffer.from('<html></html>'), 'text/html')];
    const error = await failure(attempt({ caption, media }).result);
    expect(error).toBeInstanceOf(PermanentPublishError);
    expect(error.platformCode).toBe('324');
    expect(error.message).toBe('notes.jpg: (#324) Missing or invalid image file');
    expect(postsWith(caption)).toEqual([]);
  });

  it('a timeout is ambiguous — and the photo post was made', async () => {
    fault({ fault: { type: 'delay', ms: HANGS } });
    const caption = unique('Slow photo');
    const error = await failure(
      attempt({ caption, media: [photo(1)], config: { timeoutMs: 300 } }).result,
    );
    expect(error).toBeInstanceOf(AmbiguousPublishError);
    expect(postsWith(caption)).toHaveLength(1);
  });
});

describe('several photos', () => {
  it('uploads each unpublished, saving progress after each, then posts them in order', async () => {
    const caption = unique('Three photos');
    const media = [photo(2), photo(0), photo(1)];
    const fetchedAtEachSave: number[] = [];
    const { result, saved } = attempt({
      caption,
      media,
      onProgress: () =>
        fetchedAtEachSave.push(media.filter((m) => host.fetchesOf(m.url) > 0).length),
    });
    const published = await result;

    // One report per upload, each naming every photo so far, before the next upload began.
    expect(fetchedAtEachSave).toEqual([1, 2, 3]);
    expect(saved).toHaveLength(3);
    const photoIds = (saved[2] as { photoIds: string[] }).photoIds;
    expect(saved.map((p) => p.photoIds)).toEqual([
      photoIds.slice(0, 1),
      photoIds.slice(0, 2),
      photoIds,
    ]);
    expect(saved.map((p) => p.assetIds)).toEqual([
      [media[0]!.assetId],
      [media[0]!.assetId, media[1]!.assetId],
      media.map((m) => m.assetId),
    ]);

    const [post] = postsWith(caption);
    expect(published).toEqual({
      externalId: post!.id,
      url: `${sandbox.url}/facebook/posts/${post!.id}`,
    });
    expect(post!.media?.map((m) => m.id)).toEqual(photoIds);
    const shown = await Promise.all(photoIds.map(keptBytes));
    expect(shown).toEqual([jpegs[2], jpegs[0], jpegs[1]]);
  });

  it('a retry after a failed upload continues after the last saved photo, uploading none twice', async () => {
    const caption = unique('Resumed');
    const media = [photo(0), photo(1), photo(2)];
    // Facebook has a hiccup on the third upload, once the second is saved.
    const first = attempt({
      caption,
      media,
      onProgress: (progress) => {
        if ((progress.photoIds as string[]).length === 2) {
          fault({ fault: { type: 'graph_error', status: 503, code: 2 } });
        }
      },
    });
    const error = await failure(first.result);
    expect(error).toBeInstanceOf(RetryablePublishError);
    expect(error.platformCode).toBe('2');
    expect(postsWith(caption)).toEqual([]);
    const afterFirst = first.saved.at(-1)!;
    expect(afterFirst.photoIds).toHaveLength(2);

    const second = attempt({ caption, media, progress: afterFirst });
    const published = await second.result;
    const [post] = postsWith(caption);
    expect(published.externalId).toBe(post!.id);
    const photoIds = (second.saved.at(-1) as { photoIds: string[] }).photoIds;
    expect(photoIds.slice(0, 2)).toEqual(afterFirst.photoIds);
    expect(post!.media?.map((m) => m.id)).toEqual(photoIds);
    expect(await Promise.all(photoIds.map(keptBytes))).toEqual(jpegs);
    for (const m of media) expect(host.fetchesOf(m.url)).toBe(1);
    expect(unpublishedPhotos().filter((m) => photoIds.includes(m.id))).toEqual([]);
  });

  it('an unanswered upload is retryable, not ambiguous: nothing shows on the Page', async () => {
    const caption = unique('Upload hangs');
    const media = [photo(0), photo(1)];
    fault({ fault: { type: 'delay', ms: HANGS } });
    const first = attempt({ caption, media, config: { timeoutMs: 300 } });
    const error = await failure(first.result);
    expect(error).toBeInstanceOf(RetryablePublishError);
    expect(error.message).toBe('Facebook did not answer within 0.3 s.');
    expect(first.saved).toEqual([]);
    expect(postsWith(caption)).toEqual([]);
  });

  it('a photo Facebook refuses is permanent and names the file; earlier ones stay saved', async () => {
    const caption = unique('Second refused');
    const media = [photo(0), file('image', 'scan.tiff', jpegs[1]!, 'image/tiff')];
    const { result, saved } = attempt({ caption, media });
    const error = await failure(result);
    expect(error).toBeInstanceOf(PermanentPublishError);
    expect(error.message).toBe('scan.tiff: (#324) Missing or invalid image file');
    expect(saved).toHaveLength(1);
    expect(postsWith(caption)).toEqual([]);
  });

  it('a timeout on the final feed post is ambiguous — and reconcile finds the post', async () => {
    const caption = unique('Final call hangs');
    const media = [photo(0), photo(1)];
    const { result, saved } = attempt({
      caption,
      media,
      config: { timeoutMs: 300 },
      onProgress: (progress) => {
        if ((progress.photoIds as string[]).length === 2)
          fault({ fault: { type: 'delay', ms: HANGS } });
      },
    });
    const started = new Date();
    const error = await failure(result);
    expect(error).toBeInstanceOf(AmbiguousPublishError);
    const [post] = postsWith(caption);
    expect(post?.media).toHaveLength(2);

    const outcome = await adapter().reconcile({
      account: { externalId: PAGE, accessToken: TOKEN },
      content: { caption, media: [] },
      progress: saved.at(-1)!,
      window: { from: started, to: new Date() },
    });
    expect(outcome).toEqual({
      status: 'published',
      post: { externalId: post!.id, url: `${sandbox.url}/facebook/posts/${post!.id}` },
    });
  });

  it('reconcile does not take uploaded photos for the post', async () => {
    const caption = unique('Photos but no post');
    const media = [photo(0), photo(1)];
    const { result, saved } = attempt({
      caption,
      media,
      onProgress: (progress) => {
        if ((progress.photoIds as string[]).length === 2) {
          fault({ fault: { type: 'drop_connection', afterAccepting: false } });
        }
      },
    });
    expect(await failure(result)).toBeInstanceOf(AmbiguousPublishError);
    const now = Date.now();
    const outcome = await adapter().reconcile({
      account: { externalId: PAGE, accessToken: TOKEN },
      content: { caption, media: [] },
      progress: saved.at(-1)!,
      window: { from: new Date(now - 60_000), to: new Date(now) },
    });
    expect(outcome).toEqual({ status: 'not_published' });
  });

  it('progress for other files is not reused: the photos are uploaded afresh', async () => {
    const caption = unique('Changed selection');
    const media = [photo(0), photo(1)];
    const stale = { photoIds: ['1', '2'], assetIds: ['asset-gone', 'asset-also-gone'] };
    const { result, saved } = attempt({ caption, media, progress: stale });
    await result;
    expect(saved.at(-1)?.photoIds).not.toContain('1');
    expect(postsWith(caption)[0]?.media).toHaveLength(2);
  });

  it('photos Facebook no longer has are forgotten, to be uploaded again on the next try', async () => {
    const caption = unique('Forgotten photos');
    const media = [photo(0), photo(1)];
    const forgotten = { photoIds: ['1', '2'], assetIds: media.map((m) => m.assetId) };
    const first = attempt({ caption, media, progress: forgotten });
    const error = await failure(first.result);
    expect(error).toBeInstanceOf(RetryablePublishError);
    expect(error.message).toMatch(/attached_media\[0\].*uploaded again/);
    expect(first.saved).toEqual([{ photoIds: [], assetIds: [] }]);

    await attempt({ caption, media, progress: first.saved[0]! }).result;
    expect(postsWith(caption)[0]?.media).toHaveLength(2);
  });

  it('a post id in progress still means published, with media too', async () => {
    const { result } = attempt({
      caption: 'ignored',
      media: [photo(0), photo(1)],
      progress: { postId: `${PAGE}_42` },
    });
    expect(await result).toEqual({
      externalId: `${PAGE}_42`,
      url: `${sandbox.url}/facebook/posts/${PAGE}_42`,
    });
  });
});

describe('a video', () => {
  it('is posted to /{page}/videos with file_url, description and title; its id opens the post', async () => {
    const seen: { url: string; params: URLSearchParams }[] = [];
    const recording: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      seen.push({ url: request.url, params: new URLSearchParams(await request.clone().text()) });
      return fetch(request);
    };
    const caption = unique('A video');
    const video = file('video', 'Launch teaser.final.mp4', MP4, 'video/mp4');
    const published = await attempt({ caption, media: [video], config: { fetch: recording } })
      .result;

    expect(seen).toHaveLength(1);
    expect(seen[0]!.url).toBe(`${sandbox.facebookBaseUrl}/v21.0/${PAGE}/videos`);
    expect(Object.fromEntries(seen[0]!.params)).toEqual({
      file_url: video.url,
      description: caption,
      title: 'Launch teaser.final',
    });
    const [post] = postsWith(caption);
    expect(published).toEqual({
      externalId: post!.id,
      url: `${sandbox.url}/facebook/posts/${post!.id}`,
    });
    const page = await fetch(published.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<video controls');
  });

  it('goes to graph-video.facebook.com for the real Graph API, or to videoBaseUrl', async () => {
    const urls: string[] = [];
    const toSandbox: typeof fetch = (input, init) => {
      const url = new Request(input, init).url;
      urls.push(url);
      return fetch(
        url.replace(/^https:\/\/graph(-video)?\.facebook\.com/, sandbox.facebookBaseUrl),
        init,
      );
    };
    const video = () => file('video', 'clip.mp4', MP4, 'video/mp4');
    const real = await attempt({
      caption: unique('real'),
      media: [video()],
      config: { baseUrl: 'https://graph.facebook.com', fetch: toSandbox },
    }).result;
    expect(urls.at(-1)).toBe(`https://graph-video.facebook.com/v21.0/${PAGE}/videos`);
    expect(real.url).toBe(`https://www.facebook.com/${real.externalId}`);

    await attempt({
      caption: unique('custom'),
      media: [video()],
      config: { videoBaseUrl: 'https://graph-video.facebook.com/', fetch: toSandbox },
    }).result;
    expect(urls.at(-1)).toBe(`https://graph-video.facebook.com/v21.0/${PAGE}/videos`);
  });

  it("a format Facebook does not take is permanent, in Facebook's words", async () => {
    const video = file('video', 'clip.avi', MP4, 'video/x-msvideo');
    const error = await failure(attempt({ caption: unique('avi'), media: [video] }).result);
    expect(error).toBeInstanceOf(PermanentPublishError);
    expect(error.platformCode).toBe('352');
    expect(error.message).toBe(
      "clip.avi: The video file you selected is in a format that we don't support.",
    );
  });

  it('records that a video was sent, so reconcile never takes "not in the feed yet" for "not posted"', async () => {
    // Refused before Facebook kept anything: the post is not in the feed, as while processing.
    fault({ fault: { type: 'drop_connection', afterAccepting: false } });
    const caption = unique('Video still processing');
    const started = new Date();
    const video = file('video', 'clip.mp4', MP4, 'video/mp4');
    const { result, saved } = attempt({ caption, media: [video] });
    await failure(result);
    expect(saved).toEqual([{ videoSent: video.assetId }]);
    const outcome = await adapter().reconcile({
      account: { externalId: PAGE, accessToken: TOKEN },
      content: { caption, media: [] },
      progress: saved.at(-1)!,
      window: { from: started, to: new Date() },
    });
    expect(outcome).toEqual({
      status: 'unknown',
      reason: 'Facebook may still be processing the video, so it does not show on the Page yet.',
    });
  });

  it('reconcile finds a video post whose answer was lost, by its description', async () => {
    fault({ fault: { type: 'drop_connection', afterAccepting: true } });
    const caption = unique('Lost video answer');
    const started = new Date();
    const error = await failure(
      attempt({ caption, media: [file('video', 'clip.mp4', MP4, 'video/mp4')] }).result,
    );
    expect(error).toBeInstanceOf(AmbiguousPublishError);
    const [post] = postsWith(caption);
    const outcome = await adapter().reconcile({
      account: { externalId: PAGE, accessToken: TOKEN },
      content: { caption, media: [] },
      progress: null,
      window: { from: started, to: new Date() },
    });
    expect(outcome).toEqual({
      status: 'published',
      post: { externalId: post!.id, url: `${sandbox.url}/facebook/posts/${post!.id}` },
    });
  });
});

describe('what a Facebook post cannot carry', () => {
  it.each([
    {
      name: 'a video with photos',
      media: () => [photo(0), file('video', 'clip.mp4', MP4, 'video/mp4')],
      message: /one video on its own/,
    },
    {
      name: 'eleven photos',
      media: () => Array.from({ length: 11 }, () => photo(0)),
      message: /at most 10 photos; this one has 11/,
    },
  ])('$name is refused as permanent before any request', async ({ media, message }) => {
    const files = media();
    const error = await failure(attempt({ caption: unique('too much'), media: files }).result);
    expect(error).toBeInstanceOf(PermanentPublishError);
    expect(error.message).toMatch(message);
    for (const f of files) expect(host.fetchesOf(f.url)).toBe(0);
  });
});
