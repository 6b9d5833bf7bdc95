// Instagram content publishing over real HTTP: containers made from files the sandbox fetches
// from a small local host, video processing that takes a number of status reads, media_publish,
// the media listing, the publishing limit, the token exchange, and Instagram's errors.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sandboxToken, startSandbox, type Sandbox } from '../../index.ts';

const USER = '17841400000000101';
const TOKEN = sandboxToken('instagram', USER, 'test');
const OTHER = '17841400000000102';
const OTHER_TOKEN = sandboxToken('instagram', OTHER, 'test');

/** Serves files at fresh paths, as signed storage URLs do. */
class MediaHost {
  readonly #files = new Map<string, { body: Buffer; type: string }>();
  readonly #server: Server = createServer((req, res) => {
    const file = this.#files.get(req.url ?? '/');
    if (!file) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file.type, 'content-length': file.body.length });
    res.end(file.body);
  });
  url = '';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  serve(name: string, body: Buffer, type: string): string {
    const path = `/${Math.random().toString(36).slice(2)}/${name}`;
    this.#files.set(path, { body, type });
    return `${this.url}${path}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }
}

const run = promisify(execFile);

/** Real files, made by ffmpeg from its test sources. */
async function makeMedia() {
  const dir = await mkdtemp(join(tmpdir(), 'sandbox-instagram-'));
  try {
    const make = async (name: string, args: string[]) => {
      const out = join(dir, name);
      await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', ...args, '-y', out]);
      return readFile(out);
    };
    const still = (size: string) => [
      '-f',
      'lavfi',
      '-i',
      `color=red:size=${size}`,
      '-frames:v',
      '1',
    ];
    return {
      square: await make('square.jpg', still('40x40')),
      portrait: await make('portrait.jpg', still('40x50')),
      tooWide: await make('wide.jpg', still('100x50')),
      vertical: await make('vertical.jpg', still('36x64')),
      png: await make('square.png', still('40x40')),
      mp4: await make('clip.mp4', [
        ...['-f', 'lavfi', '-i', 'testsrc=duration=1:size=36x64:rate=10'],
        ...['-pix_fmt', 'yuv420p', '-movflags', '+faststart'],
      ]),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

let sandbox: Sandbox;
let host: MediaHost;
let files: Awaited<ReturnType<typeof makeMedia>>;
beforeAll(async () => {
  host = new MediaHost();
  [sandbox, files] = await Promise.all([startSandbox({ port: 0 }), makeMedia(), host.start()]);
});
afterAll(() => Promise.all([sandbox.close(), host.close()]));
afterEach(async () => {
  sandbox.clearFaults();
  await configure({ processingPolls: 1, publishCap: 50 });
});

interface GraphBody {
  id?: string;
  status_code?: string;
  status?: string;
  permalink?: string;
  media_product_type?: string;
  data?: Record<string, unknown>[];
  paging?: { next?: string };
  access_token?: string;
  expires_in?: number;
  error?: { code: number; error_subcode?: number; message: string; error_user_msg?: string };
}

const api = (path: string) => `${sandbox.baseUrl('instagram')}/v21.0/${path}`;

async function call(
  method: 'GET' | 'POST',
  path: string,
  params: Record<string, string> = {},
  token = TOKEN,
) {
  const query = method === 'GET' ? `?${new URLSearchParams(params).toString()}` : '';
  const response = await fetch(`${path.startsWith('http') ? path : api(path)}${query}`, {
    method,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    ...(method === 'POST' ? { body: new URLSearchParams(params) } : {}),
  });
  return { status: response.status, body: (await response.json()) as GraphBody };
}

async function configure(config: { processingPolls?: number; publishCap?: number }) {
  const response = await fetch(`${sandbox.baseUrl('instagram')}/__sandbox/config`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(config),
  });
  expect(response.status).toBe(200);
}

const jpeg = (body = files.square) => host.serve('photo.jpg', body, 'image/jpeg');
const mp4 = () => host.serve('clip.mp4', files.mp4, 'video/mp4');
const statusOf = async (id: string, token = TOKEN) =>
  (await call('GET', id, { fields: 'status_code,status' }, token)).body;

async function container(params: Record<string, string>, user = USER, token = TOKEN) {
  const { status, body } = await call('POST', `${user}/media`, params, token);
  expect(body.error).toBeUndefined();
  expect(status).toBe(200);
  return body.id!;
}

describe('single image', () => {
  it('creates a FINISHED container, publishes it, and links a page that shows it', async () => {
    const id = await container({ image_url: jpeg(), caption: 'Red square #one @two' });
    expect(await statusOf(id)).toMatchObject({ id, status_code: 'FINISHED' });

    const published = await call('POST', `${USER}/media_publish`, { creation_id: id });
    expect(published.status).toBe(200);
    const mediaId = published.body.id!;
    expect(sandbox.posts().find((p) => p.id === mediaId)).toMatchObject({
      platform: 'instagram',
      accountId: USER,
      message: 'Red square #one @two',
    });
    expect(await statusOf(id)).toMatchObject({ status_code: 'PUBLISHED' });

    const { body } = await call('GET', mediaId, { fields: 'permalink,caption,media_type' });
    expect(body).toMatchObject({
      id: mediaId,
      caption: 'Red square #one @two',
      media_type: 'IMAGE',
    });
    const page = await fetch(body.permalink!);
    expect(page.status).toBe(200);
    const pageHtml = await page.text();
    expect(pageHtml).toContain('Red square #one @two');
    const src = /<img src="([^"]+)"/.exec(pageHtml)![1]!;
    const image = await fetch(`${sandbox.url}${src}`);
    expect(image.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await image.arrayBuffer()).equals(files.square)).toBe(true);
    expect(await (await fetch(sandbox.url)).text()).toContain(`/instagram/posts/${mediaId}`);
  });

  it('publishing the same container twice is refused', async () => {
    const id = await container({ image_url: jpeg(), caption: 'once' });
    expect((await call('POST', `${USER}/media_publish`, { creation_id: id })).status).toBe(200);
    const again = await call('POST', `${USER}/media_publish`, { creation_id: id });
    expect(again.body.error).toMatchObject({ code: 9007, error_subcode: 2207027 });
  });

  it.each([
    ['a PNG', () => host.serve('photo.png', files.png, 'image/png'), 36001, 2207005],
    ['a PNG labelled JPEG', () => host.serve('photo.jpg', files.png, 'image/jpeg'), 36001, 2207005],
    ['a 2:1 image', () => jpeg(files.tooWide), 36003, 2207009],
    ['a missing file', () => `${host.url}/nothing-here.jpg`, 9004, 2207052],
  ])("refuses %s with Instagram's error", async (_, url, code, subcode) => {
    const { status, body } = await call('POST', `${USER}/media`, { image_url: url() });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code, error_subcode: subcode });
  });

  it('takes 4:5 portrait images', async () => {
    await container({ image_url: jpeg(files.portrait) });
  });

  it.each([
    ['2,201 characters', 'x'.repeat(2201)],
    ['31 hashtags', Array.from({ length: 31 }, (_, i) => `#tag${i}`).join(' ')],
    ['21 @ tags', Array.from({ length: 21 }, (_, i) => `@user${i}`).join(' ')],
  ])('refuses a caption with %s (36004/2207010)', async (_, caption) => {
    const { body } = await call('POST', `${USER}/media`, { image_url: jpeg(), caption });
    expect(body.error).toMatchObject({ code: 36004, error_subcode: 2207010 });
  });

  it('takes a caption at the limits', async () => {
    const tags = Array.from({ length: 30 }, (_, i) => `#t${i}`).join(' ');
    const people = Array.from({ length: 20 }, (_, i) => `@p${i}`).join(' ');
    await container({ image_url: jpeg(), caption: 'é'.repeat(2200) });
    await container({ image_url: jpeg(), caption: `${tags} ${people} a@b.c` });
  });
});

