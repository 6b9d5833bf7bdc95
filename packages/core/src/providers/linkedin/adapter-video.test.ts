// The LinkedIn adapter's article links and videos against the real sandbox over HTTP, with files
// served by Herald's own local media store (signed URLs, Range requests): an article card with
// its thumbnail, a video uploaded in parts and posted, an upload resumed without sending a
// finished part again, processing that makes the attempt wait, and processing that fails.
import { sandboxToken, startSandbox, type Sandbox } from '@herald/sandbox';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LinkedInSettings } from '../../domain/target-settings.ts';
import { startMediaServer } from '../../testing.ts';
import {
  NotReadyPublishError,
  PermanentPublishError,
  RetryablePublishError,
  type PublishError,
} from '../errors.ts';
import type { ProviderProgress, PublishMedia, PublishRequest } from '../types.ts';
import { createLinkedInAdapter } from './adapter.ts';

const MEMBER = 'urn:li:person:video1';
const TOKEN = sandboxToken('linkedin', MEMBER, 'video');
const VERSION = `${new Date().getUTCFullYear()}${String(new Date().getUTCMonth() + 1).padStart(2, '0')}`;
const PART = 64 * 1024;
/** The adapter's clock, fixed (upload URLs the sandbox hands out live a day from real time). */
const NOW = new Date();

let sandbox: Sandbox;
let media: Awaited<ReturnType<typeof startMediaServer>>;
let jpeg: Buffer;
beforeAll(async () => {
  [sandbox, media, jpeg] = await Promise.all([
    startSandbox({ port: 0 }),
    startMediaServer(),
    sharp({ create: { width: 1200, height: 627, channels: 3, background: '#2a6' } })
      .jpeg()
      .toBuffer(),
  ]);
});
afterAll(() => Promise.all([sandbox.close(), media.close()]));
beforeEach(async () => {
  sandbox.clearFaults();
  await sandboxSettings({ videoPartBytes: PART, videoProcessingPolls: 0 });
});

async function sandboxSettings(settings: object) {
  const response = await fetch(`${sandbox.baseUrl('linkedin')}/__sandbox/settings`, {
    method: 'POST',
    body: JSON.stringify(settings),
  });
  expect(response.status).toBe(200);
}

const unique = (label: string) => `${label} ${Math.random().toString(36).slice(2)}`;
let files = 0;

/** A file in the local store, as the engine hands it over: a signed URL that serves ranges. */
async function stored(
  kind: PublishMedia['kind'],
  name: string,
  body: Buffer,
  contentType: string,
): Promise<PublishMedia> {
  const key = `media/org-test/asset-${++files}/${name}`;
  await media.storage.put(key, body, { contentType });
  return {
    assetId: `asset-${files}`,
    kind,
    name,
    url: await media.storage.createDownloadUrl({ key, expiresInSeconds: 600 }),
    contentType,
    sizeBytes: body.length,
    width: kind === 'video' ? 1920 : 1200,
    height: kind === 'video' ? 1080 : 627,
    durationMs: kind === 'video' ? 12_000 : null,
  };
}

/** Bytes that begin as an MP4 does (an `ftyp` box), the rest varied so parts differ. */
function mp4(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i += 1) bytes[i] = (i * 31 + 7) % 251;
  bytes.writeUInt32BE(24, 0);
  bytes.write('ftypisom', 4, 'ascii');
  return bytes;
}

interface Attempt {
  caption: string;
  media?: PublishMedia[];
  settings?: LinkedInSettings;
  progress?: ProviderProgress | null;
  onProgress?: (progress: ProviderProgress) => void;
  now?: Date;
}

