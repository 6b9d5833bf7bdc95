// A target's settings on their way to the platform, on a real database: the claim (fast path)
// hands the adapter the settings and YouTube's thumbnail signed like the media; reconcile (the
// slow path) gets the settings too; settings or a thumbnail that stopped holding fail the target
// before any platform call; and an Instagram story chosen in the settings goes out as a story
// through the real adapter and the sandbox, its photo cropped to the story's 9:16.
import { randomUUID } from 'node:crypto';
import { encryptSecret } from '@herald/db';
import {
  createAgency,
  createTestDatabase,
  TEST_TOKEN_KEY,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { sandboxToken, startSandbox, type Sandbox } from '@herald/sandbox';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PLATFORM_RULES } from '../../domain/platform-rules.ts';
import type { Platform } from '../../domain/platforms.ts';
import { AmbiguousPublishError } from '../../providers/errors.ts';
import { createInstagramAdapter } from '../../providers/instagram/adapter.ts';
import type { PlatformAdapter, PublishRequest, ReconcileRequest } from '../../providers/types.ts';
import { actorOf, addReadyImage, startMediaServer } from '../../testing.ts';
import { schedulePost } from '../posts.ts';
import { publishTarget, type PublishingDeps } from './index.ts';

describe('settings at publish time', () => {
  let t: TestDatabase;
  let agency: AgencyFixture;
  let sandbox: Sandbox;
  let media: Awaited<ReturnType<typeof startMediaServer>>;
  let deps: PublishingDeps;
  let clock: Date;
  /** What the scripted (non-Instagram) platform was asked, in order. */
  let published: PublishRequest[];
  let reconciled: ReconcileRequest[];
  let nextPublish: () => Promise<{ externalId: string; url: string }>;
  let youtube: string;
  let instagram: string;
  let film: string;
  const start = new Date();

  beforeAll(async () => {
    t = await createTestDatabase();
    agency = await createAgency(t.db, { pages: 2 });
    [sandbox, media] = await Promise.all([startSandbox({ port: 0 }), startMediaServer()]);
    youtube = await accountOn(0, 'youtube', 'UC-settings-test');
    instagram = await accountOn(1, 'instagram', '17841400000000077');
    film = await videoAsset();
    // Instagram is the real adapter over HTTP; YouTube's is scripted, to see what it is handed.
    const instagramAdapter = createInstagramAdapter({ baseUrl: sandbox.baseUrl('instagram') });
    const scripted: PlatformAdapter = {
      platform: 'youtube',
      rules: PLATFORM_RULES.youtube,
      publish: (request) => {
        published.push(request);
        return nextPublish();
      },
      reconcile: (request) => {
        reconciled.push(request);
        return Promise.resolve({ status: 'not_published' });
      },
    };
    deps = {
      db: t.db,
      adapterFor: (platform) => (platform === 'instagram' ? instagramAdapter : scripted),
      tokenKey: TEST_TOKEN_KEY,
      storage: media.storage,
      now: () => clock,
      reconcileDelayMs: 20_000,
    };
  });
  afterAll(async () => {
    await sandbox.close();
    await media.close();
    await t.drop();
  });
  beforeEach(() => {
    clock = new Date(start.getTime() + 3_600_000);
    published = [];
    reconciled = [];
    nextPublish = () =>
      Promise.resolve({ externalId: `yt-${randomUUID()}`, url: 'https://youtu.be/x' });
  });

  async function accountOn(i: number, platform: Platform, externalId: string) {
    const account = agency.accounts[i]!;
    await t.db.socialAccount.update({
      where: { id: account.id },
      data: {
        platform,
        externalId,
        accessTokenEncrypted: encryptSecret(sandboxToken(platform, externalId), TEST_TOKEN_KEY),
      },
    });
    return account.id;
  }

  /** A processed video in the library (its file is signed, never fetched, by the scripted platform). */
  async function videoAsset() {
    const row = await t.db.mediaAsset.create({
      data: {
        organizationId: agency.organizationId,
        clientId: agency.clientId,
        name: 'film.mp4',
        kind: 'video',
        declaredType: 'video/mp4',
        sizeBytes: 5_000_000,
        originalKey: `uploads/${randomUUID()}`,
        status: 'ready',
        width: 1920,
        height: 1080,
        durationMs: 45_000,
      },
    });
    return row.id;
  }

  async function schedule(accountId: string, settings: object, mediaIds: string[]) {
    const post = await schedulePost(
      t.db,
      actorOf(agency),
      {
        clientId: agency.clientId,
        caption: `Settings at publish ${randomUUID()}`,
        accountIds: [accountId],
        scheduledFor: clock,
        mediaIds,
        settings: { [accountId]: settings },
      },
      start,
    );
    return post.targets[0]!.id;
  }

  it('hands the adapter the settings and the thumbnail, signed like the media (fast path)', async () => {
    const thumbnail = await addReadyImage(t.db, media.storage, agency, { name: 'cover.jpg' });
    const targetId = await schedule(
      youtube,
      { title: 'Launch film', privacy: 'unlisted', thumbnailAssetId: thumbnail },
      [film],
    );
    expect((await publishTarget(deps, targetId)).outcome).toBe('published');
    expect(published).toHaveLength(1);
    const { content } = published[0]!;
    expect(content.settings).toEqual({
      title: 'Launch film',
      privacy: 'unlisted',
      thumbnailAssetId: thumbnail,
    });
    expect(content.media).toMatchObject([{ assetId: film, kind: 'video' }]);
    // YouTube's 16:9 thumbnail: the `wide` rendition, served by the store at the signed URL.
    expect(content.thumbnail).toMatchObject({
      assetId: thumbnail,
      kind: 'image',
      name: 'cover.jpg',
      width: 1280,
      height: 720,
    });
    const wide = await t.db.mediaRendition.findFirstOrThrow({
      where: { assetId: thumbnail, name: 'wide' },
    });
    const served = await fetch(content.thumbnail!.url);
    expect(Buffer.from(await served.arrayBuffer()).equals(await media.storage.read(wide.key))).toBe(
      true,
    );
  });

  it('a target without a thumbnail gets none', async () => {
    const targetId = await schedule(youtube, { title: 'No cover' }, [film]);
    expect((await publishTarget(deps, targetId)).outcome).toBe('published');
    expect(published[0]!.content.thumbnail).toBeUndefined();
    expect(published[0]!.content.settings).toEqual({ title: 'No cover' });
  });

  it('a thumbnail removed from the library after scheduling fails the target, and the platform is not called', async () => {
    const thumbnail = await addReadyImage(t.db, media.storage, agency, { name: 'gone.jpg' });
    const targetId = await schedule(youtube, { thumbnailAssetId: thumbnail }, [film]);
    await t.db.mediaAsset.update({ where: { id: thumbnail }, data: { deletedAt: clock } });
    expect(await publishTarget(deps, targetId)).toMatchObject({
      outcome: 'failed',
      error: "The thumbnail is not in this client's media library any more. Choose another image.",
    });
    expect(published).toEqual([]);
  });

  it('settings that no longer hold fail the target with the sentence, before any platform call', async () => {
    const targetId = await schedule(youtube, {}, [film]);
    await t.db.postTarget.update({
      where: { id: targetId },
      data: { settings: { privacy: 'friends-only' } },
    });
    const result = await publishTarget(deps, targetId);
    expect(result).toMatchObject({ outcome: 'failed' });
    expect(result.outcome === 'failed' && result.error).toMatch(/^YouTube settings: privacy: /);
    expect(published).toEqual([]);
  });

  it('reconcile (the slow path, through begin) is handed the settings too', async () => {
    const targetId = await schedule(youtube, { title: 'Lost answer', privacy: 'private' }, [film]);
    nextPublish = () => Promise.reject(new AmbiguousPublishError('The answer was lost.'));
    expect((await publishTarget(deps, targetId)).outcome).toBe('reconciling');
    const row = await t.db.postTarget.findUniqueOrThrow({ where: { id: targetId } });
    clock = row.nextAttemptAt!;
    expect((await publishTarget(deps, targetId)).outcome).toBe('retry_scheduled');
    expect(reconciled).toHaveLength(1);
    expect(reconciled[0]!.content.settings).toEqual({ title: 'Lost answer', privacy: 'private' });
  });

  it("publishes an Instagram story when the target's settings choose one (sandbox)", async () => {
    // A square photo: the story rule crops it to its 9:16 `story` rendition.
    const photo = await addReadyImage(t.db, media.storage, agency, { name: 'square.jpg' });
    const targetId = await schedule(instagram, { postType: 'story' }, [photo]);
    const result = await publishTarget(deps, targetId);
    expect(result.outcome).toBe('published');
    const externalId = result.outcome === 'published' ? result.externalId : '';
    const answer = await fetch(
      `${sandbox.baseUrl('instagram')}/v21.0/${externalId}?fields=media_product_type`,
      { headers: { authorization: `Bearer ${sandboxToken('instagram', '17841400000000077')}` } },
    );
    expect(await answer.json()).toMatchObject({ media_product_type: 'STORY' });
    const [post] = sandbox.posts().filter((p) => p.id === externalId);
    const kept = await fetch(`${sandbox.url}/instagram/media/${post!.media![0]!.id}`);
    const { width, height } = await sharp(Buffer.from(await kept.arrayBuffer())).metadata();
    expect([width, height]).toEqual([1080, 1920]);
  });
});
