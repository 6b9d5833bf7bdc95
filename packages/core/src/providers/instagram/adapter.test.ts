// The Instagram adapter against the real sandbox over HTTP, with files served from a small
// local host as signed storage URLs are: each post type, resuming without repeating a step,
// video processing as a short retry, the ambiguous final call settled by reconcile, and the
// platform's errors, quota and token exchange.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sandboxToken, startSandbox, type FaultRequest, type Sandbox } from '@herald/sandbox';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AmbiguousPublishError,
  AuthPublishError,
  PermanentPublishError,
  RateLimitedPublishError,
  RetryablePublishError,
  type PublishError,
} from '../errors.ts';
import type { InstagramSettings } from '../../domain/target-settings.ts';
import type { ProviderProgress, PublishMedia, PublishRequest } from '../types.ts';
import {
  createInstagramAdapter,
  instagramPostTypeFor,
  type InstagramAdapterConfig,
} from './adapter.ts';

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

/** Not a playable film, but what the sandbox (like Instagram) checks first: an MP4 `ftyp` box. */
const MP4 = Buffer.concat([
  Buffer.from([0, 0, 0, 0x18]),
  Buffer.from('ftypisom', 'latin1'),
  Buffer.from([0, 0, 2, 0]),
  Buffer.from('isommp41', 'latin1'),
  Buffer.alloc(64),
]);

let sandbox: Sandbox;
let host: MediaHost;
let images: { square: Buffer; portrait: Buffer; vertical: Buffer; png: Buffer };
beforeAll(async () => {
  host = new MediaHost();
  const make = (width: number, height: number, background: string) =>
    sharp({ create: { width, height, channels: 3, background } });
  const [square, portrait, vertical, png] = await Promise.all([
    make(30, 30, 'red').jpeg().toBuffer(),
    make(40, 50, 'green').jpeg().toBuffer(),
    make(36, 64, 'blue').jpeg().toBuffer(),
    make(30, 30, 'red').png().toBuffer(),
    host.start(),
  ]);
  images = { square: square, portrait: portrait, vertical: vertical, png: png };
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => Promise.all([sandbox.close(), host.close()]));
afterEach(async () => {
  sandbox.clearFaults();
  await configure({ processingPolls: 1, publishCap: 50 });
});

let accounts = 0;
/** A fresh Instagram account per test, so listings and quotas do not mix. */
function account() {
  accounts += 1;
  const externalId = `178414000000${String(accounts).padStart(5, '0')}`;
  return { externalId, accessToken: sandboxToken('instagram', externalId, 'adapter') };
}

async function configure(config: { processingPolls?: number; publishCap?: number }) {
  const response = await fetch(`${sandbox.baseUrl('instagram')}/__sandbox/config`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(config),
  });
  expect(response.status).toBe(200);
}

function file(kind: PublishMedia['kind'], name: string, body: Buffer, type: string): PublishMedia {
  return {
    assetId: `asset-${Math.random().toString(36).slice(2)}`,
    kind,
    name,
    url: host.serve(name, body, type),
    contentType: type,
    sizeBytes: body.length,
    width: 30,
    height: 30,
    durationMs: kind === 'video' ? 5000 : null,
  };
}
const photo = (body = images.square, name = 'photo.jpg') => file('image', name, body, 'image/jpeg');
const video = (name = 'clip.mp4') => file('video', name, MP4, 'video/mp4');

const NOW = new Date('2026-12-03T12:00:00Z');
const adapter = (config: Partial<InstagramAdapterConfig> = {}) =>
  createInstagramAdapter({ baseUrl: sandbox.baseUrl('instagram'), now: () => NOW, ...config });
const fault = (request: Omit<FaultRequest, 'platform'>) =>
  sandbox.injectFault({ platform: 'instagram', ...request });
const unique = (label: string) => `${label} ${Math.random().toString(36).slice(2)}`;

interface Attempt {
  who: ReturnType<typeof account>;
  caption: string;
  media: PublishMedia[];
  progress?: ProviderProgress | null;
  /** The target's settings (content.settings), as the engine hands them over. */
  settings?: InstagramSettings;
  config?: Partial<InstagramAdapterConfig>;
  /** Called after the engine would have stored each report. */
  onProgress?: (progress: ProviderProgress) => void;
}