describe('reels (video processing)', () => {
  it('answers IN_PROGRESS for the configured number of reads, refuses to publish until FINISHED', async () => {
    await configure({ processingPolls: 2 });
    const id = await container({ media_type: 'REELS', video_url: mp4(), caption: 'A reel' });
    const early = await call('POST', `${USER}/media_publish`, { creation_id: id });
    expect(early.body.error).toMatchObject({ code: 9007, error_subcode: 2207027 });
    expect((await statusOf(id)).status_code).toBe('IN_PROGRESS');
    expect((await statusOf(id)).status_code).toBe('IN_PROGRESS');
    expect((await statusOf(id)).status_code).toBe('FINISHED');
    const published = await call('POST', `${USER}/media_publish`, { creation_id: id });
    expect(published.status).toBe(200);
    const { body } = await call('GET', published.body.id!, {
      fields: 'media_type,media_product_type',
    });
    expect(body).toMatchObject({ media_type: 'VIDEO', media_product_type: 'REELS' });
  });

  it('a file that is not a video fails processing with the subcode in status', async () => {
    await configure({ processingPolls: 0 });
    const url = host.serve('clip.mp4', files.square, 'video/mp4');
    const id = await container({ media_type: 'REELS', video_url: url });
    expect(await statusOf(id)).toMatchObject({
      status_code: 'ERROR',
      status: expect.stringContaining('2207026') as string,
    });
  });

  it('a video needs its media type named', async () => {
    const { body } = await call('POST', `${USER}/media`, { video_url: mp4() });
    expect(body.error).toMatchObject({ code: 100 });
    const feedVideo = await call('POST', `${USER}/media`, {
      media_type: 'VIDEO',
      video_url: mp4(),
    });
    expect(feedVideo.body.error).toMatchObject({ code: 100, error_subcode: 2207023 });
  });
});

