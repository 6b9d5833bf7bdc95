// Instagram post engagement against the sandbox over HTTP, with the sandbox's clock moved
// instead of waited for: feed posts and stories, and insights Instagram will not give.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sandboxToken, startSandbox, type Sandbox } from '@herald/sandbox';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuthPublishError, PermanentPublishError } from '../errors.ts';
import type { MetricsRequest, PublishedPost, PublishRequest } from '../types.ts';
import { createInstagramAdapter } from './adapter.ts';

const IG_USER = '17841400000000301';
const TOKEN = sandboxToken('instagram', IG_USER, 'metrics');
const HOUR = 3_600_000;

let sandbox: Sandbox;
let files: Server;
let imageUrl: string;
let aheadMs = 0;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, now: () => new Date(Date.now() + aheadMs) });
  const jpeg = await sharp({
    create: { width: 40, height: 40, channels: 3, background: 'teal' },
  })
    .jpeg()
    .toBuffer();
  files = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': jpeg.length });
    res.end(jpeg);
  });
  await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
  imageUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}/photo.jpg`;
});
afterAll(async () => {
  files.closeAllConnections();
  await new Promise((resolve) => files.close(resolve));
  await sandbox.close();
});
beforeEach(() => {
  sandbox.clearFaults();
  aheadMs = 0;
});

const adapter = () => createInstagramAdapter({ baseUrl: sandbox.baseUrl('instagram') });

async function publishPhoto(postType?: 'story'): Promise<PublishedPost> {
  const request: PublishRequest = {
    account: { externalId: IG_USER, accessToken: TOKEN },
    content: {
      caption: `Metrics ${Math.random().toString(36).slice(2)}`,
      media: [
        {
          assetId: 'a1',
          kind: 'image',
          name: 'photo.jpg',
          url: imageUrl,
          contentType: 'image/jpeg',
          sizeBytes: 100,
          width: 40,
          height: 40,
          durationMs: null,
        },
      ],
      ...(postType ? { settings: { postType } } : {}),
    },
    progress: null,
    saveProgress: () => Promise.resolve(),
  };
  return adapter().publish(request);
}

const metricsOf = (post: PublishedPost, accessToken = TOKEN): MetricsRequest => ({
  account: { externalId: IG_USER, accessToken },
  post,
});

describe('Instagram fetchMetrics', () => {
  it('reads likes, comments, shares and views of a feed post, growing with its age', async () => {
    const post = await publishPhoto();
    const fetchMetrics = (request: MetricsRequest) => adapter().fetchMetrics!(request);
    aheadMs = HOUR;
    const hour = await fetchMetrics(metricsOf(post));
    aheadMs = 24 * HOUR;
    const day = await fetchMetrics(metricsOf(post));
    // Instagram reports views, not impressions, since v22.0.
    expect(hour.impressions).toBeNull();
    expect(day.impressions).toBeNull();
    expect(hour.views).toBeGreaterThan(0);
    expect(hour.likes).toBeGreaterThan(0);
    for (const key of ['likes', 'comments', 'shares', 'views'] as const) {
      expect(day[key]).not.toBeNull();
      expect(day[key]!).toBeGreaterThanOrEqual(hour[key]!);
    }
    expect(day.views!).toBeGreaterThan(hour.views!);
    expect(await fetchMetrics(metricsOf(post))).toEqual(day);
  });

  it('a story has no likes or comments, and no insights after its day', async () => {
    const story = await publishPhoto('story');
    aheadMs = HOUR;
    const hour = await adapter().fetchMetrics!(metricsOf(story));
    expect(hour).toMatchObject({ likes: null, comments: null, impressions: null });
    expect(hour.views).toBeGreaterThan(0);
    aheadMs = 7 * 24 * HOUR;
    expect(await adapter().fetchMetrics!(metricsOf(story))).toEqual({
      likes: null,
      comments: null,
      shares: null,
      impressions: null,
      views: null,
    });
  });

  it('too few viewers for insights keeps the counts; a dead token is an auth problem', async () => {
    const post = await publishPhoto();
    aheadMs = 24 * HOUR;
    sandbox.injectFault({ platform: 'instagram', on: 'read', fault: { type: 'delay', ms: 0 } });
    sandbox.injectFault({
      platform: 'instagram',
      on: 'read',
      fault: {
        type: 'graph_error',
        status: 400,
        code: 10,
        message: '(#10) Not enough viewers for the media to show insights',
      },
    });
    const metrics = await adapter().fetchMetrics!(metricsOf(post));
    expect(metrics.likes).toBeGreaterThan(0);
    expect(metrics).toMatchObject({ shares: null, views: null });

    const dead = sandboxToken('instagram', IG_USER, 'dead');
    sandbox.revokeToken(dead, 463);
    await expect(adapter().fetchMetrics!(metricsOf(post, dead))).rejects.toBeInstanceOf(
      AuthPublishError,
    );
  });

  it('a media id Instagram does not have is permanent', async () => {
    await expect(
      adapter().fetchMetrics!(metricsOf({ externalId: '1', url: 'x' })),
    ).rejects.toBeInstanceOf(PermanentPublishError);
  });
});