/** One publish attempt, with every progress report kept in order (the engine's store). */
function attempt({ who, caption, media, progress = null, settings, config, onProgress }: Attempt) {
  const saved: ProviderProgress[] = [];
  const request: PublishRequest = {
    account: who,
    content: { caption, media, ...(settings ? { settings } : {}) },
    progress,
    saveProgress: (p) => {
      saved.push(structuredClone(p));
      onProgress?.(p);
      return Promise.resolve();
    },
  };
  const result = adapter(config).publish(request);
  return { result, saved, last: () => saved.at(-1) ?? progress };
}

async function failure(promise: Promise<unknown>): Promise<PublishError> {
  return (await promise.then(
    () => expect.unreachable('publish should have failed'),
    (e: unknown) => e,
  )) as PublishError;
}

const postsOf = (who: { externalId: string }) =>
  sandbox.posts().filter((p) => p.platform === 'instagram' && p.accountId === who.externalId);

async function productType(id: string, who: ReturnType<typeof account>) {
  const response = await fetch(
    `${sandbox.baseUrl('instagram')}/v21.0/${id}?fields=media_product_type,media_type`,
    { headers: { authorization: `Bearer ${who.accessToken}` } },
  );
  return (await response.json()) as { media_product_type: string; media_type: string };
}

describe('instagramPostTypeFor', () => {
  it('decides from the media, and takes a story only when asked', () => {
    expect(instagramPostTypeFor([{ kind: 'image' }])).toBe('image');
    expect(instagramPostTypeFor([{ kind: 'video' }])).toBe('reel');
    expect(instagramPostTypeFor([{ kind: 'image' }, { kind: 'video' }])).toBe('carousel');
    expect(instagramPostTypeFor([{ kind: 'video' }], 'story')).toBe('story');
    expect(() => instagramPostTypeFor([])).toThrow(PermanentPublishError);
    expect(() =>
      instagramPostTypeFor(Array.from({ length: 11 }, () => ({ kind: 'image' as const }))),
    ).toThrow(/at most 10/);
    expect(() => instagramPostTypeFor([{ kind: 'image' }], 'reel')).toThrow(/one video/);
  });
});

describe('single image', () => {
  it('saves the container, publishes it, and answers the id with a permalink that opens', async () => {
    const who = account();
    const caption = unique('Fresh roast ☕ #coffee @friend');
    const media = [photo()];
    const { result, saved } = attempt({ who, caption, media });
    const published = await result;
    const [post] = postsOf(who);
    expect(post).toMatchObject({ id: published.externalId, message: caption });
    expect(published.url).toBe(`${sandbox.url}/instagram/posts/${post!.id}`);
    expect((await fetch(published.url)).status).toBe(200);
    // The container was saved before media_publish, the id after it.
    expect(saved[0]).toEqual({
      postType: 'image',
      assetIds: [media[0]!.assetId],
      items: [],
      containerId: expect.any(String) as string,
    });
    expect(saved.at(-1)).toMatchObject({ mediaId: published.externalId });
    expect(host.fetchesOf(media[0]!.url)).toBe(1);
  });

  it("a PNG is refused permanently with Instagram's message and the file's name", async () => {
    const error = await failure(
      attempt({
        who: account(),
        caption: 'png',
        media: [file('image', 'logo.png', images.png, 'image/png')],
      }).result,
    );
    expect(error).toBeInstanceOf(PermanentPublishError);
    expect(error.platformCode).toBe('36001/2207005');
    expect(error.message).toMatch(/^logo\.png: The image format is not supported/);
  });

  it('a caption with 31 hashtags is refused permanently (36004/2207010)', async () => {
    const caption = Array.from({ length: 31 }, (_, i) => `#tag${i}`).join(' ');
    const error = await failure(attempt({ who: account(), caption, media: [photo()] }).result);
    expect(error).toBeInstanceOf(PermanentPublishError);
    expect(error.platformCode).toBe('36004/2207010');
    expect(error.message).toContain('30 hashtags');
  });
});

