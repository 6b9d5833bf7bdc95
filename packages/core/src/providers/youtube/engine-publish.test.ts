// The engine publishing a video to YouTube, configured the way the apps configure it (settings →
// registry), against the sandbox over HTTP with a real database: the upload's progress is stored
// on the target, "still processing" defers the target instead of failing it, the next run
// continues from the stored progress without uploading again, and a notice lands in the
// target's `target.published` activity.
import { encryptSecret } from '@herald/db';
import {
  createAgency,
  createTestDatabase,
  TEST_TOKEN_KEY,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { sandboxToken, startSandbox, type Sandbox } from '@herald/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdapterRegistry } from '../registry.ts';
import { adapterConfigFromSettings, platformSettingsSchema } from '../settings.ts';
import { findMediaBinaries } from '../../media/index.ts';
import { uploadKey } from '../../services/media/keys.ts';
import { processMedia } from '../../services/media/process.ts';
import { createUpload, finaliseUpload } from '../../services/media/uploads.ts';
import { schedulePost } from '../../services/posts.ts';
import { publishTarget, type PublishingDeps } from '../../services/publishing/index.ts';
import { actorOf, startMediaServer } from '../../testing.ts';
import { createYouTubeAdapter } from './adapter.ts';
import { makeClip } from './test-media.ts';

describe('the engine publishing to YouTube', () => {
  let t: TestDatabase;
  let agency: AgencyFixture;
  let sandbox: Sandbox;
  let media: Awaited<ReturnType<typeof startMediaServer>>;
  let videoId: string;
  const clock = new Date();

  beforeAll(async () => {
    t = await createTestDatabase();
    agency = await createAgency(t.db, { pages: 2 });
    sandbox = await startSandbox({ port: 0 });
    media = await startMediaServer();
    await fetch(`${sandbox.baseUrl('youtube')}/__sandbox/settings`, {
      method: 'POST',
      body: JSON.stringify({ processingPolls: 1, rejectDuplicates: false }),
    });
    // A processed video in the client's library, uploaded the real way.
    const bytes = await makeClip('640x360');
    const declared = {
      clientId: agency.clientId,
      fileName: 'roast.mp4',
      contentType: 'video/mp4',
      size: bytes.length,
    };
    const binaries = await findMediaBinaries();
    const deps = { db: t.db, storage: media.storage, binaries: () => Promise.resolve(binaries) };
    const { uploadId } = await createUpload(deps, actorOf(agency), declared);
    await media.storage.put(uploadKey(agency.organizationId, uploadId), bytes, {
      contentType: 'video/mp4',
    });
    const asset = await finaliseUpload(deps, actorOf(agency), { ...declared, uploadId });
    const processed = await processMedia(deps, asset.id);
    expect(processed.outcome).toBe('ready');
    videoId = asset.id;
  });
  afterAll(async () => {
    await sandbox.close();
    await media.close();
    await t.drop();
  });

  /** Fixture account `i` as a YouTube channel with a sandbox token. */
  async function youtubeAccount(i: number) {
    const account = agency.accounts[i]!;
    const channel = `UCenginetest${String(i).padStart(12, '0')}`;
    await t.db.socialAccount.update({
      where: { id: account.id },
      data: {
        platform: 'youtube',
        externalId: channel,
        accessTokenEncrypted: encryptSecret(sandboxToken('youtube', channel), TEST_TOKEN_KEY),
      },
    });
    return account.id;
  }

  async function schedule(accountId: string, caption: string) {
    const post = await schedulePost(
      t.db,
      actorOf(agency),
      {
        clientId: agency.clientId,
        caption,
        accountIds: [accountId],
        scheduledFor: new Date(clock.getTime() + 3_600_000),
        mediaIds: [videoId],
      },
      clock,
    );
    return post.targets[0]!.id;
  }

  it('defers while YouTube processes, then publishes from the stored progress', async () => {
    const settings = platformSettingsSchema.parse({ YOUTUBE_API_URL: sandbox.baseUrl('youtube') });
    let now = new Date(clock.getTime() + 3_600_000);
    const deps: PublishingDeps = {
      db: t.db,
      adapterFor: createAdapterRegistry(adapterConfigFromSettings(settings)),
      tokenKey: TEST_TOKEN_KEY,
      storage: media.storage,
      now: () => now,
    };
    const targetId = await schedule(await youtubeAccount(0), 'Roast day\nFrom bean to cup.');

    const first = await publishTarget(deps, targetId);
    expect(first).toMatchObject({ outcome: 'deferred', platform: 'youtube' });
    const stored = await t.db.postTarget.findUniqueOrThrow({ where: { id: targetId } });
    expect(stored.providerState).toMatchObject({ videoId: expect.any(String) as string });

    now = new Date(now.getTime() + 60_000);
    const second = await publishTarget(deps, targetId);
    const uploaded = (stored.providerState as { videoId: string }).videoId;
    expect(second).toMatchObject({
      outcome: 'published',
      externalId: uploaded,
      url: `${sandbox.baseUrl('youtube')}/watch?v=${uploaded}`,
    });
    const posts = sandbox.posts().filter((p) => p.message === 'Roast day\nFrom bean to cup.');
    expect(posts.map((p) => [p.id, p.title])).toEqual([[uploaded, 'Roast day']]);
  });

  it('records a notice with the published activity', async () => {
    const adapter = createYouTubeAdapter({
      baseUrl: sandbox.baseUrl('youtube'),
      // Herald stops waiting for processing at once: published, with a notice.
      maxProcessingWaitMs: 0,
    });
    const deps: PublishingDeps = {
      db: t.db,
      adapterFor: () => adapter,
      tokenKey: TEST_TOKEN_KEY,
      storage: media.storage,
      now: () => new Date(clock.getTime() + 3_600_000),
    };
    const targetId = await schedule(await youtubeAccount(1), 'Noticed');
    const result = await publishTarget(deps, targetId);
    expect(result.outcome).toBe('published');
    const activity = await t.db.activityEvent.findFirstOrThrow({
      where: { subjectId: targetId, action: 'target.published' },
    });
    expect(activity.data).toMatchObject({
      notice: expect.stringMatching(/still processing/) as string,
    });
  });
});
