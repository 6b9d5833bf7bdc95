// The YouTube adapter against the real sandbox over HTTP: a video uploaded in 256 KiB chunks with
// progress saved after each, Shorts and the settings, processing (not ready, then done; rejected
// and failed uploads), custom thumbnails (a refusal is a notice, never a failure), metrics that
// grow with time, and refresh tokens that rotate.
import { sandboxToken, startSandbox, type Sandbox } from '@herald/sandbox';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AuthPublishError,
  NotReadyPublishError,
  PermanentPublishError,
  type PublishError,
} from '../errors.ts';
import { createAdapterRegistry } from '../registry.ts';
import type { ProviderProgress, PublishContent, PublishRequest } from '../types.ts';
import { createYouTubeAdapter, UPLOAD_CHUNK_UNIT, type YouTubeAdapterConfig } from './adapter.ts';
import { MediaHost, makeClip } from './test-media.ts';

let sandbox: Sandbox;
let host: MediaHost;
let clip: Buffer;
let vertical: Buffer;
let jpeg: Buffer;
beforeAll(async () => {
  host = new MediaHost();
  [sandbox, clip, vertical, jpeg] = await Promise.all([
    startSandbox({ port: 0 }),
    makeClip('640x360'),
    makeClip('360x640'),
    sharp({ create: { width: 1280, height: 720, channels: 3, background: 'orange' } })
      .jpeg()
      .toBuffer(),
    host.start(),
  ]);
});
afterAll(() => Promise.all([sandbox.close(), host.close()]));
beforeEach(async () => {
  sandbox.clearFaults();
  await settings({ processingPolls: 0, dailyQuotaUnits: 1_000_000, rejectDuplicates: true });
});

const base = () => sandbox.baseUrl('youtube');
const settings = (body: object) =>
  fetch(`${base()}/__sandbox/settings`, { method: 'POST', body: JSON.stringify(body) });
const advance = (ms: number) =>
  fetch(`${base()}/__sandbox/clock`, { method: 'POST', body: JSON.stringify({ advanceMs: ms }) });

let channels = 0;
/** A channel of its own per test: the sandbox rejects a channel's duplicate uploads. */
function newChannel(prefix = 'UCadaptertest') {
  const externalId = `${prefix}${String(++channels).padStart(24 - prefix.length, '0')}`;
  return { externalId, accessToken: sandboxToken('youtube', externalId, 'test') };
}

/** An adapter whose calls to YouTube are recorded: method, path and Content-Range. */
function recordingAdapter(extra: Partial<YouTubeAdapterConfig> = {}) {
  const calls: string[] = [];
  const adapter = createYouTubeAdapter({
    baseUrl: base(),
    chunkBytes: UPLOAD_CHUNK_UNIT,
    fetch: (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.href.startsWith(base())) {
        const range = new Headers(init?.headers).get('content-range');
        calls.push(`${init?.method ?? 'GET'} ${url.pathname}${range ? ` ${range}` : ''}`);
      }
      return fetch(input, init);
    },
    ...extra,
  });
  return { adapter, calls };
}

function request(
  content: Partial<PublishContent> & { caption: string },
  account = newChannel(),
  progress: ProviderProgress | null = null,
) {
  const saved: ProviderProgress[] = [];
  const req: PublishRequest = {
    account,
    content: { media: [], ...content },
    progress,
    saveProgress: (next) => {
      saved.push(structuredClone(next));
      return Promise.resolve();
    },
  };
  return { req, saved, account };
}

const video = (body = clip, name = 'roast.mp4') => host.media(name, body, 'video', 'video/mp4');

async function failure(promise: Promise<unknown>): Promise<PublishError> {
  return (await promise.then(
    () => expect.unreachable('publish should have failed'),
    (e: unknown) => e,
  )) as PublishError;
}

interface VideoJson {
  snippet: { title: string; description: string; tags?: string[]; categoryId: string };
  status: { privacyStatus: string; selfDeclaredMadeForKids: boolean; uploadStatus: string };
}

