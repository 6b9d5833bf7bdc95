// Photos and videos over real HTTP: the sandbox fetches each file from a small local host, as
// Facebook fetches `url` and `file_url`, keeps it, and shows it on the post's page.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../index.ts';
import { graphJson } from './testing.ts';

const PAGE = '1000000201';
const TOKEN = `sbx-page-${PAGE}-media`;
const OTHER_PAGE = '1000000202';
const OTHER_TOKEN = `sbx-page-${OTHER_PAGE}-media`;
const MB = 1024 * 1024;

interface HostedFile {
  body: Buffer;
  type?: string;
  status?: number;
  /** A Content-Length to claim; when larger than the body, the rest never comes. */
  declaredLength?: number;
  /** No Content-Length at all (chunked). */
  chunked?: boolean;
  /** Never answer: the request hangs until the client gives up. */
  hang?: boolean;
}

/** A stand-in for the signed-URL storage Herald hands Facebook: serves files and counts GETs. */
class MediaHost {
  readonly files = new Map<string, HostedFile>();
  readonly hits = new Map<string, number>();
  #server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    this.hits.set(path, (this.hits.get(path) ?? 0) + 1);
    const file = this.files.get(path);
    if (!file) return res.writeHead(404).end();
    if (file.hang) return;
    const headers: Record<string, string> = file.type ? { 'content-type': file.type } : {};
    if (!file.chunked) headers['content-length'] = String(file.declaredLength ?? file.body.length);
    res.writeHead(file.status ?? 200, headers);
    if (file.declaredLength !== undefined && file.declaredLength > file.body.length) {
      res.write(file.body);
      return;
    }
    res.end(file.body);
  });
  url = '';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Serves `file` at a fresh path and returns its URL. */
  serve(name: string, file: HostedFile): string {
    const path = `/${Math.random().toString(36).slice(2)}/${name}`;
    this.files.set(path, file);
    return `${this.url}${path}`;
  }

  fetchesOf(url: string): number {
    return this.hits.get(new URL(url).pathname) ?? 0;
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
  const dir = await mkdtemp(join(tmpdir(), 'sandbox-media-'));
  try {
    const make = async (name: string, args: string[]) => {
      const out = join(dir, name);
      await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', ...args, '-y', out]);
      return readFile(out);
    };
    const still = ['-f', 'lavfi', '-i', 'color=red:size=20x20', '-frames:v', '1'];
    return {
      jpeg: await make('red.jpg', still),
      png: await make('red.png', still),
      mp4: await make('clip.mp4', [
        ...['-f', 'lavfi', '-i', 'testsrc=duration=1:size=64x64:rate=10'],
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
  [sandbox, files] = await Promise.all([startSandbox({ port: 0 }), makeMedia()]);
  host = new MediaHost();
  await host.start();
});
afterAll(async () => {
  await Promise.all([sandbox.close(), host.close()]);
});

const edge = (name: string, page = PAGE) => `${sandbox.facebookBaseUrl}/v21.0/${page}/${name}`;

async function postForm(url: string, fields: Record<string, string>, token = TOKEN) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: new URLSearchParams(fields),
  });
  const body = (await graphJson(response)) as Awaited<ReturnType<typeof graphJson>> & {
    post_id?: string;
  };
  return { status: response.status, body };
}

const jpegUrl = () => host.serve('photo.jpg', { body: files.jpeg, type: 'image/jpeg' });
const post = (id: string) => sandbox.posts().find((p) => p.id === id);
const media = (id: string) => sandbox.media().find((m) => m.id === id);
const unpublished = () => sandbox.media().filter((m) => m.accountId === PAGE && m.postId === null);

