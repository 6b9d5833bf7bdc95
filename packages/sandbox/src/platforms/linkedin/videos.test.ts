// LinkedIn's Videos API and article posts over real HTTP: a video registered, uploaded in parts
// (each answering an ETag), finalized with those ETags, processed and then posted; what it
// refuses on the way; and article links checked as the Posts API schema says.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sandboxToken, startSandbox, type Sandbox } from '../../index.ts';
import { versionOf } from './index.ts';

const MEMBER = 'urn:li:person:videos1';
const OTHER = 'urn:li:person:videos2';
const TOKEN = sandboxToken('linkedin', MEMBER, 'test');
const OTHER_TOKEN = sandboxToken('linkedin', OTHER, 'test');
const VERSION = versionOf(new Date());
const PART = 1024;

/** Bytes that start like an MP4 (an `ftyp` box), `size` long. */
function mp4(size: number, fill = 7): Buffer {
  const bytes = Buffer.alloc(size, fill);
  bytes.writeUInt32BE(24, 0);
  bytes.write('ftypisom', 4, 'ascii');
  return bytes;
}

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  sandbox.clearFaults();
  await settings({ videoPartBytes: PART, videoProcessingPolls: 1 });
});

const base = () => sandbox.baseUrl('linkedin');
const headers = (token = TOKEN) => ({
  authorization: `Bearer ${token}`,
  'linkedin-version': VERSION,
  'x-restli-protocol-version': '2.0.0',
  'content-type': 'application/json',
});

