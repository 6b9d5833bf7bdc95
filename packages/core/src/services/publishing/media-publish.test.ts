// A post with media, from the library to the platform: the engine selects each asset's file for
// Facebook, signs its URL on the real local store, and the sandbox fetches it over HTTP as
// Facebook would. Media that stopped fitting fails the target before any platform call.
import { startSandbox, type Sandbox } from '@herald/sandbox';
import {
  createAgency,
  createTestDatabase,
  TEST_TOKEN_KEY,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFacebookAdapter } from '../../providers/facebook/adapter.ts';
import { actorOf, addReadyImage, startMediaServer } from '../../testing.ts';
import { schedulePost } from '../posts.ts';
import { publishTarget, type PublishingDeps } from './index.ts';

describe('publishing a post with media', () => {
  let t: TestDatabase;
  let agency: AgencyFixture;
  let sandbox: Sandbox;
  let media: Awaited<ReturnType<typeof startMediaServer>>;
  let deps: PublishingDeps;
  const clock = new Date();

  beforeAll(async () => {
    t = await createTestDatabase();
    agency = await createAgency(t.db);
    sandbox = await startSandbox({ port: 0 });
    media = await startMediaServer();
    const facebook = createFacebookAdapter({ baseUrl: `${sandbox.url}/facebook` });
    deps = {
      db: t.db,
      adapterFor: () => facebook,
      tokenKey: TEST_TOKEN_KEY,
      storage: media.storage,
      now: () => new Date(clock.getTime() + 3_600_000),
    };
  });
  afterAll(async () => {
    await sandbox.close();
    await media.close();
    await t.drop();
  });

  async function schedule(caption: string, mediaIds: string[]) {
    const post = await schedulePost(
      t.db,
      actorOf(agency),
      {
        clientId: agency.clientId,
        caption,
        accountIds: [agency.accounts[0]!.id],
        scheduledFor: new Date(clock.getTime() + 3_600_000),
        mediaIds,
      },
      clock,
    );
    return post.targets[0]!.id;
  }

  it('publishes a two-photo post in the composed order, with the files the store serves', async () => {
    const first = await addReadyImage(t.db, media.storage, agency, { name: 'first.jpg' });
    const second = await addReadyImage(t.db, media.storage, agency, {
      name: 'second.jpg',
      width: 900,
      height: 1200,
    });
    const targetId = await schedule('Two photos', [second, first]);
    const result = await publishTarget(deps, targetId);
    expect(result.outcome).toBe('published');

    const [post] = sandbox.posts().filter((p) => p.message === 'Two photos');
    expect(post?.media?.map((m) => m.kind)).toEqual(['image', 'image']);
    // Each photo the sandbox fetched is, byte for byte, the `full` rendition of its asset.
    const fulls = await Promise.all(
      [second, first].map((assetId) =>
        t.db.mediaRendition.findFirstOrThrow({ where: { assetId, name: 'full' } }),
      ),
    );
    for (const [index, shown] of post!.media!.entries()) {
      const kept = await fetch(`${sandbox.url}/facebook/media/${shown.id}`);
      expect(kept.headers.get('content-type')).toBe('image/jpeg');
      const bytes = Buffer.from(await kept.arrayBuffer());
      expect(bytes.equals(await media.storage.read(fulls[index]!.key))).toBe(true);
    }
  });

  it('fails a target whose media no longer fits, with the sentence, and calls no platform', async () => {
    const photo = await addReadyImage(t.db, media.storage, agency, { name: 'gone.jpg' });
    const targetId = await schedule('Its photo was refused after scheduling', [photo]);
    await t.db.mediaAsset.update({
      where: { id: photo },
      data: { status: 'rejected', rejectionReason: 'The file was replaced.' },
    });
    const before = sandbox.posts().length;
    const result = await publishTarget(deps, targetId);
    expect(result).toMatchObject({
      outcome: 'failed',
      error: '“gone.jpg” could not be processed: The file was replaced.',
    });
    expect(sandbox.posts()).toHaveLength(before);
  });
});