describe('POST /{page-id}/photos', () => {
  it('fetches the photo, publishes a photo post with the caption, and keeps the file', async () => {
    const url = jpegUrl();
    const { status, body } = await postForm(edge('photos'), { url, caption: 'Red, 20×20' });
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(['id', 'post_id']);
    expect(body.post_id).toMatch(new RegExp(`^${PAGE}_\\d+$`));
    expect(host.fetchesOf(url)).toBe(1);
    expect(post(body.post_id!)).toMatchObject({
      accountId: PAGE,
      message: 'Red, 20×20',
      media: [{ id: body.id, kind: 'image' }],
    });
    expect(media(body.id)).toMatchObject({
      accountId: PAGE,
      kind: 'image',
      contentType: 'image/jpeg',
      sizeBytes: files.jpeg.length,
      postId: body.post_id,
    });

    const served = await fetch(`${sandbox.url}/facebook/media/${body.id}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await served.arrayBuffer()).equals(files.jpeg)).toBe(true);

    // The Page's feed lists it like any post, with the caption as its message.
    const feed = await fetch(`${edge('feed')}?access_token=${TOKEN}&limit=100`);
    const { data } = (await feed.json()) as { data: { id: string; message?: string }[] };
    expect(data).toContainEqual(
      expect.objectContaining({ id: body.post_id, message: 'Red, 20×20' }),
    );
  });

  it('shows the photo on the post page, and a thumbnail in the list of posts', async () => {
    const { body } = await postForm(edge('photos'), { url: jpegUrl(), caption: 'On the page' });
    const page = await (await fetch(`${sandbox.url}/facebook/posts/${body.post_id}`)).text();
    expect(page).toContain(`<img src="/facebook/media/${body.id}"`);
    const index = await (await fetch(`${sandbox.url}/`)).text();
    expect(index).toContain(`<img class="thumb" src="/facebook/media/${body.id}"`);
  });

  it('with published=false keeps the photo off the feed and answers its id alone', async () => {
    const posts = sandbox.posts().length;
    const { status, body } = await postForm(edge('photos'), {
      url: jpegUrl(),
      caption: 'not yet',
      published: 'false',
    });
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(['id']);
    expect(sandbox.posts()).toHaveLength(posts);
    expect(media(body.id)).toMatchObject({ postId: null, kind: 'image' });
    expect(unpublished().map((m) => m.id)).toContain(body.id);
  });

  it.each([
    { name: 'a type Facebook does not take', file: { type: 'text/html' } },
    { name: 'bytes that are not the declared type', file: { type: 'image/png' } },
    { name: 'an answer other than 200', file: { type: 'image/jpeg', status: 206 } },
    { name: 'no Content-Type', file: {} },
  ])('refuses $name with 324 and keeps nothing', async ({ file }) => {
    const before = sandbox.media().length;
    const url = host.serve('photo', { body: files.jpeg, ...file });
    const { status, body } = await postForm(edge('photos'), { url, caption: 'wrong' });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({
      code: 324,
      type: 'OAuthException',
      message: '(#324) Missing or invalid image file',
    });
    expect(host.fetchesOf(url)).toBe(1);
    expect(sandbox.media()).toHaveLength(before);
  });

  it('refuses a photo over 10 MB, whether it says so up front or only by sending it', async () => {
    const before = { media: sandbox.media().length, posts: sandbox.posts().length };
    // Claims one byte too many and never sends it: the sandbox must stop at the header.
    const claimed = host.serve('big.jpg', {
      body: files.jpeg,
      type: 'image/jpeg',
      declaredLength: 10 * MB + 1,
    });
    // No length given; the bytes keep coming past the limit.
    const streamed = host.serve('big-chunked.jpg', {
      body: Buffer.concat([files.jpeg, Buffer.alloc(10 * MB + 1 - files.jpeg.length)]),
      type: 'image/jpeg',
      chunked: true,
    });
    for (const url of [claimed, streamed]) {
      const { status, body } = await postForm(edge('photos'), { url, caption: 'big' });
      expect(status).toBe(400);
      expect(body.error).toMatchObject({ code: 324 });
    }
    expect(sandbox.media()).toHaveLength(before.media);
    expect(sandbox.posts()).toHaveLength(before.posts);
    // Exactly 10 MB is allowed.
    const limit = host.serve('limit.jpg', {
      body: Buffer.concat([files.jpeg, Buffer.alloc(10 * MB - files.jpeg.length)]),
      type: 'image/jpeg',
    });
    expect((await postForm(edge('photos'), { url: limit, caption: 'exactly' })).status).toBe(200);
  });

  it('answers 100 for a URL it cannot download: refused, or not http(s)', async () => {
    const gone = new MediaHost();
    await gone.start();
    const refused = gone.serve('photo.jpg', { body: files.jpeg, type: 'image/jpeg' });
    await gone.close();
    for (const url of [refused, 'ftp://example.com/a.jpg', 'not a url']) {
      const { status, body } = await postForm(edge('photos'), { url, caption: 'unreachable' });
      expect(status).toBe(400);
      expect(body.error).toMatchObject({
        code: 100,
        message: '(#100) url should represent a valid URL',
      });
    }
  });

  it('gives up on a host that never answers, after its fetch timeout', async () => {
    // The host never answers, so only the sandbox's own timeout can end the request.
    const impatient = await startSandbox({ port: 0, mediaFetchTimeoutMs: 100 });
    try {
      const url = host.serve('slow.jpg', { body: files.jpeg, type: 'image/jpeg', hang: true });
      const response = await fetch(`${impatient.facebookBaseUrl}/v21.0/${PAGE}/photos`, {
        method: 'POST',
        body: new URLSearchParams({ url, access_token: TOKEN }),
      });
      expect(response.status).toBe(400);
      expect((await graphJson(response)).error).toMatchObject({ code: 100 });
      expect(host.fetchesOf(url)).toBe(1);
      expect(impatient.media()).toEqual([]);
    } finally {
      await impatient.close();
    }
  });

  it('answers 324 "Requires upload file" without a url (the sandbox takes no uploads)', async () => {
    const { status, body } = await postForm(edge('photos'), { caption: 'no file' });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 324, message: '(#324) Requires upload file' });
  });

  it("refuses another Page's token before fetching anything", async () => {
    const url = jpegUrl();
    const { status, body } = await postForm(edge('photos'), { url }, OTHER_TOKEN);
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 190 });
    expect(host.fetchesOf(url)).toBe(0);
  });
});

describe('POST /{page-id}/feed with attached_media', () => {
  const upload = async (url: string, token = TOKEN, page = PAGE) => {
    const { status, body } = await postForm(
      edge('photos', page),
      { url, published: 'false' },
      token,
    );
    expect(status).toBe(200);
    return body.id;
  };
  const attach = (ids: string[]) =>
    Object.fromEntries(
      ids.map((id, i) => [`attached_media[${i}]`, JSON.stringify({ media_fbid: id })]),
    );

  it('publishes one post showing the unpublished photos in the order given', async () => {
    const png = host.serve('red.png', { body: files.png, type: 'image/png' });
    const [a, b, c] = [await upload(jpegUrl()), await upload(png), await upload(jpegUrl())];
    const { status, body } = await postForm(edge('feed'), {
      message: 'Three photos',
      ...attach([c, a, b]),
    });
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(['id']);
    expect(post(body.id)).toMatchObject({
      message: 'Three photos',
      media: [
        { id: c, kind: 'image' },
        { id: a, kind: 'image' },
        { id: b, kind: 'image' },
      ],
    });
    for (const id of [a, b, c]) expect(media(id)?.postId).toBe(body.id);
    expect(unpublished().map((m) => m.id)).not.toContain(a);

    const page = await (await fetch(`${sandbox.url}/facebook/posts/${body.id}`)).text();
    const shown = [...page.matchAll(/<img src="\/facebook\/media\/(\d+)"/g)].map((m) => m[1]);
    expect(shown).toEqual([c, a, b]);
  });

  it('sorts attached_media[i] by index, not by the order the fields arrive', async () => {
    const [a, b] = [await upload(jpegUrl()), await upload(jpegUrl())];
    const fields = new URLSearchParams();
    fields.append('attached_media[1]', JSON.stringify({ media_fbid: b }));
    fields.append('attached_media[0]', JSON.stringify({ media_fbid: a }));
    const response = await fetch(edge('feed'), {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: fields,
    });
    const { id } = await graphJson(response);
    expect(post(id)?.media?.map((m) => m.id)).toEqual([a, b]);
    expect(post(id)?.message).toBe('');
  });

  it('takes attached_media as a JSON array in a JSON body too', async () => {
    const [a, b] = [await upload(jpegUrl()), await upload(jpegUrl())];
    const response = await fetch(edge('feed'), {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        message: 'json',
        attached_media: [{ media_fbid: a }, { media_fbid: b }],
      }),
    });
    expect(response.status).toBe(200);
    const { id } = await graphJson(response);
    expect(post(id)?.media?.map((m) => m.id)).toEqual([a, b]);
  });

  it.each([
    { name: 'an unknown id', ids: () => Promise.resolve(['1']) },
    {
      name: "another Page's photo",
      ids: async () => [await upload(jpegUrl()), await upload(jpegUrl(), OTHER_TOKEN, OTHER_PAGE)],
      index: 1,
    },
    {
      name: 'a photo already published',
      ids: async () => {
        const { body } = await postForm(edge('photos'), { url: jpegUrl(), caption: 'single' });
        return [body.id];
      },
    },
    {
      name: 'the same photo twice',
      ids: async () => {
        const id = await upload(jpegUrl());
        return [id, id];
      },
      index: 1,
    },
  ])('refuses $name with 100 and publishes nothing', async ({ ids, index = 0 }) => {
    const attached = await ids();
    const posts = sandbox.posts().length;
    const { status, body } = await postForm(edge('feed'), { message: 'x', ...attach(attached) });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({
      code: 100,
      message: `(#100) Param attached_media[${index}][media_fbid] must be a valid media id`,
    });
    expect(sandbox.posts()).toHaveLength(posts);
  });

  it('refuses a photo already attached to another post', async () => {
    const a = await upload(jpegUrl());
    expect((await postForm(edge('feed'), { message: 'first', ...attach([a]) })).status).toBe(200);
    const again = await postForm(edge('feed'), { message: 'second', ...attach([a]) });
    expect(again.body.error).toMatchObject({ code: 100 });
  });

  it('refuses attached_media that is not an array', async () => {
    const { body } = await postForm(edge('feed'), { message: 'x', attached_media: '{"a":1}' });
    expect(body.error).toMatchObject({
      code: 100,
      message: '(#100) param attached_media must be an array.',
    });
  });
});