async function settings(body: object) {
  const response = await fetch(`${base()}/__sandbox/settings`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
}

async function call(path: string, body?: unknown, token = TOKEN) {
  const response = await fetch(`${base()}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: headers(token),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text ? JSON.parse(text) : null) as Record<string, unknown> | null,
  };
}

interface Instructions {
  video: string;
  uploadToken: string;
  uploadUrlsExpireAt: number;
  uploadInstructions: { uploadUrl: string; firstByte: number; lastByte: number }[];
}

async function initialize(fileSizeBytes: number, owner = MEMBER, token = TOKEN) {
  const answer = await call(
    '/rest/videos?action=initializeUpload',
    {
      initializeUploadRequest: {
        owner,
        fileSizeBytes,
        uploadCaptions: false,
        uploadThumbnail: false,
      },
    },
    token,
  );
  return { ...answer, value: (answer.body?.value ?? null) as Instructions | null };
}

async function put(url: string, bytes: Buffer) {
  const response = await fetch(url, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream' },
    body: new Uint8Array(bytes),
  });
  const text = await response.text();
  return {
    status: response.status,
    etag: response.headers.get('etag'),
    body: (text ? JSON.parse(text) : null) as Record<string, unknown> | null,
  };
}

/** Uploads every part of `bytes` as instructed; the ETags in order. */
async function uploadAll(value: Instructions, bytes: Buffer): Promise<string[]> {
  const etags: string[] = [];
  for (const part of value.uploadInstructions) {
    const answer = await put(part.uploadUrl, bytes.subarray(part.firstByte, part.lastByte + 1));
    expect(answer.status).toBe(200);
    etags.push(answer.etag!);
  }
  return etags;
}

const finalize = (video: string, uploadToken: string, uploadedPartIds: string[], token = TOKEN) =>
  call(
    '/rest/videos?action=finalizeUpload',
    { finalizeUploadRequest: { video, uploadToken, uploadedPartIds } },
    token,
  );

const status = async (video: string, token = TOKEN) =>
  (await call(`/rest/videos/${encodeURIComponent(video)}`, undefined, token)).body;

const post = (content: unknown, commentary = `Post ${Math.random().toString(36).slice(2)}`) =>
  call('/rest/posts', {
    author: MEMBER,
    commentary,
    visibility: 'PUBLIC',
    distribution: {
      feedDistribution: 'MAIN_FEED',
      targetEntities: [],
      thirdPartyDistributionChannels: [],
    },
    lifecycleState: 'PUBLISHED',
    isReshareDisabledByAuthor: false,
    content,
  });

describe('the Videos API', () => {
  it('splits the file into parts, takes each with an ETag, processes it and posts it', async () => {
    const bytes = mp4(2 * PART + 100);
    const { status: code, value } = await initialize(bytes.length);
    expect(code).toBe(200);
    expect(value!.video).toMatch(/^urn:li:video:/);
    expect(
      value!.uploadInstructions.map(({ firstByte, lastByte }) => [firstByte, lastByte]),
    ).toEqual([
      [0, PART - 1],
      [PART, 2 * PART - 1],
      [2 * PART, 2 * PART + 99],
    ]);
    expect(await status(value!.video)).toMatchObject({ status: 'WAITING_UPLOAD' });

    const etags = await uploadAll(value!, bytes);
    expect(new Set(etags).size).toBe(3);
    const finalized = await finalize(value!.video, value!.uploadToken, etags);
    expect(finalized.status).toBe(200);
    // Processing: one status read answers PROCESSING, and a post cannot use it yet.
    expect(await status(value!.video)).toMatchObject({ status: 'PROCESSING' });
    const early = await post({ media: { id: value!.video } });
    expect(early.status).toBe(400);
    expect(early.body!.message).toContain('PROCESSING');
    expect(await status(value!.video)).toMatchObject({ status: 'AVAILABLE', owner: MEMBER });

    const created = await post({ media: { id: value!.video, title: 'Launch film' } }, 'Our film');
    expect(created.status).toBe(201);
    const recorded = sandbox.posts().find((p) => p.id === created.headers.get('x-restli-id'));
    expect(recorded).toMatchObject({
      message: 'Our film',
      title: 'Launch film',
      media: [{ id: value!.video, kind: 'video' }],
    });
    const served = await fetch(`${base()}/media/${encodeURIComponent(value!.video)}`);
    expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('a file that is not an MP4 fails processing, with a reason, and cannot be posted', async () => {
    const bytes = Buffer.alloc(PART + 1, 1);
    const { value } = await initialize(bytes.length);
    await finalize(value!.video, value!.uploadToken, await uploadAll(value!, bytes));
    expect(await status(value!.video)).toMatchObject({ status: 'PROCESSING' });
    expect(await status(value!.video)).toMatchObject({
      status: 'PROCESSING_FAILED',
      processingFailureReason: expect.any(String) as string,
    });
    expect((await post({ media: { id: value!.video } })).status).toBe(400);
  });

  it('refuses a part of the wrong size, a URL without its signature, and a finalize that misses a part', async () => {
    const bytes = mp4(PART + 10);
    const { value } = await initialize(bytes.length);
    const [first, second] = value!.uploadInstructions;
    const short = await put(first!.uploadUrl, bytes.subarray(0, 10));
    expect(short.status).toBe(400);
    expect(short.body).toMatchObject({
      status: 400,
      message: expect.stringContaining(`${PART} bytes`) as string,
    });
    const unsigned = await put(first!.uploadUrl.replace(/\?sig=.*$/, ''), bytes.subarray(0, PART));
    expect(unsigned.status).toBe(403);

    const one = await put(first!.uploadUrl, bytes.subarray(0, PART));
    const incomplete = await finalize(value!.video, value!.uploadToken, [one.etag!]);
    expect(incomplete.status).toBe(400);
    expect(incomplete.body!.message).toContain('part 2 of 2 was never uploaded');
    const two = await put(second!.uploadUrl, bytes.subarray(PART));
    const misordered = await finalize(value!.video, value!.uploadToken, [two.etag!, one.etag!]);
    expect(misordered.status).toBe(400);
    expect((await finalize(value!.video, value!.uploadToken, [one.etag!, two.etag!])).status).toBe(
      200,
    );
    const again = await finalize(value!.video, value!.uploadToken, [one.etag!, two.etag!]);
    expect(again.status).toBe(400);
    expect(again.body!.message).toContain('not waiting for an upload');
  });

  it("validates initializeUpload and keeps other members away from a member's video", async () => {
    const missing = await call('/rest/videos?action=initializeUpload', {
      initializeUploadRequest: { owner: MEMBER },
    });
    expect(missing.status).toBe(422);
    expect(missing.body!.message).toContain(
      '/initializeUploadRequest/fileSizeBytes :: field is required',
    );
    const forbidden = await initialize(100, MEMBER, OTHER_TOKEN);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toEqual({
      status: 403,
      message:
        'Accessing this video resource is forbidden. Please check your permissions for this resource',
    });
    const { value } = await initialize(100);
    const read = await call(
      `/rest/videos/${encodeURIComponent(value!.video)}`,
      undefined,
      OTHER_TOKEN,
    );
    expect(read.status).toBe(403);
    const unversioned = await fetch(`${base()}/rest/videos/${encodeURIComponent(value!.video)}`, {
      headers: { authorization: `Bearer ${TOKEN}`, 'x-restli-protocol-version': '2.0.0' },
    });
    expect(unversioned.status).toBe(400);
  });
});

describe('article posts', () => {
  it('posts an article link with its title, description and an uploaded thumbnail', async () => {
    const init = await call('/rest/images?action=initializeUpload', {
      initializeUploadRequest: { owner: MEMBER },
    });
    const { uploadUrl, image } = init.body!.value as { uploadUrl: string; image: string };
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      'base64',
    );
    await fetch(uploadUrl, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: new Uint8Array(png),
    });
    const created = await post(
      {
        article: {
          source: 'https://example.com/launch?utm_source=linkedin',
          title: 'We launched',
          description: 'All about it',
          thumbnail: image,
        },
      },
      'Read about the launch',
    );
    expect(created.status).toBe(201);
    const urn = created.headers.get('x-restli-id')!;
    expect(sandbox.posts().find((p) => p.id === urn)).toMatchObject({
      link: 'https://example.com/launch?utm_source=linkedin',
      media: [{ id: image, kind: 'image' }],
    });
    const page = await (await fetch(`${base()}/feed/update/${encodeURIComponent(urn)}`)).text();
    expect(page).toContain('We launched');
    expect(page).toContain('All about it');
  });

  it('refuses a source that is not a URL, a missing title, and an unknown thumbnail', async () => {
    const notUrl = await post({ article: { source: 'example dot com', title: 'T' } });
    expect(notUrl.status).toBe(422);
    expect(notUrl.body!.message).toBe(
      'ERROR :: /content/article/source :: "example dot com" is not a valid URL\n',
    );
    const untitled = await post({ article: { source: 'https://example.com/' } });
    expect(untitled.status).toBe(422);
    expect(untitled.body!.message).toContain('/content/article/title :: field is required');
    const thumbnail = await post({
      article: { source: 'https://example.com/', title: 'T', thumbnail: 'urn:li:image:D0' },
    });
    expect(thumbnail.status).toBe(400);
    expect(thumbnail.body!.message).toContain('urn:li:image:D0 does not exist');
  });
});
