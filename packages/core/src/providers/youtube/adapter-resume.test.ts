// The YouTube adapter when things go wrong, against the real sandbox: uploads interrupted part
// way (the next attempt asks the session and continues after what YouTube kept), the last
// part's answer lost (ambiguous; reconcile asks the session, or the channel's uploads), sessions
// that expired, and YouTube's errors classified. Faults are injected at exact points of the
// upload from the progress the adapter saves.
import { sandboxToken, startSandbox, type FaultRequest, type Sandbox } from '@herald/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AmbiguousPublishError,
  AuthPublishError,
  PermanentPublishError,
  RateLimitedPublishError,
  RetryablePublishError,
  type PublishError,
} from '../errors.ts';
import type { ProviderProgress, PublishRequest } from '../types.ts';
import { createYouTubeAdapter, UPLOAD_CHUNK_UNIT, type YouTubeAdapterConfig } from './adapter.ts';
import { MediaHost, makeClip } from './test-media.ts';

let sandbox: Sandbox;
let host: MediaHost;
let clip: Buffer;
beforeAll(async () => {
  host = new MediaHost();
  [sandbox, clip] = await Promise.all([
    startSandbox({ port: 0 }),
    makeClip('640x360'),
    host.start(),
  ]);
});
afterAll(() => Promise.all([sandbox.close(), host.close()]));
beforeEach(async () => {
  sandbox.clearFaults();
  await settings({ processingPolls: 0, dailyQuotaUnits: 1_000_000, uploadsPerChannelPerDay: 100 });
});

const base = () => sandbox.baseUrl('youtube');
const settings = (body: object) =>
  fetch(`${base()}/__sandbox/settings`, { method: 'POST', body: JSON.stringify(body) });
/** The sandbox's YouTube clock, which tests move forward; the adapter reads the same one. */
let offsetMs = 0;
const clock = () => new Date(Date.now() + offsetMs);
async function advance(ms: number) {
  offsetMs += ms;
  await fetch(`${base()}/__sandbox/clock`, {
    method: 'POST',
    body: JSON.stringify({ advanceMs: ms }),
  });
}
const WEEK = 7 * 24 * 3600_000;

let channels = 0;
function newChannel() {
  const externalId = `UCresumetest${String(++channels).padStart(12, '0')}`;
  return { externalId, accessToken: sandboxToken('youtube', externalId, 'test') };
}