describe('POST /{page-id}/videos', () => {
  const mp4Url = () => host.serve('clip.mp4', { body: files.mp4, type: 'video/mp4' });

  it('fetches the video and publishes it, filed under the video id it answers with', async () => {
    const { status, body } = await postForm(edge('videos'), {
      file_url: mp4Url(),
      description: 'One second of test pattern',
      title: 'clip',
    });
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(['id']);
    expect(body.id).toMatch(/^\d+$/);
    expect(post(body.id)).toMatchObject({
      accountId: PAGE,
      message: 'One second of test pattern',
      title: 'clip',
      media: [{ id: body.id, kind: 'video' }],
    });
    expect(media(body.id)).toMatchObject({ contentType: 'video/mp4', sizeBytes: files.mp4.length });

    const page = await (await fetch(`${sandbox.url}/facebook/posts/${body.id}`)).text();
    expect(page).toContain(`<video controls preload="metadata" src="/facebook/media/${body.id}">`);

    // Browsers fetch video in ranges.
    const part = await fetch(`${sandbox.url}/facebook/media/${body.id}`, {
      headers: { range: 'bytes=4-11' },
    });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 4-11/${files.mp4.length}`);
    expect(Buffer.from(await part.arrayBuffer()).toString('latin1')).toBe(
      files.mp4.subarray(4, 12).toString('latin1'),
    );

    // It reads back by its id like a post.
    const read = await fetch(`${sandbox.facebookBaseUrl}/v21.0/${body.id}?access_token=${TOKEN}`);
    expect(await read.json()).toMatchObject({ id: body.id, message: 'One second of test pattern' });
  });

  it.each([
    {
      name: 'a type Facebook does not take',
      file: () => ({ body: files.mp4, type: 'video/x-msvideo' }),
      code: 352,
    },
    {
      name: 'a photo sent as video/mp4',
      file: () => ({ body: files.jpeg, type: 'video/mp4' }),
      code: 352,
    },
    {
      name: 'more than 1 GB',
      file: () => ({ body: files.mp4, type: 'video/mp4', declaredLength: 1024 * MB + 1 }),
      code: 6000,
    },
    { name: 'a missing file', file: () => ({ body: Buffer.alloc(0), status: 404 }), code: 389 },
  ])('refuses $name with $code', async ({ file, code }) => {
    const posts = sandbox.posts().length;
    const { status, body } = await postForm(edge('videos'), {
      file_url: host.serve('clip', file()),
      description: 'refused',
    });
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code, type: 'OAuthException' });
    expect(sandbox.posts()).toHaveLength(posts);
  });
});

describe('faults', () => {
  it("apply to photos, videos and attached_media posts as 'publish' requests", async () => {
    const url = jpegUrl();
    sandbox.injectFault({
      platform: 'facebook',
      times: 3,
      fault: { type: 'graph_error', status: 503, code: 2 },
    });
    const photo = await postForm(edge('photos'), { url, caption: 'faulted' });
    const video = await postForm(edge('videos'), { file_url: url, description: 'faulted' });
    const feed = await postForm(edge('feed'), { message: 'faulted' });
    for (const answer of [photo, video, feed]) {
      expect(answer.status).toBe(503);
      expect(answer.body.error).toMatchObject({ code: 2 });
    }
    // Graph failed before it acted: the file was never fetched.
    expect(host.fetchesOf(url)).toBe(0);
  });

  it('a dropped connection after accepting still publishes the photo', async () => {
    sandbox.injectFault({
      platform: 'facebook',
      fault: { type: 'drop_connection', afterAccepting: true },
    });
    const caption = `dropped ${Math.random()}`;
    await expect(postForm(edge('photos'), { url: jpegUrl(), caption })).rejects.toThrow();
    expect(sandbox.posts().filter((p) => p.message === caption)).toHaveLength(1);
  });
});