/** One publish attempt: every progress report kept, and every request to LinkedIn logged. */
function attempt({
  caption,
  media: files = [],
  settings,
  progress = null,
  onProgress,
  now = NOW,
}: Attempt) {
  const saved: ProviderProgress[] = [];
  const requests: string[] = [];
  const adapter = createLinkedInAdapter({
    baseUrl: sandbox.baseUrl('linkedin'),
    apiVersion: VERSION,
    now: () => now,
    processingRetryMs: 7_000,
    fetch: (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.origin === new URL(sandbox.url).origin) {
        const action = url.searchParams.get('action');
        const path = url.pathname.replace(/\/dms-uploads\/videos\/[^/]+\/(\d+)$/, '/part/$1');
        requests.push(`${init?.method ?? 'GET'} ${path}${action ? `?${action}` : ''}`);
      }
      return fetch(input, init);
    },
  });
  const request: PublishRequest = {
    account: { externalId: MEMBER, accessToken: TOKEN },
    content: { caption, media: files, ...(settings ? { settings } : {}) },
    progress,
    saveProgress: (next) => {
      saved.push(structuredClone(next));
      onProgress?.(next);
      return Promise.resolve();
    },
  };
  return { result: adapter.publish(request), saved, requests };
}

async function failure(promise: Promise<unknown>): Promise<PublishError> {
  return (await promise.then(
    () => expect.unreachable('publish should have failed'),
    (e: unknown) => e,
  )) as PublishError;
}

const postsWith = (caption: string) =>
  sandbox.posts().filter((p) => p.platform === 'linkedin' && p.message === caption);

/** The post as LinkedIn lists it (its `content`, as sent). */
async function listed(urn: string) {
  const query = new URLSearchParams({ q: 'author', author: MEMBER, count: '100' });
  const response = await fetch(`${sandbox.baseUrl('linkedin')}/rest/posts?${query.toString()}`, {
    headers: {
      authorization: `Bearer ${TOKEN}`,
      'linkedin-version': VERSION,
      'x-restli-protocol-version': '2.0.0',
    },
  });
  const { elements } = (await response.json()) as { elements: { id: string; content?: unknown }[] };
  return elements.find((e) => e.id === urn);
}

async function keptBytes(urn: string): Promise<Buffer> {
  const path = `/linkedin/media/${encodeURIComponent(urn)}`;
  return Buffer.from(await (await fetch(`${sandbox.url}${path}`)).arrayBuffer());
}

const IMAGE_INIT = 'POST /linkedin/rest/images?initializeUpload';
const VIDEO_INIT = 'POST /linkedin/rest/videos?initializeUpload';
const FINALIZE = 'POST /linkedin/rest/videos?finalizeUpload';
const POST = 'POST /linkedin/rest/posts';
const isImagePut = (r: string) => r.startsWith('PUT /linkedin/dms-uploads/urn');
const isStatus = (r: string) => r.startsWith('GET /linkedin/rest/videos/');

describe('article links', () => {
  it("posts the link as an article card, the post's photo uploaded as its thumbnail", async () => {
    const caption = unique('Read the launch story');
    const photo = await stored('image', 'card.jpg', jpeg, 'image/jpeg');
    const { result, requests } = attempt({
      caption,
      media: [photo],
      settings: {
        article: {
          url: 'https://example.com/launch?utm_source=linkedin',
          title: 'We launched',
          description: 'Everything about the launch',
        },
      },
    });
    const published = await result;
    expect(requests.map((r) => (isImagePut(r) ? 'PUT' : r))).toEqual([IMAGE_INIT, 'PUT', POST]);
    const [post] = postsWith(caption);
    expect(post).toMatchObject({ link: 'https://example.com/launch?utm_source=linkedin' });
    const thumbnail = post!.media![0]!.id;
    expect(await keptBytes(thumbnail)).toEqual(jpeg);
    expect((await listed(published.externalId))?.content).toEqual({
      article: {
        source: 'https://example.com/launch?utm_source=linkedin',
        title: 'We launched',
        description: 'Everything about the launch',
        thumbnail,
      },
    });
  });

  it("without a photo or a title: a card titled with the site's name", async () => {
    const caption = unique('Worth a read');
    const { result, requests } = attempt({
      caption,
      settings: { article: { url: 'https://blog.example.org/post/1' } },
    });
    const published = await result;
    expect(requests).toEqual([POST]);
    expect((await listed(published.externalId))?.content).toEqual({
      article: { source: 'https://blog.example.org/post/1', title: 'blog.example.org' },
    });
  });

  it('refuses an article with a video before anything is sent', async () => {
    const video = await stored('video', 'clip.mp4', mp4(PART), 'video/mp4');
    const { result, requests } = attempt({
      caption: unique('Article and film'),
      media: [video],
      settings: { article: { url: 'https://example.com/' } },
    });
    const error = await failure(result);
    expect(error).toBeInstanceOf(PermanentPublishError);
    expect(error.message).toBe(
      'A LinkedIn article link cannot carry a video: remove the video or the article link.',
    );
    expect(requests).toEqual([]);
  });
});