describe('reels: processing is a short retry, never a wait', () => {
  it('ends each attempt retryable a few seconds ahead while IN_PROGRESS, keeping the container', async () => {
    await configure({ processingPolls: 2 });
    const who = account();
    const caption = unique('A reel');
    const media = [video()];
    const first = attempt({ who, caption, media });
    const error = await failure(first.result);
    expect(error).toBeInstanceOf(RetryablePublishError);
    expect(error.platformCode).toBe('IN_PROGRESS');
    expect(error.retryAt).toEqual(new Date(NOW.getTime() + 5_000));
    const containerId = (first.last() as { containerId: string }).containerId;

    const second = attempt({ who, caption, media, progress: first.last() });
    expect(await failure(second.result)).toBeInstanceOf(RetryablePublishError);
    expect(second.saved).toEqual([]);

    const third = attempt({ who, caption, media, progress: second.last() });
    const published = await third.result;
    expect(third.saved.at(-1)).toMatchObject({ containerId, mediaId: published.externalId });
    expect(host.fetchesOf(media[0]!.url)).toBe(1);
    expect(postsOf(who)).toHaveLength(1);
    expect(await productType(published.externalId, who)).toMatchObject({
      media_product_type: 'REELS',
    });
  });

  it('a file Instagram cannot process fails permanently with what was wrong', async () => {
    await configure({ processingPolls: 0 });
    const media = [file('video', 'not-a-film.mp4', images.square, 'video/mp4')];
    const error = await failure(attempt({ who: account(), caption: 'bad', media }).result);
    expect(error).toBeInstanceOf(PermanentPublishError);
    expect(error.platformCode).toBe('ERROR/2207026');
    expect(error.message).toMatch(/video format is not supported/);
  });
});

describe('carousel', () => {
  it('resumes after a fault mid-way without making any item twice', async () => {
    await configure({ processingPolls: 0 });
    const who = account();
    const caption = unique('Three things');
    const media = [photo(), video(), photo(images.portrait, 'tall.jpg')];
    let reports = 0;
    const first = attempt({
      who,
      caption,
      media,
      // After the first item is stored, the next request fails as a server error would.
      onProgress: () => {
        reports += 1;
        if (reports === 1) {
          fault({ fault: { type: 'graph_error', status: 500, code: 2, is_transient: true } });
        }
      },
    });
    expect(await failure(first.result)).toBeInstanceOf(RetryablePublishError);
    expect(first.last()).toMatchObject({ postType: 'carousel', items: [expect.any(String)] });

    const second = attempt({ who, caption, media, progress: first.last() });
    const published = await second.result;
    const [post] = postsOf(who);
    expect(post?.id).toBe(published.externalId);
    expect(post?.media?.map((m) => m.kind)).toEqual(['image', 'video', 'image']);
    for (const m of media) expect(host.fetchesOf(m.url)).toBe(1);
    expect((second.last() as { items: string[] }).items).toHaveLength(3);
    expect(await productType(published.externalId, who)).toMatchObject({
      media_type: 'CAROUSEL_ALBUM',
    });
  });
});

describe('media_publish refusals before anything is visible', () => {
  it('not ready yet (9007/2207027) is a short retry that keeps the container', async () => {
    const who = account();
    const media = [photo()];
    const first = attempt({
      who,
      caption: 'not ready',
      media,
      onProgress: () =>
        fault({ fault: { type: 'graph_error', status: 400, code: 9007, subcode: 2207027 } }),
    });
    const error = await failure(first.result);
    expect(error).toBeInstanceOf(RetryablePublishError);
    expect(error.retryAt).toEqual(new Date(NOW.getTime() + 5_000));
    const second = attempt({ who, caption: 'not ready', media, progress: first.last() });
    await second.result;
    expect(second.saved.at(-1)).toMatchObject({
      containerId: (first.last() as { containerId: string }).containerId,
    });
    expect(host.fetchesOf(media[0]!.url)).toBe(1);
  });

  it('an expired container (2207020) is forgotten, and the next attempt makes a new one', async () => {
    const who = account();
    const media = [photo()];
    const first = attempt({
      who,
      caption: 'expired',
      media,
      onProgress: (p) => {
        if ('containerId' in p) {
          fault({ fault: { type: 'graph_error', status: 400, code: -2, subcode: 2207020 } });
        }
      },
    });
    expect(await failure(first.result)).toBeInstanceOf(RetryablePublishError);
    expect(first.last()).toEqual({ postType: 'image', assetIds: [media[0]!.assetId], items: [] });
    const second = attempt({ who, caption: 'expired', media, progress: first.last() });
    await second.result;
    expect(host.fetchesOf(media[0]!.url)).toBe(2);
    expect(postsOf(who)).toHaveLength(1);
  });
});