describe('carousel', () => {
  it('publishes images and a video from item containers, once the video is processed', async () => {
    await configure({ processingPolls: 1 });
    const a = await container({ image_url: jpeg(), is_carousel_item: 'true' });
    const b = await container({ media_type: 'VIDEO', video_url: mp4(), is_carousel_item: 'true' });
    const c = await container({ image_url: jpeg(files.portrait), is_carousel_item: 'true' });
    const album = await container({
      media_type: 'CAROUSEL',
      children: [a, b, c].join(','),
      caption: 'Three things',
    });
    expect((await statusOf(album)).status_code).toBe('IN_PROGRESS');
    expect((await statusOf(album)).status_code).toBe('FINISHED');
    const published = await call('POST', `${USER}/media_publish`, { creation_id: album });
    const post = sandbox.posts().find((p) => p.id === published.body.id);
    expect(post?.media?.map((m) => m.kind)).toEqual(['image', 'video', 'image']);
    expect(post?.message).toBe('Three things');
  });

  it('refuses one child, eleven, a container that is not an item, and another account’s item', async () => {
    const item = () => container({ image_url: jpeg(), is_carousel_item: 'true' });
    const one = await call('POST', `${USER}/media`, {
      media_type: 'CAROUSEL',
      children: await item(),
    });
    expect(one.body.error?.code).toBe(100);
    const many = await Promise.all(Array.from({ length: 11 }, item));
    const eleven = await call('POST', `${USER}/media`, {
      media_type: 'CAROUSEL',
      children: many.join(','),
    });
    expect(eleven.body.error?.code).toBe(100);
    const single = await container({ image_url: jpeg() });
    const notItem = await call('POST', `${USER}/media`, {
      media_type: 'CAROUSEL',
      children: `${await item()},${single}`,
    });
    expect(notItem.body.error?.message).toContain(single);
    const theirs = await container(
      { image_url: jpeg(), is_carousel_item: 'true' },
      OTHER,
      OTHER_TOKEN,
    );
    const foreign = await call('POST', `${USER}/media`, {
      media_type: 'CAROUSEL',
      children: `${await item()},${theirs}`,
    });
    expect(foreign.body.error?.message).toContain(theirs);
  });
});

describe('stories', () => {
  it('publishes a vertical image story, left out of the media listing', async () => {
    const id = await container({ media_type: 'STORIES', image_url: jpeg(files.vertical) });
    const published = await call('POST', `${USER}/media_publish`, { creation_id: id });
    expect(published.status).toBe(200);
    const { body } = await call('GET', published.body.id!, { fields: 'media_product_type' });
    expect(body.media_product_type).toBe('STORY');
    const listed = await call('GET', `${USER}/media`, { fields: 'id', limit: '100' });
    expect(listed.body.data?.map((m) => m.id)).not.toContain(published.body.id);
  });
});