async function videoOnYouTube(id: string, token: string): Promise<VideoJson> {
  const response = await fetch(`${base()}/youtube/v3/videos?part=snippet,status&id=${id}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return ((await response.json()) as { items: VideoJson[] }).items[0]!;
}

describe('uploading a video', () => {
  it('sends it in 256 KiB chunks, saving what YouTube confirmed after each', async () => {
    const caption = 'Harvest day at the farm\nWe picked 400 kg of cherries <3 & roasted them.';
    const { req, saved, account } = request({ caption, media: [video()] });
    const { adapter, calls } = recordingAdapter();
    const published = await adapter.publish(req);

    expect(published.url).toBe(`${base()}/watch?v=${published.externalId}`);
    expect(published.notice).toBeUndefined();
    const total = clip.length;
    const starts: number[] = [];
    for (let at = 0; at < total; at += UPLOAD_CHUNK_UNIT) starts.push(at);
    expect(starts.length).toBeGreaterThanOrEqual(3);
    expect(calls).toEqual([
      'POST /youtube/upload/youtube/v3/videos',
      ...starts.map(
        (at) =>
          `PUT /youtube/upload/youtube/v3/videos bytes ${at}-${Math.min(at + UPLOAD_CHUNK_UNIT, total) - 1}/${total}`,
      ),
      'GET /youtube/youtube/v3/videos',
    ]);
    // Saved: the session, each chunk YouTube confirmed, the last chunk about to go, the video.
    const confirmed = saved.map(
      (p) => (p.upload as { confirmedBytes: number } | undefined)?.confirmedBytes,
    );
    const last = starts.at(-1)!;
    expect(confirmed).toEqual([0, ...starts.slice(1), last, undefined]);
    expect(saved.at(-1)).toMatchObject({ videoId: published.externalId });

    const post = sandbox.posts().find((p) => p.id === published.externalId)!;
    expect(post).toMatchObject({
      platform: 'youtube',
      accountId: account.externalId,
      title: 'Harvest day at the farm',
      // YouTube refuses < and > in descriptions: they are shown as ‹ and ›.
      message: 'Harvest day at the farm\nWe picked 400 kg of cherries ‹3 & roasted them.',
    });
    const kept = await fetch(`${base()}/media/${published.externalId}`);
    expect(Buffer.from(await kept.arrayBuffer()).equals(clip)).toBe(true);
    const onYouTube = await videoOnYouTube(published.externalId, account.accessToken);
    expect(onYouTube).toMatchObject({
      snippet: { categoryId: '22' },
      status: {
        privacyStatus: 'public',
        selfDeclaredMadeForKids: false,
        uploadStatus: 'processed',
      },
    });
  });

  it('publishes a Short with the settings chosen, tagged #Shorts, at its Shorts address', async () => {
    const { req, account } = request({
      caption: 'Latte art in 20 seconds',
      media: [video(vertical, 'latte.mp4')],
      settings: {
        postType: 'short',
        title: 'Latte art, fast',
        tags: ['latte art', 'coffee'],
        privacy: 'unlisted',
        madeForKids: true,
        categoryId: '26',
      },
    });
    const published = await recordingAdapter().adapter.publish(req);
    expect(published.url).toBe(`${base()}/shorts/${published.externalId}`);
    expect(await videoOnYouTube(published.externalId, account.accessToken)).toMatchObject({
      snippet: {
        title: 'Latte art, fast',
        description: 'Latte art in 20 seconds\n\n#Shorts',
        tags: ['latte art', 'coffee'],
        categoryId: '26',
      },
      status: { privacyStatus: 'unlisted', selfDeclaredMadeForKids: true },
    });
  });

  it('refuses, before any call, what YouTube would refuse', async () => {
    const { adapter, calls } = recordingAdapter();
    const long = await failure(
      adapter.publish(request({ caption: 'ü'.repeat(2_600), media: [video()] }).req),
    );
    expect(long).toBeInstanceOf(PermanentPublishError);
    expect(long.message).toMatch(/5,200 bytes.*5,000/);
    const two = await failure(
      adapter.publish(request({ caption: 'x', media: [video(), video()] }).req),
    );
    expect(two.message).toMatch(/one video; this one has 2 videos/);
    const none = await failure(adapter.publish(request({ caption: 'x' }).req));
    expect(none.message).toMatch(/needs a video/);
    expect(calls).toEqual([]);
  });

  it('is registered when configured', () => {
    const adapterFor = createAdapterRegistry({
      facebook: { baseUrl: 'http://127.0.0.1:9/facebook' },
      youtube: { baseUrl: 'http://127.0.0.1:9/youtube' },
    });
    expect(adapterFor('youtube').platform).toBe('youtube');
    expect(adapterFor('youtube').rules.maxCaptionLength).toBe(5000);
  });
});

describe('processing', () => {
  it('is not ready while YouTube processes, at the time it estimates, and never uploads twice', async () => {
    await settings({ processingPolls: 2 });
    const now = new Date('2026-12-03T10:00:00Z');
    const { adapter, calls } = recordingAdapter({ now: () => now });
    const first = request({ caption: 'Slow roast', media: [video()] });
    const waiting = await failure(adapter.publish(first.req));
    expect(waiting).toBeInstanceOf(NotReadyPublishError);
    expect(waiting.retryAt).toEqual(new Date(now.getTime() + 30_000));
    const progress = first.saved.at(-1)!;
    expect(progress).toMatchObject({ videoId: expect.any(String) as string });

    const second = request({ caption: 'Slow roast', media: [video()] }, first.account, progress);
    const still = await failure(adapter.publish(second.req));
    expect(still.retryAt).toEqual(new Date(now.getTime() + 15_000));
    const third = request({ caption: 'Slow roast', media: [video()] }, first.account, progress);
    const published = await adapter.publish(third.req);
    expect(published.externalId).toBe(progress.videoId);
    expect(calls.filter((c) => c.startsWith('POST'))).toHaveLength(1);
    expect(sandbox.posts().filter((p) => p.id === published.externalId)).toHaveLength(1);
  });

  it('counts as published, with a notice, once Herald has waited long enough', async () => {
    await settings({ processingPolls: 5 });
    let now = new Date('2026-12-03T10:00:00Z');
    const { adapter } = recordingAdapter({ now: () => now, maxProcessingWaitMs: 10 * 60_000 });
    const first = request({ caption: 'Long processing', media: [video()] });
    await expect(adapter.publish(first.req)).rejects.toBeInstanceOf(NotReadyPublishError);
    now = new Date(now.getTime() + 11 * 60_000);
    const later = request(
      { caption: 'Long processing', media: [video()] },
      first.account,
      first.saved.at(-1),
    );
    const published = await adapter.publish(later.req);
    expect(published.externalId).toBe(first.saved.at(-1)!.videoId);
    expect(published.notice).toMatch(/still processing/);
  });

  it('a duplicate YouTube rejects is a permanent failure that says why', async () => {
    const account = newChannel();
    const { adapter } = recordingAdapter();
    await adapter.publish(request({ caption: 'Once', media: [video()] }, account).req);
    const error = await failure(
      adapter.publish(request({ caption: 'Twice', media: [video()] }, account).req),
    );
    expect(error).toBeInstanceOf(PermanentPublishError);
    expect(error.platformCode).toBe('rejected:duplicate');
    expect(error.message).toBe(
      'YouTube rejected the video because it duplicates a video already on the channel.',
    );
  });

  it('a file YouTube cannot read fails with the reason', async () => {
    const junk = Buffer.alloc(300_000, 7);
    const error = await failure(
      recordingAdapter().adapter.publish(
        request({ caption: 'Junk', media: [video(junk, 'junk.mp4')] }).req,
      ),
    );
    expect(error).toBeInstanceOf(PermanentPublishError);
    expect(error.platformCode).toBe('failed:invalidFile');
    expect(error.message).toMatch(/not a video YouTube can read/);
  });
});

describe('custom thumbnails', () => {
  it('sets the thumbnail from the post’s image', async () => {
    const { req, saved } = request({
      caption: 'With a thumbnail',
      media: [video()],
      thumbnail: host.media('cover.jpg', jpeg, 'image', 'image/jpeg'),
    });
    const published = await recordingAdapter().adapter.publish(req);
    expect(published.notice).toBeUndefined();
    expect(saved.at(-1)).toMatchObject({ thumbnail: { state: 'set' } });
    const kept = sandbox.media().find((m) => m.id === `${published.externalId}.thumbnail`);
    expect(kept).toMatchObject({
      kind: 'image',
      contentType: 'image/jpeg',
      sizeBytes: jpeg.length,
    });
  });

  it('publishes anyway when YouTube refuses it, and says so in a notice', async () => {
    // The sandbox's Fjord Outdoor channel is not verified: no custom thumbnails.
    const id = 'UCfjordoutdoor_sbx000001';
    const fjord = { externalId: id, accessToken: sandboxToken('youtube', id, 'test') };
    const { req, saved } = request(
      {
        caption: 'Trail report',
        media: [video()],
        thumbnail: host.media('cover.jpg', jpeg, 'image', 'image/jpeg'),
      },
      fjord,
    );
    const published = await recordingAdapter().adapter.publish(req);
    expect(published.notice).toMatch(
      /custom thumbnail was not set \(.*can't be set for the specified video.*\)/,
    );
    expect(saved.at(-1)).toMatchObject({ thumbnail: { state: 'failed' } });
    expect(sandbox.posts().some((p) => p.id === published.externalId)).toBe(true);
  });
});

describe('metrics', () => {
  it('reads views, likes and comments, which grow with time', async () => {
    const { req, account } = request({ caption: 'Popular', media: [video()] });
    const { adapter } = recordingAdapter();
    const post = await adapter.publish(req);
    await advance(2 * 3600_000);
    const early = await adapter.fetchMetrics!({ account, post });
    expect(early.views).toBeGreaterThan(0);
    expect(early).toMatchObject({ shares: null, impressions: early.views });
    await advance(48 * 3600_000);
    const later = await adapter.fetchMetrics!({ account, post });
    expect(later.views!).toBeGreaterThan(early.views!);
    expect(later.likes!).toBeGreaterThanOrEqual(early.likes!);
  });

  it('a video that is gone is a permanent error', async () => {
    const account = newChannel();
    const error = await failure(
      recordingAdapter().adapter.fetchMetrics!({
        account,
        post: { externalId: 'gonegonegon', url: '' },
      }),
    );
    expect(error).toBeInstanceOf(PermanentPublishError);
  });
});

describe('refreshing tokens', () => {
  it('answers a new refresh token, and the spent one is refused afterwards', async () => {
    const channel = newChannel().externalId;
    const first = `sbxr-youtube-${channel}-first`;
    const now = new Date('2026-12-03T10:00:00Z');
    const adapter = createYouTubeAdapter({
      baseUrl: base(),
      now: () => now,
      oauth: { clientId: 'herald-test', clientSecret: 'secret', tokenUrl: base() },
    });
    const fresh = await adapter.refreshToken!({ accessToken: 'old', refreshToken: first });
    expect(fresh.accessToken).toMatch(new RegExp(`^sbx-youtube-${channel}-`));
    expect(fresh.expiresAt).toEqual(new Date(now.getTime() + 3599_000));
    expect(fresh.refreshToken).toMatch(/^sbxr-youtube-/);
    expect(fresh.refreshToken).not.toBe(first);

    const spent = await failure(adapter.refreshToken!({ accessToken: 'old', refreshToken: first }));
    expect(spent).toBeInstanceOf(AuthPublishError);
    expect(spent.platformCode).toBe('invalid_grant');
    expect(spent.message).not.toContain(first);
    const next = await adapter.refreshToken!({
      accessToken: fresh.accessToken,
      refreshToken: fresh.refreshToken!,
    });
    expect(next.refreshToken).not.toBe(fresh.refreshToken);
  });

  it('without the app credentials, says which settings are missing', async () => {
    const error = await failure(
      createYouTubeAdapter({ baseUrl: base() }).refreshToken!({
        accessToken: 'a',
        refreshToken: 'r',
      }),
    );
    expect(error).toBeInstanceOf(PermanentPublishError);
    expect(error.message).toMatch(/YOUTUBE_CLIENT_ID/);
  });
});