describe('post types chosen in the settings', () => {
  it("publishes a story when the target's settings ask for one", async () => {
    const who = account();
    const { result, saved } = attempt({
      who,
      caption: 'ignored by stories',
      media: [photo(images.vertical, 'story.jpg')],
      settings: { postType: 'story' },
    });
    const published = await result;
    expect(saved[0]).toMatchObject({ postType: 'story' });
    expect(await productType(published.externalId, who)).toMatchObject({
      media_product_type: 'STORY',
    });
  });

  it('a photo without settings is a feed post (and a 9:16 one is refused there, not a story)', async () => {
    const who = account();
    const { result } = attempt({ who, caption: unique('Feed, not story'), media: [photo()] });
    const published = await result;
    expect(await productType(published.externalId, who)).toMatchObject({
      media_product_type: 'FEED',
    });
    const vertical = attempt({
      who,
      caption: unique('Too tall for the feed'),
      media: [photo(images.vertical, 'story.jpg')],
    });
    expect((await failure(vertical.result)).platformCode).toBe('36003/2207009');
  });

  it('a reel asked for with a photo is refused before anything is sent', async () => {
    const who = account();
    const media = [photo(images.vertical, 'not-a-reel.jpg')];
    const error = await failure(
      attempt({ who, caption: unique('Reel?'), media, settings: { postType: 'reel' } }).result,
    );
    expect(error).toBeInstanceOf(PermanentPublishError);
    expect(error.message).toBe('An Instagram reel takes one video on its own.');
    expect(host.fetchesOf(media[0]!.url)).toBe(0);
    expect(postsOf(who)).toEqual([]);
  });

  it('settings Instagram does not have are refused with a sentence', async () => {
    const who = account();
    const error = await failure(
      attempt({
        who,
        caption: unique('Odd settings'),
        media: [photo()],
        settings: { postType: 'short' } as unknown as InstagramSettings,
      }).result,
    );
    expect(error).toBeInstanceOf(PermanentPublishError);
    expect(error.message).toMatch(/^Instagram settings: postType: /);
    expect(postsOf(who)).toEqual([]);
  });
});

describe('ambiguous media_publish and reconcile', () => {
  it('a dropped answer to media_publish is ambiguous; reconcile finds the post through its container', async () => {
    const who = account();
    const caption = unique('Lost answer');
    const media = [photo()];
    const first = attempt({
      who,
      caption,
      media,
      // The container is stored: the next publishing request (media_publish) loses its answer.
      onProgress: () => fault({ fault: { type: 'drop_connection', afterAccepting: true } }),
    });
    const error = await failure(first.result);
    expect(error).toBeInstanceOf(AmbiguousPublishError);
    const [post] = postsOf(who);
    expect(post).toBeDefined();

    const outcome = await adapter().reconcile({
      account: who,
      content: { caption, media: [] },
      progress: first.last(),
      window: { from: new Date(Date.now() - 60_000), to: new Date() },
    });
    expect(outcome).toEqual({
      status: 'published',
      post: { externalId: post!.id, url: `${sandbox.url}/instagram/posts/${post!.id}` },
    });

    // A retry that reaches publish anyway never publishes a PUBLISHED container again.
    const retry = attempt({ who, caption, media, progress: first.last() });
    expect(await failure(retry.result)).toBeInstanceOf(AmbiguousPublishError);
    expect(postsOf(who)).toHaveLength(1);
  });

  it('an unpublished container is not_published; without one, the caption is looked for', async () => {
    const who = account();
    const caption = unique('Never went out');
    const first = attempt({
      who,
      caption,
      media: [photo()],
      onProgress: () =>
        fault({ fault: { type: 'graph_error', status: 500, code: 1, is_transient: true } }),
    });
    expect(await failure(first.result)).toBeInstanceOf(RetryablePublishError);
    const window = { from: new Date(Date.now() - 60_000), to: new Date() };
    const reconcile = (progress: ProviderProgress | null, text = caption) =>
      adapter().reconcile({
        account: who,
        content: { caption: text, media: [] },
        progress,
        window,
      });
    expect(await reconcile(first.last())).toEqual({ status: 'not_published' });
    expect(await reconcile(null)).toEqual({ status: 'not_published' });

    const published = await attempt({ who, caption, media: [photo()] }).result;
    expect(await reconcile(null)).toMatchObject({
      status: 'published',
      post: { externalId: published.externalId },
    });
  });

  it('answers unknown when Instagram cannot be read', async () => {
    fault({ on: 'read', fault: { type: 'http_status', status: 503 } });
    const outcome = await adapter().reconcile({
      account: account(),
      content: { caption: 'x', media: [] },
      progress: null,
      window: { from: new Date(), to: new Date() },
    });
    expect(outcome.status).toBe('unknown');
  });
});