describe('listing and limits', () => {
  it('lists the account’s media newest first within since/until, page by page', async () => {
    const user = '17841400000000201';
    const token = sandboxToken('instagram', user, 'list');
    const ids: string[] = [];
    for (const caption of ['first', 'second', 'third']) {
      const id = await container({ image_url: jpeg(), caption }, user, token);
      ids.push((await call('POST', `${user}/media_publish`, { creation_id: id }, token)).body.id!);
    }
    const since = String(Math.floor(Date.now() / 1000) - 60);
    const first = await call(
      'GET',
      `${user}/media`,
      { fields: 'id,caption,timestamp,permalink', since, limit: '2' },
      token,
    );
    expect(first.body.data?.map((m) => m.caption)).toEqual(['third', 'second']);
    expect(first.body.data?.[0]?.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/);
    const second = await call('GET', first.body.paging!.next!, {}, token);
    expect(second.body.data?.map((m) => m.id)).toEqual([ids[0]]);
    const before = await call('GET', `${user}/media`, { until: String(Number(since) - 1) }, token);
    expect(before.body.data).toEqual([]);
  });

  it('counts the last 24 hours against the cap and refuses media_publish beyond it', async () => {
    const user = '17841400000000301';
    const token = sandboxToken('instagram', user, 'quota');
    await configure({ publishCap: 1 });
    const first = await container({ image_url: jpeg() }, user, token);
    expect(
      (await call('POST', `${user}/media_publish`, { creation_id: first }, token)).status,
    ).toBe(200);
    const second = await container({ image_url: jpeg() }, user, token);
    const refused = await call('POST', `${user}/media_publish`, { creation_id: second }, token);
    expect(refused.body.error).toMatchObject({ code: 9, error_subcode: 2207042 });
    const limit = await call(
      'GET',
      `${user}/content_publishing_limit`,
      { fields: 'quota_usage,config' },
      token,
    );
    expect(limit.body.data).toEqual([
      { quota_usage: 1, config: { quota_total: 1, quota_duration: 86400 } },
    ]);
  });
});

describe('tokens', () => {
  it('refuses a missing, a revoked and another account’s token', async () => {
    expect((await call('POST', `${USER}/media`, { image_url: jpeg() }, '')).body.error?.code).toBe(
      104,
    );
    const revoked = sandboxToken('instagram', USER, 'revoked');
    sandbox.revokeToken(revoked, 463);
    const stale = await call('POST', `${USER}/media`, { image_url: jpeg() }, revoked);
    expect(stale.body.error).toMatchObject({ code: 190, error_subcode: 463 });
    const wrong = await call('POST', `${USER}/media`, { image_url: jpeg() }, OTHER_TOKEN);
    expect(wrong.body.error?.code).toBe(100);
    const facebook = await call('POST', `${USER}/media`, { image_url: jpeg() }, `sbx-page-1-x`);
    expect(facebook.body.error?.code).toBe(190);
  });

  it('exchanges a token for a fresh long-lived one; a revoked token cannot be exchanged', async () => {
    const exchange = (token: string, extra: Record<string, string> = {}) =>
      call(
        'GET',
        'oauth/access_token',
        {
          grant_type: 'fb_exchange_token',
          client_id: '1',
          client_secret: 's',
          fb_exchange_token: token,
          ...extra,
        },
        '',
      );
    const fresh = await exchange(TOKEN);
    expect(fresh.body).toMatchObject({ token_type: 'bearer', expires_in: 5_184_000 });
    expect(fresh.body.access_token).not.toBe(TOKEN);
    await container({ image_url: jpeg() }, USER, fresh.body.access_token);
    const revoked = sandboxToken('instagram', USER, 'gone');
    sandbox.revokeToken(revoked, 460);
    expect((await exchange(revoked)).body.error).toMatchObject({ code: 190, error_subcode: 460 });
    expect((await exchange(TOKEN, { client_secret: '' })).body.error?.code).toBe(1);
  });
});

describe('faults', () => {
  it('an injected error on publish leaves the container unpublished', async () => {
    const id = await container({ image_url: jpeg() });
    sandbox.injectFault({
      platform: 'instagram',
      fault: { type: 'graph_error', status: 500, code: 2, is_transient: true },
    });
    const failed = await call('POST', `${USER}/media_publish`, { creation_id: id });
    expect(failed.status).toBe(500);
    expect((await statusOf(id)).status_code).toBe('FINISHED');
  });
});