describe('videos', () => {
  it('registers the video, sends its parts, finalizes with their ETags and posts it', async () => {
    const caption = unique('Our film');
    const bytes = mp4(2 * PART + 1_000);
    const video = await stored('video', 'film.mp4', bytes, 'video/mp4');
    const { result, requests, saved } = attempt({ caption, media: [video] });
    const published = await result;
    expect(requests).toEqual([
      VIDEO_INIT,
      'PUT /linkedin/part/0',
      'PUT /linkedin/part/1',
      'PUT /linkedin/part/2',
      FINALIZE,
      expect.stringMatching(/^GET \/linkedin\/rest\/videos\/urn/),
      POST,
    ]);
    // Registered, three parts, finalized: each recorded before the next step.
    expect(saved).toHaveLength(5);
    expect(saved[2]).toMatchObject({ video: { parts: [{ etag: expect.any(String) }, {}, {}] } });
    const urn = (saved.at(-1)!.video as { video: string }).video;
    expect(saved.at(-1)).toMatchObject({ video: { video: urn, finalized: true } });
    const [post] = postsWith(caption);
    expect(post).toMatchObject({ id: published.externalId, media: [{ id: urn, kind: 'video' }] });
    expect(await keptBytes(urn)).toEqual(bytes);
    expect((await listed(published.externalId))?.content).toEqual({ media: { id: urn } });
  });

  it('resumes after a failed part without sending a finished part again', async () => {
    const caption = unique('Interrupted film');
    const bytes = mp4(3 * PART);
    const video = await stored('video', 'long.mp4', bytes, 'video/mp4');
    const first = attempt({
      caption,
      media: [video],
      // Once part 1 is recorded, LinkedIn's upload host fails the next request: part 2.
      onProgress: (p) => {
        const parts = (p.video as { parts: { etag?: string }[] } | undefined)?.parts ?? [];
        if (parts.filter((part) => part.etag).length === 1) {
          sandbox.injectFault({
            platform: 'linkedin',
            fault: { type: 'graph_error', status: 503, code: 0 },
          });
        }
      },
    });
    const error = await failure(first.result);
    expect(error).toBeInstanceOf(RetryablePublishError);
    expect(postsWith(caption)).toEqual([]);
    const progress = first.saved.at(-1)!;
    expect(progress).toMatchObject({ video: { finalized: false } });

    const second = attempt({ caption, media: [video], progress });
    await second.result;
    expect(second.requests.filter((r) => r.startsWith('PUT'))).toEqual([
      'PUT /linkedin/part/1',
      'PUT /linkedin/part/2',
    ]);
    expect(second.requests).not.toContain(VIDEO_INIT);
    const urn = (progress.video as { video: string }).video;
    expect(postsWith(caption)[0]?.media).toEqual([{ id: urn, kind: 'video' }]);
    expect(await keptBytes(urn)).toEqual(bytes);
  });

  it('parts left when the upload URLs have expired: the upload starts afresh', async () => {
    const caption = unique('Stale upload');
    const bytes = mp4(2 * PART);
    const video = await stored('video', 'stale.mp4', bytes, 'video/mp4');
    const first = attempt({
      caption,
      media: [video],
      onProgress: (p) => {
        const parts = (p.video as { parts: { etag?: string }[] } | undefined)?.parts ?? [];
        if (parts.filter((part) => part.etag).length === 1) {
          sandbox.injectFault({
            platform: 'linkedin',
            fault: { type: 'graph_error', status: 503, code: 0 },
          });
        }
      },
    });
    expect(await failure(first.result)).toBeInstanceOf(RetryablePublishError);
    const progress = first.saved.at(-1)!;
    const expiry = (progress.video as { uploadUrlsExpireAt: number }).uploadUrlsExpireAt;
    const second = attempt({
      caption,
      media: [video],
      progress,
      now: new Date(expiry + 1),
    });
    await second.result;
    expect(second.requests.slice(0, 3)).toEqual([
      VIDEO_INIT,
      'PUT /linkedin/part/0',
      'PUT /linkedin/part/1',
    ]);
    const urn = (second.saved.at(-1)!.video as { video: string }).video;
    expect(urn).not.toBe((progress.video as { video: string }).video);
    expect(await keptBytes(urn)).toEqual(bytes);
  });

  it('a finalize whose answer was lost is not repeated blindly: the status shows it went through', async () => {
    const caption = unique('Lost finalize');
    const video = await stored('video', 'clip.mp4', mp4(PART + 10), 'video/mp4');
    const first = attempt({
      caption,
      media: [video],
      onProgress: (p) => {
        const parts = (p.video as { parts: { etag?: string }[] } | undefined)?.parts ?? [];
        if (parts.length === 2 && parts.every((part) => part.etag)) {
          sandbox.injectFault({
            platform: 'linkedin',
            fault: { type: 'drop_connection', afterAccepting: true },
          });
        }
      },
    });
    expect(await failure(first.result)).toBeInstanceOf(RetryablePublishError);
    const second = attempt({ caption, media: [video], progress: first.saved.at(-1)! });
    await second.result;
    expect(second.requests.map((r) => (isStatus(r) ? 'STATUS' : r))).toEqual([
      FINALIZE,
      'STATUS',
      'STATUS',
      POST,
    ]);
    expect(postsWith(caption)).toHaveLength(1);
  });

  it('while LinkedIn processes the video the attempt waits; the next one only posts', async () => {
    await sandboxSettings({ videoProcessingPolls: 1 });
    const caption = unique('Processing film');
    const video = await stored('video', 'slow.mp4', mp4(PART + 500), 'video/mp4');
    const first = attempt({ caption, media: [video] });
    const error = await failure(first.result);
    expect(error).toBeInstanceOf(NotReadyPublishError);
    expect(error.retryAt).toEqual(new Date(NOW.getTime() + 7_000));
    expect(error.message).toBe(
      'LinkedIn is still processing slow.mp4; Herald will check again shortly.',
    );
    expect(postsWith(caption)).toEqual([]);

    const second = attempt({ caption, media: [video], progress: first.saved.at(-1)! });
    const published = await second.result;
    expect(second.requests.map((r) => (isStatus(r) ? 'STATUS' : r))).toEqual(['STATUS', POST]);
    expect(postsWith(caption)[0]?.id).toBe(published.externalId);
  });

  it('a video LinkedIn cannot process is a permanent failure, and a retry starts afresh', async () => {
    const caption = unique('Broken film');
    const notMp4 = Buffer.alloc(PART + 100, 3);
    const video = await stored('video', 'broken.mp4', notMp4, 'video/mp4');
    const first = attempt({ caption, media: [video] });
    const error = await failure(first.result);
    expect(error).toBeInstanceOf(PermanentPublishError);
    expect(error.platformCode).toBe('PROCESSING_FAILED');
    expect(error.message).toMatch(/^broken\.mp4: LinkedIn could not process the video \(.+\)\./);
    expect(postsWith(caption)).toEqual([]);
    expect(first.saved.at(-1)).toEqual({});
  });
});