describe('auth, limits and quota', () => {
  it('a revoked token is an auth error', async () => {
    const who = account();
    sandbox.revokeToken(who.accessToken, 460);
    const error = await failure(attempt({ who, caption: 'x', media: [photo()] }).result);
    expect(error).toBeInstanceOf(AuthPublishError);
    expect(error.platformCode).toBe('190/460');
  });

  it('a rate limit with X-Business-Use-Case-Usage gives retryAt', async () => {
    const who = account();
    fault({
      fault: {
        type: 'graph_error',
        status: 400,
        code: 80002,
        headers: {
          'x-business-use-case-usage': JSON.stringify({
            [who.externalId]: [{ type: 'instagram', estimated_time_to_regain_access: 7 }],
          }),
        },
      },
    });
    const error = await failure(attempt({ who, caption: 'x', media: [photo()] }).result);
    expect(error).toBeInstanceOf(RateLimitedPublishError);
    expect(error.retryAt).toEqual(new Date(NOW.getTime() + 7 * 60_000));
  });

  it('the daily publishing cap is rate limited (9/2207042), and quotaUsage reports it', async () => {
    const who = account();
    await configure({ publishCap: 1 });
    await attempt({ who, caption: 'one', media: [photo()] }).result;
    const error = await failure(attempt({ who, caption: 'two', media: [photo()] }).result);
    expect(error).toBeInstanceOf(RateLimitedPublishError);
    expect(error.platformCode).toBe('9/2207042');
    expect(await adapter().quotaUsage!({ account: who })).toEqual({
      used: 1,
      cap: 1,
      durationMs: 86_400_000,
    });
  });
});

describe('refreshToken (fb_exchange_token)', () => {
  it('is offered only with the app credentials', () => {
    expect('refreshToken' in adapter()).toBe(false);
    expect('refreshToken' in adapter({ appId: '1', appSecret: 's' })).toBe(true);
  });

  it('exchanges the token for a new long-lived one that publishes; a revoked one needs a person', async () => {
    const who = account();
    const refreshing = adapter({ appId: '123', appSecret: 'secret' });
    const fresh = await refreshing.refreshToken!({
      accessToken: who.accessToken,
      refreshToken: null,
    });
    expect(fresh.accessToken).not.toBe(who.accessToken);
    expect(fresh.expiresAt).toEqual(new Date(NOW.getTime() + 5_184_000_000));
    expect(fresh.refreshToken).toBeUndefined();
    const published = await attempt({
      who: { ...who, accessToken: fresh.accessToken },
      caption: 'with the new token',
      media: [photo()],
    }).result;
    expect(published.externalId).toBeTruthy();

    sandbox.revokeToken(fresh.accessToken, 463);
    const error = await failure(
      refreshing.refreshToken!({ accessToken: fresh.accessToken, refreshToken: null }),
    );
    expect(error).toBeInstanceOf(AuthPublishError);
    expect(error.platformCode).toBe('190/463');
  });
});