function recordingAdapter(extra: Partial<YouTubeAdapterConfig> = {}) {
  const calls: string[] = [];
  const adapter = createYouTubeAdapter({
    baseUrl: base(),
    chunkBytes: UPLOAD_CHUNK_UNIT,
    now: clock,
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

type Upload = { confirmedBytes: number; finalSentAt?: string; sessionUri: string };
const uploadOf = (progress: ProviderProgress | undefined) => progress?.upload as Upload | undefined;

/**
 * A publish request whose saveProgress can inject a sandbox fault once, at the moment the saved
 * progress first matches `when` (e.g. the first chunk confirmed, the last about to go).
 */
function request(
  caption: string,
  account: { externalId: string; accessToken: string },
  progress: ProviderProgress | null = null,
  trap?: { when: (upload: Upload) => boolean; fault: FaultRequest['fault'] },
) {
  const saved: ProviderProgress[] = [];
  let sprung = false;
  // The same asset on every attempt of the same post, as the engine hands it over.
  const media = [
    { ...host.media('clip.mp4', clip, 'video', 'video/mp4'), assetId: `asset:${caption}` },
  ];
  const req: PublishRequest = {
    account,
    content: { caption, media },
    progress,
    saveProgress: (next) => {
      saved.push(structuredClone(next));
      const upload = uploadOf(next);
      if (trap && !sprung && upload && trap.when(upload)) {
        sprung = true;
        sandbox.injectFault({
          platform: 'youtube',
          account: account.externalId,
          fault: trap.fault,
        });
      }
      return Promise.resolve();
    },
  };
  return { req, saved, media };
}

async function failure(promise: Promise<unknown>): Promise<PublishError> {
  return (await promise.then(
    () => expect.unreachable('publish should have failed'),
    (e: unknown) => e,
  )) as PublishError;
}

const postsOf = (channel: string) =>
  sandbox.posts().filter((p) => p.platform === 'youtube' && p.accountId === channel);
const DROP_AFTER = { type: 'drop_connection', afterAccepting: true } as const;
const DROP_BEFORE = { type: 'drop_connection', afterAccepting: false } as const;
const afterFirstChunk = (u: Upload) => u.confirmedBytes === UPLOAD_CHUNK_UNIT;
const lastAboutToGo = (u: Upload) => u.finalSentAt !== undefined;

describe('an interrupted upload', () => {
  it('continues after the bytes YouTube kept, without a second session or re-sending them', async () => {
    const account = newChannel();
    const first = request('Interrupted roast', account, null, {
      when: afterFirstChunk,
      fault: DROP_AFTER,
    });
    const error = await failure(recordingAdapter().adapter.publish(first.req));
    // Not the last part: nothing can exist yet, so it is simply tried again.
    expect(error).toBeInstanceOf(RetryablePublishError);
    const progress = first.saved.at(-1)!;
    expect(uploadOf(progress)?.confirmedBytes).toBe(UPLOAD_CHUNK_UNIT);

    const { adapter, calls } = recordingAdapter();
    const published = await adapter.publish(request('Interrupted roast', account, progress).req);
    const total = clip.length;
    // YouTube kept the second chunk before the connection dropped: the answer says so.
    expect(calls[0]).toBe(`PUT /youtube/upload/youtube/v3/videos bytes */${total}`);
    expect(calls[1]).toBe(
      `PUT /youtube/upload/youtube/v3/videos bytes ${2 * UPLOAD_CHUNK_UNIT}-${Math.min(3 * UPLOAD_CHUNK_UNIT, total) - 1}/${total}`,
    );
    expect(calls.some((c) => c.startsWith('POST'))).toBe(false);
    expect(calls.some((c) => c.includes(`bytes ${UPLOAD_CHUNK_UNIT}-`))).toBe(false);
    expect(postsOf(account.externalId).map((p) => p.id)).toEqual([published.externalId]);
    const kept = await fetch(`${base()}/media/${published.externalId}`);
    expect(Buffer.from(await kept.arrayBuffer()).equals(clip)).toBe(true);
  });

  it('re-sends a chunk YouTube never got', async () => {
    const account = newChannel();
    const first = request('Lost chunk', account, null, {
      when: afterFirstChunk,
      fault: DROP_BEFORE,
    });
    await expect(recordingAdapter().adapter.publish(first.req)).rejects.toBeInstanceOf(
      RetryablePublishError,
    );
    const { adapter, calls } = recordingAdapter();
    await adapter.publish(request('Lost chunk', account, first.saved.at(-1)).req);
    expect(calls[1]).toMatch(
      new RegExp(`bytes ${UPLOAD_CHUNK_UNIT}-${2 * UPLOAD_CHUNK_UNIT - 1}/`),
    );
    expect(postsOf(account.externalId)).toHaveLength(1);
  });
});

describe('the last part’s answer lost', () => {
  it('is ambiguous; reconcile asks the session and finds the video', async () => {
    const account = newChannel();
    const first = request('Final words', account, null, { when: lastAboutToGo, fault: DROP_AFTER });
    const startedAt = clock();
    const error = await failure(recordingAdapter().adapter.publish(first.req));
    expect(error).toBeInstanceOf(AmbiguousPublishError);
    const progress = first.saved.at(-1)!;
    const [post] = postsOf(account.externalId);
    expect(post).toBeDefined();

    const outcome = await recordingAdapter().adapter.reconcile({
      account,
      content: { caption: 'Final words', media: [] },
      progress,
      window: { from: startedAt, to: clock() },
    });
    expect(outcome).toEqual({
      status: 'published',
      post: { externalId: post!.id, url: `${base()}/watch?v=${post!.id}` },
    });
    // Publishing again with the same progress finds it too, and uploads nothing.
    const { adapter, calls } = recordingAdapter();
    const again = await adapter.publish(request('Final words', account, progress).req);
    expect(again.externalId).toBe(post!.id);
    expect(calls.filter((c) => c.includes('bytes ') && !c.includes('*/'))).toEqual([]);
  });

  it('when YouTube never got it, reconcile says not published and the same session finishes', async () => {
    const account = newChannel();
    const first = request('Almost', account, null, { when: lastAboutToGo, fault: DROP_BEFORE });
    await expect(recordingAdapter().adapter.publish(first.req)).rejects.toBeInstanceOf(
      AmbiguousPublishError,
    );
    const progress = first.saved.at(-1)!;
    const outcome = await recordingAdapter().adapter.reconcile({
      account,
      content: { caption: 'Almost', media: [] },
      progress,
      window: { from: new Date(clock().getTime() - 60_000), to: clock() },
    });
    expect(outcome).toEqual({ status: 'not_published' });
    const { adapter, calls } = recordingAdapter();
    await adapter.publish(request('Almost', account, progress).req);
    expect(calls.filter((c) => c.startsWith('POST'))).toEqual([]);
    expect(postsOf(account.externalId)).toHaveLength(1);
  });

  it('a 5xx to the last part is ambiguous too', async () => {
    const account = newChannel();
    const first = request('Server trouble', account, null, {
      when: lastAboutToGo,
      fault: { type: 'graph_error', status: 503, code: 503, message: 'backendError' },
    });
    const error = await failure(recordingAdapter().adapter.publish(first.req));
    expect(error).toBeInstanceOf(AmbiguousPublishError);
    expect(error.platformCode).toBe('backendError');
  });
});

describe('expired sessions', () => {
  it('with nothing finished, the upload starts over once', async () => {
    const account = newChannel();
    const first = request('Week-old', account, null, { when: afterFirstChunk, fault: DROP_BEFORE });
    await expect(recordingAdapter().adapter.publish(first.req)).rejects.toBeInstanceOf(
      RetryablePublishError,
    );
    await advance(WEEK + 60_000);
    const { adapter, calls } = recordingAdapter();
    const second = request('Week-old', account, first.saved.at(-1));
    await adapter.publish(second.req);
    expect(calls[0]).toMatch(/bytes \*\//);
    expect(calls.filter((c) => c.startsWith('POST'))).toHaveLength(1);
    expect(uploadOf(second.saved[0])?.sessionUri).not.toBe(
      uploadOf(first.saved.at(-1))?.sessionUri,
    );
    expect(postsOf(account.externalId)).toHaveLength(1);
  });

  it('after the last part went out unanswered, the video is found on the channel, not uploaded again', async () => {
    const account = newChannel();
    const first = request('Found later', account, null, { when: lastAboutToGo, fault: DROP_AFTER });
    await expect(recordingAdapter().adapter.publish(first.req)).rejects.toBeInstanceOf(
      AmbiguousPublishError,
    );
    const [post] = postsOf(account.externalId);
    await advance(WEEK + 60_000);
    const { adapter, calls } = recordingAdapter();
    const published = await adapter.publish(
      request('Found later', account, first.saved.at(-1)).req,
    );
    expect(published.externalId).toBe(post!.id);
    expect(calls.slice(0, 3)).toEqual([
      `PUT /youtube/upload/youtube/v3/videos bytes */${clip.length}`,
      'GET /youtube/youtube/v3/channels',
      'GET /youtube/youtube/v3/playlistItems',
    ]);
    expect(calls.some((c) => c.startsWith('POST'))).toBe(false);
    expect(postsOf(account.externalId)).toHaveLength(1);
  });
});

describe('reconcile', () => {
  it('finds a post among the channel’s uploads by its title and description, in the window', async () => {
    const account = newChannel();
    const { adapter } = recordingAdapter();
    const caption = 'Reconcile me\nwith a second line';
    const from = clock();
    const published = await adapter.publish(request(caption, account).req);
    const window = { from, to: clock() };
    const content = { caption, media: [] };
    await expect(adapter.reconcile({ account, content, progress: null, window })).resolves.toEqual({
      status: 'published',
      post: { externalId: published.externalId, url: published.url },
    });
    await expect(
      adapter.reconcile({
        account,
        content: { caption: 'Something else', media: [] },
        progress: null,
        window,
      }),
    ).resolves.toEqual({ status: 'not_published' });
    const long = {
      from: new Date(from.getTime() - 3 * 3600_000),
      to: new Date(from.getTime() - 2 * 3600_000),
    };
    await expect(
      adapter.reconcile({ account, content, progress: null, window: long }),
    ).resolves.toEqual({ status: 'not_published' });
  });

  it('with a saved video id, asks for that video; when YouTube cannot answer, says unknown', async () => {
    const account = newChannel();
    const { adapter } = recordingAdapter();
    const published = await adapter.publish(request('Known id', account).req);
    const window = { from: clock(), to: clock() };
    const content = { caption: 'Known id', media: [] };
    const progress = { videoId: published.externalId };
    await expect(adapter.reconcile({ account, content, progress, window })).resolves.toMatchObject({
      status: 'published',
      post: { externalId: published.externalId },
    });
    sandbox.injectFault({
      platform: 'youtube',
      on: 'read',
      fault: { type: 'http_status', status: 502 },
    });
    const outcome = await adapter.reconcile({ account, content, progress, window });
    expect(outcome.status).toBe('unknown');
  });
});

describe('errors', () => {
  it('a spent daily quota waits for midnight Pacific Time', async () => {
    await settings({ dailyQuotaUnits: 0 });
    const now = new Date('2026-12-03T15:20:00Z');
    const error = await failure(
      recordingAdapter({ now: () => now }).adapter.publish(request('Quota', newChannel()).req),
    );
    expect(error).toBeInstanceOf(RateLimitedPublishError);
    expect(error.platformCode).toBe('quotaExceeded');
    // 07:20 PST on 3 December: quotas reset at 00:00 PST on the 4th.
    expect(error.retryAt).toEqual(new Date('2026-12-04T08:00:00Z'));
  });

  it('a channel over its upload cap waits 24 hours', async () => {
    await settings({ uploadsPerChannelPerDay: 0 });
    const now = new Date('2026-12-03T15:20:00Z');
    const error = await failure(
      recordingAdapter({ now: () => now }).adapter.publish(request('Cap', newChannel()).req),
    );
    expect(error).toBeInstanceOf(RateLimitedPublishError);
    expect(error.platformCode).toBe('uploadLimitExceeded');
    expect(error.retryAt).toEqual(new Date('2026-12-04T15:20:00Z'));
  });

  it('a revoked token is an auth error; a missing permission too', async () => {
    const account = newChannel();
    sandbox.revokeToken(account.accessToken);
    const revoked = await failure(
      recordingAdapter().adapter.publish(request('Revoked', account).req),
    );
    expect(revoked).toBeInstanceOf(AuthPublishError);
    expect(revoked.platformCode).toBe('authError');
    expect(revoked.message).toMatch(/Reconnect the account/);
    expect(revoked.message).not.toContain(account.accessToken);

    sandbox.injectFault({
      platform: 'youtube',
      fault: { type: 'graph_error', status: 403, code: 403, message: 'insufficientPermissions' },
    });
    const scope = await failure(
      recordingAdapter().adapter.publish(request('Scope', newChannel()).req),
    );
    expect(scope).toBeInstanceOf(AuthPublishError);
    expect(scope.platformCode).toBe('insufficientPermissions');
  });

  it('metadata YouTube refuses is permanent, with YouTube’s reason', async () => {
    const { req } = request('Category', newChannel());
    req.content.settings = { categoryId: '99' };
    const error = await failure(recordingAdapter().adapter.publish(req));
    expect(error).toBeInstanceOf(PermanentPublishError);
    expect(error.platformCode).toBe('invalidCategoryId');
    expect(error.message).toMatch(/categoryId property specifies an invalid category ID/);
  });

  it('a rate limit waits as Retry-After says; a 503 before anything exists is retryable', async () => {
    const now = new Date('2026-12-03T15:20:00Z');
    sandbox.injectFault({
      platform: 'youtube',
      fault: {
        type: 'graph_error',
        status: 403,
        code: 403,
        message: 'rateLimitExceeded',
        headers: { 'retry-after': '120' },
      },
    });
    const limited = await failure(
      recordingAdapter({ now: () => now }).adapter.publish(request('Limited', newChannel()).req),
    );
    expect(limited).toBeInstanceOf(RateLimitedPublishError);
    expect(limited.retryAt).toEqual(new Date(now.getTime() + 120_000));

    sandbox.injectFault({ platform: 'youtube', fault: { type: 'http_status', status: 503 } });
    const down = await failure(
      recordingAdapter().adapter.publish(request('Down', newChannel()).req),
    );
    expect(down).toBeInstanceOf(RetryablePublishError);
    expect(down.platformCode).toBe('http_503');
  });
});
