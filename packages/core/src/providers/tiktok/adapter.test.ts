// The TikTok adapter against the real sandbox over HTTP, with videos served from a small local
// host as signed storage URLs serve them (byte ranges honoured, each request's range recorded).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sandboxToken, startSandbox, type Sandbox } from '@herald/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AmbiguousPublishError,
  AuthPublishError,
  NotReadyPublishError,
  PermanentPublishError,
  RateLimitedPublishError,
  RetryablePublishError,
  type PublishError,
} from '../errors.ts';
import type { TikTokSettings } from '../../domain/target-settings.ts';
import type { PlatformAdapter, ProviderProgress, PublishMedia, PublishRequest } from '../types.ts';
import { chunkPlan, createTikTokAdapter, postIdsOf, type TikTokAdapterConfig } from './adapter.ts';

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
  url = '';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  serve(name: string, body: Buffer, type: string): string {
    const path = `/${Math.random().toString(36).slice(2)}/${encodeURIComponent(name)}`;
    this.#files.set(path, { body, type });
    return `${this.url}${path}`;
  }

  rangesOf(url: string) {
    const path = new URL(url).pathname;
    return this.ranges.filter((r) => r.path === path).map((r) => r.range);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }
}

const MIB = 1024 * 1024;
let sandbox: Sandbox;
let host: MediaHost;
let base: string;
/** One second of colour bars: a real MP4. */
let clip: Buffer;
/** The clip padded past 15 MiB with a `free` box: three chunks of 5 MiB (the last one longer). */
let bigClip: Buffer;

beforeAll(async () => {
  host = new MediaHost();
  const dir = await mkdtemp(join(tmpdir(), 'herald-tiktok-'));
  try {
    const file = join(dir, 'clip.mp4');
    await promisify(execFile)('/usr/bin/ffmpeg', [
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=180x320:rate=25',
      '-t',
      '1',
      '-pix_fmt',
      'yuv420p',
      '-y',
      file,
    ]);
    clip = await readFile(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const free = Buffer.alloc(15 * MIB + 123_456 - clip.length);
  free.writeUInt32BE(free.length, 0);
  free.write('free', 4, 'latin1');
  bigClip = Buffer.concat([clip, free]);
  [sandbox] = await Promise.all([startSandbox({ port: 0 }), host.start()]);
  base = sandbox.baseUrl('tiktok');
});
afterAll(() => Promise.all([sandbox.close(), host.close()]));
beforeEach(async () => {
  sandbox.clearFaults();
  await sandboxSettings({
    processingPolls: 1,
    moderationPolls: 0,
    auditedClient: true,
    verifiedUrlPrefixes: [],
    now: null,
  });
});

async function sandboxSettings(body: object) {
  const response = await fetch(`${base}/__sandbox/settings`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
}

const FJORD = '_000FjordOutdoorSbx01';
const NORTHWIND = '_000NorthwindSbx02';
let creators = 0;
/** A fresh creator per test (rate-limit windows and daily caps are per token and creator). */
function newAccount(openId = `_000adapter${++creators}`) {
  return { externalId: openId, accessToken: sandboxToken('tiktok', openId, `t${++creators}`) };
}

function video(name: string, body = clip, type = 'video/mp4'): PublishMedia {
  return {
    assetId: `asset-${name}`,
    kind: 'video',
    name,
    url: host.serve(name, body, type),
    contentType: type,
    sizeBytes: body.length,
    width: 180,
    height: 320,
    durationMs: 1000,
  };
}

const NOW = new Date('2026-12-03T10:00:00Z');

/** An adapter whose API calls are recorded: method, path and JSON body. */
function recordingAdapter(extra: Partial<TikTokAdapterConfig> = {}) {
  const calls: Array<{ call: string; body: Record<string, unknown> | null }> = [];
  const adapter = createTikTokAdapter({
    baseUrl: base,
    now: () => NOW,
    fetch: (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.pathname.startsWith('/tiktok/')) {
        const body =
          typeof init?.body === 'string'
            ? (JSON.parse(init.body) as Record<string, unknown>)
            : null;
        const range = new Headers(init?.headers).get('content-range');
        calls.push({
          call: `${init?.method ?? 'GET'} ${url.pathname.slice('/tiktok'.length)}${range ? ` ${range}` : ''}`,
          body,
        });
      }
      return fetch(input, init);
    },
    ...extra,
  });
  const paths = () => calls.map((c) => c.call);
  const inits = () => calls.filter((c) => c.call === 'POST /v2/post/publish/video/init/');
  return { adapter, calls, paths, inits };
}

function request(
  account: { externalId: string; accessToken: string },
  caption: string,
  files: PublishMedia[],
  settings: TikTokSettings = { privacyLevel: 'PUBLIC_TO_EVERYONE' },
  progress: ProviderProgress | null = null,
  onSave?: (progress: ProviderProgress) => void,
) {
  const saves: ProviderProgress[] = [];
  const req: PublishRequest = {
    account,
    content: { caption, media: files, settings },
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

/**
 * Publishes as the engine does: each NotReadyPublishError ends the attempt, and the next one
 * starts from the progress saved. Returns the post and how many attempts waited.
 */
async function publishToTheEnd(
  adapter: PlatformAdapter,
  first: ReturnType<typeof request>,
  maxAttempts = 6,
) {
  let progress = first.last();
  const waits: PublishError[] = [];
  for (let attempt = 0; attempt < maxAttempts; attempt += 1) {
    const next = attempt === 0 ? first : { ...first, req: { ...first.req, progress } };
    try {
      return { post: await adapter.publish(next.req), waits };
    } catch (error) {
      if (!(error instanceof NotReadyPublishError)) throw error;
      waits.push(error);
      progress = first.last();
    }
  }
  throw new Error('still not published');
}

const postsOf = (openId: string) => sandbox.posts().filter((p) => p.accountId === openId);

describe('publishing a video', () => {
  it('asks creator_info, inits a FILE_UPLOAD, uploads, waits on processing, then has the post', async () => {
    const account = newAccount();
    const file = video('clip.mp4');
    const { adapter, paths, inits } = recordingAdapter({ pollIntervalMs: 7000 });
    const first = request(account, 'Morning on the fjord #outdoors', [file], {
      privacyLevel: 'PUBLIC_TO_EVERYONE',
      disableStitch: true,
      brandOrganic: true,
    });
    const { post, waits } = await publishToTheEnd(adapter, first);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toMatchObject({ platformCode: 'PROCESSING_UPLOAD' });
    expect(waits[0]!.retryAt).toEqual(new Date(NOW.getTime() + 7000));
    expect(paths()).toEqual([
      'POST /v2/post/publish/creator_info/query/',
      'POST /v2/post/publish/video/init/',
      `PUT /upload/video/ bytes 0-${clip.length - 1}/${clip.length}`,
      'POST /v2/post/publish/status/fetch/',
      'POST /v2/post/publish/status/fetch/',
    ]);
    expect(inits()[0]!.body).toEqual({
      post_info: {
        title: 'Morning on the fjord #outdoors',
        privacy_level: 'PUBLIC_TO_EVERYONE',
        disable_comment: false,
        disable_duet: false,
        disable_stitch: true,
        brand_content_toggle: false,
        brand_organic_toggle: true,
      },
      source_info: {
        source: 'FILE_UPLOAD',
        video_size: clip.length,
        chunk_size: clip.length,
        total_chunk_count: 1,
      },
    });
    const [posted] = postsOf(account.externalId);
    // The 19-digit id survived JSON: read as digits, not as a rounded number.
    expect(post.externalId).toMatch(/^7\d{18}$/);
    expect(post.externalId).toBe(posted!.id);
    const username = `creator${account.externalId.replace(/_/g, '').toLowerCase()}`;
    expect(post.url).toBe(`${base}/@${username}/video/${posted!.id}`);
    expect(await (await fetch(post.url)).text()).toContain('Morning on the fjord #outdoors');
    expect(first.last()).toMatchObject({ post: { externalId: posted!.id } });
    const kept = sandbox.media().find((m) => m.id === posted!.media![0]!.id);
    expect(kept).toMatchObject({ kind: 'video', sizeBytes: clip.length });
  });

  it('refuses, before init, a post whose privacy level was not chosen, naming what the account offers', async () => {
    const account = newAccount(NORTHWIND);
    const { adapter, inits } = recordingAdapter();
    const error = await failure(
      adapter.publish(request(account, 'Who sees this?', [video('a.mp4')], {}).req),
    );
    expect(error).toBeInstanceOf(PermanentPublishError);
    expect(error.message).toBe(
      "TikTok asks the creator to choose who can see each video, so Herald does not choose for them: pick a privacy level in this post's TikTok settings. This account offers friends (MUTUAL_FOLLOW_FRIENDS), followers (FOLLOWER_OF_CREATOR), only the creator (SELF_ONLY).",
    );
    expect(inits()).toHaveLength(0);
  });

  it('refuses a privacy level the account does not offer, and keeps off what the creator switched off', async () => {
    const account = newAccount(NORTHWIND);
    const one = recordingAdapter();
    const error = await failure(
      one.adapter.publish(request(account, 'Public?', [video('b.mp4')]).req),
    );
    expect(error).toBeInstanceOf(PermanentPublishError);
    expect(error.message).toMatch(
      /does not offer the privacy level everyone \(PUBLIC_TO_EVERYONE\)/,
    );
    expect(one.inits()).toHaveLength(0);

    const two = recordingAdapter();
    await publishToTheEnd(
      two.adapter,
      request(account, 'For followers', [video('c.mp4')], {
        privacyLevel: 'FOLLOWER_OF_CREATOR',
        disableDuet: false,
      }),
    );
    // Northwind has duets switched off on TikTok: the post says so whatever the setting.
    expect(two.inits()[0]!.body).toMatchObject({
      post_info: { privacy_level: 'FOLLOWER_OF_CREATOR', disable_duet: true },
    });
  });

  it('refuses branded content that would be private, a caption over 2,200 UTF-16 units, and two files', async () => {
    const account = newAccount();
    const { adapter, inits } = recordingAdapter();
    const branded = await failure(
      adapter.publish(
        request(account, 'Sponsored', [video('d.mp4')], {
          privacyLevel: 'SELF_ONLY',
          brandedContent: true,
        }).req,
      ),
    );
    expect(branded.message).toMatch(/branded content to be private/);
    // 1,200 emoji are 1,200 characters to a reader, 2,400 units to TikTok.
    const long = await failure(
      adapter.publish(request(account, '🎿'.repeat(1200), [video('e.mp4')]).req),
    );
    expect(long).toBeInstanceOf(PermanentPublishError);
    expect(long.message).toMatch(/counts 2400 units where it takes 2200/);
    const two = await failure(
      adapter.publish(request(account, 'Two', [video('f.mp4'), video('g.mp4')]).req),
    );
    expect(two.message).toMatch(/exactly one video/);
    expect(inits()).toHaveLength(0);
  });

  it('refuses a video longer than the account may post, from creator_info', async () => {
    const account = newAccount(NORTHWIND);
    const long = { ...video('long.mp4'), durationMs: 301_000 };
    const error = await failure(
      recordingAdapter().adapter.publish(
        request(account, 'Long', [long], { privacyLevel: 'SELF_ONLY' }).req,
      ),
    );
    expect(error.message).toBe(
      'long.mp4 runs 301 s; this TikTok account may post videos of up to 300 s.',
    );
  });

  it('lets TikTok pull the video from a verified URL when pullFromUrl is set', async () => {
    await sandboxSettings({ verifiedUrlPrefixes: [host.url] });
    const account = newAccount();
    const file = video('pulled.mp4');
    const { adapter, inits, paths } = recordingAdapter({ pullFromUrl: true });
    const { post, waits } = await publishToTheEnd(adapter, request(account, 'Pulled', [file]));
    expect(inits()[0]!.body!.source_info).toEqual({ source: 'PULL_FROM_URL', video_url: file.url });
    expect(paths().some((p) => p.startsWith('PUT'))).toBe(false);
    expect(waits[0]).toMatchObject({ platformCode: 'PROCESSING_DOWNLOAD' });
    expect(post.externalId).toBe(postsOf(account.externalId)[0]!.id);
  });

  it('reports an unverified URL prefix as a permanent refusal that says what to do', async () => {
    const error = await failure(
      recordingAdapter({ pullFromUrl: true }).adapter.publish(
        request(newAccount(), 'Unverified', [video('u.mp4')]).req,
      ),
    );
    expect(error).toBeInstanceOf(PermanentPublishError);
    expect(error.platformCode).toBe('url_ownership_unverified');
    expect(error.message).toMatch(/Verify the domain/);
  });
});

describe('resuming', () => {
  it('continues an upload cut off half-way at its offset, without a second init', async () => {
    expect(chunkPlan(bigClip.length, 5 * MIB)).toEqual({ chunkSize: 5 * MIB, totalChunks: 3 });
    const account = newAccount();
    const file = video('big.mp4', bigClip);
    // Once the first chunk is recorded, the connection drops on the next request (chunk 2 of 3).
    const first = request(account, 'Big film', [file], undefined, null, (p) => {
      if ((p as { upload?: { offset: number } }).upload?.offset === 5 * MIB) {
        sandbox.injectFault({
          platform: 'tiktok',
          account: account.externalId,
          fault: { type: 'drop_connection' },
        });
      }
    });
    const one = recordingAdapter({ chunkBytes: 5 * MIB });
    const error = await failure(one.adapter.publish(first.req));
    expect(error).toBeInstanceOf(RetryablePublishError);
    expect(first.last()).toMatchObject({ upload: { offset: 5 * MIB, totalChunks: 3 } });
    expect(postsOf(account.externalId)).toHaveLength(0);

    const two = recordingAdapter({ chunkBytes: 5 * MIB });
    const { post } = await publishToTheEnd(
      two.adapter,
      request(account, 'Big film', [file], undefined, first.last()),
    );
    expect(two.paths().slice(0, 2)).toEqual([
      `PUT /upload/video/ bytes ${5 * MIB}-${10 * MIB - 1}/${bigClip.length}`,
      `PUT /upload/video/ bytes ${10 * MIB}-${bigClip.length - 1}/${bigClip.length}`,
    ]);
    expect(two.inits()).toHaveLength(0);
    // Storage was read again only from where TikTok's copy stopped.
    expect(host.rangesOf(file.url)).toEqual([undefined, `bytes=${5 * MIB}-`]);
    const posts = postsOf(account.externalId);
    expect(posts.map((p) => p.id)).toEqual([post.externalId]);
    const kept = await fetch(`${sandbox.url}/tiktok/media/${posts[0]!.media![0]!.id}`);
    expect(Buffer.from(await kept.arrayBuffer()).equals(bigClip)).toBe(true);
  });

  it('sends the last chunk again when its answer was lost, and TikTok answers from what it has', async () => {
    const account = newAccount();
    const file = video('lost.mp4');
    sandbox.injectFault({
      platform: 'tiktok',
      account: account.externalId,
      // init is the first publish request; the chunk is the second.
      times: 1,
      fault: { type: 'delay', ms: 0 },
    });
    sandbox.injectFault({
      platform: 'tiktok',
      account: account.externalId,
      fault: { type: 'drop_connection', afterAccepting: true },
    });
    const first = request(account, 'Lost answer', [file]);
    const one = recordingAdapter();
    expect(await failure(one.adapter.publish(first.req))).toBeInstanceOf(RetryablePublishError);
    expect(first.last()).toMatchObject({ upload: { offset: 0 } });
    // TikTok has the whole video already.
    expect(postsOf(account.externalId)).toHaveLength(1);

    const two = recordingAdapter();
    const { post } = await publishToTheEnd(
      two.adapter,
      request(account, 'Lost answer', [file], undefined, first.last()),
    );
    expect(two.inits()).toHaveLength(0);
    expect(postsOf(account.externalId).map((p) => p.id)).toEqual([post.externalId]);
  });

  it('asks TikTok how much it has when a chunk is refused as out of order (416), and goes on from there', async () => {
    const account = newAccount();
    const file = video('gap.mp4', bigClip);
    const one = recordingAdapter({ chunkBytes: 5 * MIB });
    const first = request(account, 'Gap', [file], undefined, null, (p) => {
      if ((p as { upload?: { offset: number } }).upload?.offset === 5 * MIB) {
        sandbox.injectFault({
          platform: 'tiktok',
          account: account.externalId,
          fault: { type: 'graph_error', status: 503, code: 0 },
        });
      }
    });
    expect(await failure(one.adapter.publish(first.req))).toBeInstanceOf(RetryablePublishError);
    // Progress that claims more than TikTok has (as if recorded by a confused earlier run).
    const ahead = structuredClone(first.last()) as { upload: { offset: number } };
    ahead.upload.offset = 10 * MIB;
    const two = recordingAdapter({ chunkBytes: 5 * MIB });
    await publishToTheEnd(two.adapter, request(account, 'Gap', [file], undefined, ahead));
    expect(two.paths().slice(0, 4)).toEqual([
      `PUT /upload/video/ bytes ${10 * MIB}-${bigClip.length - 1}/${bigClip.length}`,
      'POST /v2/post/publish/status/fetch/',
      `PUT /upload/video/ bytes ${5 * MIB}-${10 * MIB - 1}/${bigClip.length}`,
      `PUT /upload/video/ bytes ${10 * MIB}-${bigClip.length - 1}/${bigClip.length}`,
    ]);
    expect(postsOf(account.externalId)).toHaveLength(1);
  });

  it('starts a new publish after TikTok fails one for a retryable reason (the pull failed)', async () => {
    await sandboxSettings({ verifiedUrlPrefixes: [host.url] });
    const account = newAccount();
    const gone = { ...video('gone.mp4'), url: `${host.url}/nothing-here.mp4` };
    const { adapter } = recordingAdapter({ pullFromUrl: true });
    const first = request(account, 'Gone', [gone]);
    const error = await failure(publishToTheEnd(adapter, first));
    expect(error).toBeInstanceOf(RetryablePublishError);
    expect(error.platformCode).toBe('video_pull_failed');
    expect(first.last()).not.toHaveProperty('publishId');
  });

  it('fails for good a file TikTok cannot read as a video', async () => {
    const account = newAccount();
    const notVideo = video('notes.mp4', Buffer.alloc(4000, 1));
    const error = await failure(
      publishToTheEnd(recordingAdapter().adapter, request(account, 'Notes', [notVideo])),
    );
    expect(error).toBeInstanceOf(PermanentPublishError);
    expect(error.message).toBe(
      'TikTok did not publish notes.mp4: TikTok could not read the file as a video it takes (MP4, MOV or WebM).',
    );
    expect(postsOf(account.externalId)).toHaveLength(0);
  });
});

describe("TikTok's errors", () => {
  const cases: Array<{
    name: string;
    fault: { status: number; platform_code: string };
    kind: new (...args: never[]) => PublishError;
  }> = [
    {
      name: 'an invalid token',
      fault: { status: 401, platform_code: 'access_token_invalid' },
      kind: AuthPublishError,
    },
    {
      name: 'a missing scope',
      fault: { status: 401, platform_code: 'scope_not_authorized' },
      kind: AuthPublishError,
    },
    {
      name: 'the daily cap',
      fault: { status: 403, platform_code: 'spam_risk_too_many_posts' },
      kind: RateLimitedPublishError,
    },
    {
      name: 'a banned account',
      fault: { status: 403, platform_code: 'spam_risk_user_banned_from_posting' },
      kind: PermanentPublishError,
    },
    {
      name: 'a privacy mismatch',
      fault: { status: 403, platform_code: 'privacy_level_option_mismatch' },
      kind: PermanentPublishError,
    },
    {
      name: 'invalid params',
      fault: { status: 400, platform_code: 'invalid_params' },
      kind: PermanentPublishError,
    },
    {
      name: 'an internal error',
      fault: { status: 500, platform_code: 'internal_error' },
      kind: RetryablePublishError,
    },
  ];
  for (const { name, fault, kind } of cases) {
    it(`maps ${name} on init to ${kind.name}`, async () => {
      const account = newAccount();
      sandbox.injectFault({
        platform: 'tiktok',
        account: account.externalId,
        fault: { type: 'graph_error', code: 0, ...fault },
      });
      const error = await failure(
        recordingAdapter().adapter.publish(request(account, name, [video('x.mp4')]).req),
      );
      expect(error).toBeInstanceOf(kind);
      expect(error.platformCode).toBe(fault.platform_code);
    });
  }

  it('backs off a minute after the sixth init in a minute (429 rate_limit_exceeded)', async () => {
    const account = newAccount();
    for (let i = 0; i < 6; i += 1) {
      const response = await fetch(`${base}/v2/post/publish/video/init/`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${account.accessToken}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          post_info: { privacy_level: 'SELF_ONLY', brand_content_toggle: false },
          source_info: {
            source: 'FILE_UPLOAD',
            video_size: 10,
            chunk_size: 10,
            total_chunk_count: 1,
          },
        }),
      });
      expect(response.status).toBe(200);
    }
    const error = await failure(
      recordingAdapter().adapter.publish(request(account, 'Seventh', [video('r.mp4')]).req),
    );
    expect(error).toBeInstanceOf(RateLimitedPublishError);
    expect(error.platformCode).toBe('rate_limit_exceeded');
    expect(error.retryAt).toEqual(new Date(NOW.getTime() + 60_000));
  });

  it('treats an unanswered PULL_FROM_URL init as ambiguous, and a FILE_UPLOAD one as retryable', async () => {
    await sandboxSettings({ verifiedUrlPrefixes: [host.url] });
    const pulled = newAccount();
    sandbox.injectFault({
      platform: 'tiktok',
      account: pulled.externalId,
      fault: { type: 'http_status', status: 502 },
    });
    const ambiguous = await failure(
      recordingAdapter({ pullFromUrl: true }).adapter.publish(
        request(pulled, 'Pulled', [video('p.mp4')]).req,
      ),
    );
    expect(ambiguous).toBeInstanceOf(AmbiguousPublishError);

    const uploaded = newAccount();
    sandbox.injectFault({
      platform: 'tiktok',
      account: uploaded.externalId,
      fault: { type: 'drop_connection', afterAccepting: true },
    });
    const retryable = await failure(
      recordingAdapter().adapter.publish(request(uploaded, 'Uploaded', [video('q.mp4')]).req),
    );
    expect(retryable).toBeInstanceOf(RetryablePublishError);
  });
});

describe('moderation and private posts', () => {
  it('waits for the post id while TikTok moderates a public post', async () => {
    await sandboxSettings({ processingPolls: 0, moderationPolls: 2 });
    const account = newAccount();
    const { post, waits } = await publishToTheEnd(
      recordingAdapter().adapter,
      request(account, 'Moderated', [video('m.mp4')]),
    );
    expect(waits.map((w) => w.platformCode)).toEqual(['PUBLISH_COMPLETE', 'PUBLISH_COMPLETE']);
    expect(post.externalId).toBe(postsOf(account.externalId)[0]!.id);
  });

  it('settles a private post with its publish_id, which has no public id to give', async () => {
    const account = newAccount();
    const first = request(account, 'Only me', [video('s.mp4')], { privacyLevel: 'SELF_ONLY' });
    const adapter = recordingAdapter().adapter;
    const { post } = await publishToTheEnd(adapter, first);
    expect(post.externalId).toMatch(/^v_pub_file~/);
    expect(post.url).toBe(`${base}/@creator${account.externalId.replace(/_/g, '').toLowerCase()}`);
    expect(await adapter.fetchMetrics!({ account, post })).toEqual({
      likes: null,
      comments: null,
      shares: null,
      impressions: null,
      views: null,
    });
  });
});

describe('reconcile', () => {
  const window = () => ({ from: new Date(Date.now() - 60_000), to: new Date(Date.now() + 1000) });

  it('asks the status of a saved publish_id', async () => {
    const account = newAccount();
    const first = request(account, 'Saved id', [video('r1.mp4')]);
    const adapter = recordingAdapter().adapter;
    expect(await failure(adapter.publish(first.req))).toBeInstanceOf(NotReadyPublishError);
    const outcome = await adapter.reconcile({
      account,
      content: first.req.content,
      progress: first.last(),
      window: window(),
    });
    expect(outcome).toEqual({
      status: 'published',
      post: {
        externalId: postsOf(account.externalId)[0]!.id,
        url: expect.stringContaining(`/video/${postsOf(account.externalId)[0]!.id}`) as unknown,
      },
    });
  });

  it('finds by caption and time a post whose init answer was lost', async () => {
    await sandboxSettings({ verifiedUrlPrefixes: [host.url] });
    const account = newAccount();
    sandbox.injectFault({
      platform: 'tiktok',
      account: account.externalId,
      fault: { type: 'drop_connection', afterAccepting: true },
    });
    const caption = `A long caption that runs past the hundred and fifty characters TikTok keeps as a video's description, so that reconcile has to compare only the start of it. ${'x'.repeat(40)}`;
    const first = request(account, caption, [video('r2.mp4')]);
    const adapter = recordingAdapter({ pullFromUrl: true }).adapter;
    expect(await failure(adapter.publish(first.req))).toBeInstanceOf(AmbiguousPublishError);
    expect(first.last()).toBeNull();
    const outcome = await adapter.reconcile({
      account,
      content: first.req.content,
      progress: first.last(),
      window: window(),
    });
    const [posted] = postsOf(account.externalId);
    expect(outcome).toMatchObject({ status: 'published', post: { externalId: posted!.id } });
  });

  it('says not_published when nothing matches, and unknown for a post TikTok would not list', async () => {
    const account = newAccount();
    const adapter = recordingAdapter().adapter;
    const content = {
      caption: 'Never sent',
      media: [],
      settings: { privacyLevel: 'PUBLIC_TO_EVERYONE' as const },
    };
    expect(await adapter.reconcile({ account, content, progress: null, window: window() })).toEqual(
      { status: 'not_published' },
    );
    const hidden = await adapter.reconcile({
      account,
      content: { ...content, settings: { privacyLevel: 'SELF_ONLY' } },
      progress: null,
      window: window(),
    });
    expect(hidden).toMatchObject({ status: 'unknown' });
  });
});

describe('metrics', () => {
  it('reads likes, comments, shares and views, which grow with the video age', async () => {
    const account = newAccount();
    const adapter = recordingAdapter().adapter;
    const { post } = await publishToTheEnd(adapter, request(account, 'Counted', [video('c.mp4')]));
    const createdAt = Date.parse(postsOf(account.externalId)[0]!.createdAt);
    await sandboxSettings({ now: new Date(createdAt + 60 * 60_000).toISOString() });
    const hour = await adapter.fetchMetrics!({ account, post });
    await sandboxSettings({ now: new Date(createdAt + 7 * 24 * 60 * 60_000).toISOString() });
    const week = await adapter.fetchMetrics!({ account, post });
    expect(hour.views).toBeGreaterThan(0);
    expect(hour.impressions).toBe(hour.views);
    expect(week.views).toBeGreaterThan(hour.views!);
    expect(week.likes).toBeGreaterThanOrEqual(hour.likes!);
    expect(week.comments).toBeGreaterThanOrEqual(hour.comments!);
  });
});

describe('tokens', () => {
  it('refreshes with rotation: the new refresh token works, the old one is refused', async () => {
    const adapter = createTikTokAdapter({
      baseUrl: base,
      clientKey: 'herald-test',
      clientSecret: 'secret',
      now: () => NOW,
    });
    const old = `sbxr-tiktok-${FJORD}-rot${++creators}`;
    const fresh = await adapter.refreshToken!({ accessToken: 'unused', refreshToken: old });
    expect(fresh.expiresAt).toEqual(new Date(NOW.getTime() + 86_400_000));
    expect(fresh.refreshToken).toMatch(/^sbxr-tiktok-/);
    expect(fresh.refreshToken).not.toBe(old);
    const again = await failure(
      adapter.refreshToken!({ accessToken: 'unused', refreshToken: old }),
    );
    expect(again).toBeInstanceOf(AuthPublishError);
    expect(again.platformCode).toBe('invalid_grant');
    await expect(
      adapter.refreshToken!({ accessToken: fresh.accessToken, refreshToken: fresh.refreshToken! }),
    ).resolves.toMatchObject({ accessToken: expect.stringMatching(/^sbx-tiktok-/) as unknown });
  });
});

describe('postIdsOf', () => {
  it('keeps every digit of an int64 id, quoted or not', () => {
    expect(
      postIdsOf(
        '{"data":{"publicaly_available_post_id":[7299999999999999999, "7300000000000000001"]}}',
      ),
    ).toEqual(['7299999999999999999', '7300000000000000001']);
    expect(postIdsOf('{"data":{"publicaly_available_post_id":[]}}')).toEqual([]);
  });
});
