// Per-platform settings through the services, on a real database: stored with each target when
// a post is scheduled or drafted, checked for the account's platform with a sentence (and
// nothing stored when they are wrong), the post type choosing the media rule, YouTube's
// thumbnail held to a ready image of the same client, and edits allowed until publishing starts.
import { randomUUID } from 'node:crypto';
import {
  createAgency,
  createTestDatabase,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../domain/platforms.ts';
import { actorOf, addReadyImage, startMediaServer } from '../testing.ts';
import { ConflictError, InvalidInputError, NotFoundError } from './errors.ts';
import { deleteMedia } from './media/library.ts';
import { getPost, saveDraftPost, scheduleDraftPost, schedulePost } from './posts.ts';
import { setTargetSettings } from './target-settings.ts';

describe('per-platform settings of a target', () => {
  let t: TestDatabase;
  let agency: AgencyFixture;
  let other: AgencyFixture;
  let media: Awaited<ReturnType<typeof startMediaServer>>;
  let instagram: { id: string; handle: string };
  let youtube: { id: string; handle: string };
  let linkedin: { id: string; handle: string };
  let tall: string;
  let film: string;
  const now = new Date();
  const later = new Date(now.getTime() + 3_600_000);

  beforeAll(async () => {
    t = await createTestDatabase();
    [agency, other, media] = await Promise.all([
      createAgency(t.db, { pages: 3 }),
      createAgency(t.db),
      startMediaServer(),
    ]);
    const on = async (i: number, platform: Platform) => {
      const account = agency.accounts[i]!;
      await t.db.socialAccount.update({ where: { id: account.id }, data: { platform } });
      return { id: account.id, handle: account.handle };
    };
    instagram = await on(0, 'instagram');
    youtube = await on(1, 'youtube');
    linkedin = await on(2, 'linkedin');
    tall = await addReadyImage(t.db, media.storage, agency, {
      name: 'tall.jpg',
      width: 1080,
      height: 1920,
    });
    film = await asset(agency, { kind: 'video', name: 'film.mp4' });
  });
  afterAll(async () => {
    await media.close();
    await t.drop();
  });

  /** A library row as processing leaves it (no files needed: nothing here is published). */
  async function asset(
    owner: AgencyFixture,
    over: {
      kind: 'image' | 'video';
      name: string;
      status?: 'ready' | 'processing';
      clientId?: string;
    },
  ) {
    const row = await t.db.mediaAsset.create({
      data: {
        organizationId: owner.organizationId,
        clientId: over.clientId ?? owner.clientId,
        name: over.name,
        kind: over.kind,
        declaredType: over.kind === 'video' ? 'video/mp4' : 'image/jpeg',
        sizeBytes: 2_000_000,
        originalKey: `uploads/${randomUUID()}`,
        status: over.status ?? 'ready',
        width: 1920,
        height: 1080,
        durationMs: over.kind === 'video' ? 30_000 : null,
      },
    });
    return row.id;
  }

  const schedule = (
    accountIds: string[],
    settings: Record<string, unknown>,
    mediaIds: string[],
    draft = false,
  ) =>
    (draft ? saveDraftPost : schedulePost)(
      t.db,
      actorOf(agency),
      {
        clientId: agency.clientId,
        caption: `Settings ${Math.random().toString(36).slice(2)}`,
        accountIds,
        scheduledFor: later,
        mediaIds,
        settings,
      },
      now,
    );

  async function refusal(promise: Promise<unknown>): Promise<Error> {
    return (await promise.then(
      () => expect.unreachable('it should have been refused'),
      (e: unknown) => e,
    )) as Error;
  }

  it("stores each account's settings with its target, and {} for an account left out", async () => {
    const post = await schedule(
      [instagram.id, linkedin.id],
      {
        [instagram.id]: { postType: 'story' },
        [linkedin.id]: { article: { url: 'https://example.com/launch', title: ' Launch ' } },
      },
      [tall],
    );
    const byAccount = new Map(post.targets.map((target) => [target.socialAccount.id, target]));
    expect(byAccount.get(instagram.id)?.settings).toEqual({ postType: 'story' });
    // Stored as parsed: trimmed, as the platform will get it.
    expect(byAccount.get(linkedin.id)?.settings).toEqual({
      article: { url: 'https://example.com/launch', title: 'Launch' },
    });
    const plain = await schedule([linkedin.id], {}, []);
    expect(plain.targets[0]?.settings).toEqual({});
  });

  it('refuses bad settings with a sentence naming the account and platform, and stores nothing', async () => {
    const before = await t.db.post.count();
    const cases: [Record<string, unknown>, string][] = [
      [
        { [instagram.id]: { postType: 'short' } },
        `${instagram.handle}: Instagram settings: postType: `,
      ],
      [
        { [linkedin.id]: { article: { url: 'example.com' } } },
        `${linkedin.handle}: LinkedIn settings: article.url: must be a web address starting with http:// or https://.`,
      ],
      [{ [linkedin.id]: { colour: 'blue' } }, `${linkedin.handle}: LinkedIn settings: `],
      [
        { [randomUUID()]: {} },
        'Settings were given for an account this post does not go to. Pick that account, or drop its settings.',
      ],
    ];
    for (const [settings, sentence] of cases) {
      for (const draft of [false, true]) {
        const error = await refusal(schedule([instagram.id, linkedin.id], settings, [tall], draft));
        expect(error).toBeInstanceOf(InvalidInputError);
        expect(error.message.startsWith(sentence), error.message).toBe(true);
      }
    }
    expect(await t.db.post.count()).toBe(before);
  });

  it('the post type chosen picks the media rule when scheduling', async () => {
    const error = await refusal(
      schedule([instagram.id], { [instagram.id]: { postType: 'reel' } }, [tall]),
    );
    expect(error.message).toBe(
      `${instagram.handle}: Instagram reels take videos only; “tall.jpg” is a image.`,
    );
    // A LinkedIn article card shows one picture at most.
    const second = await addReadyImage(t.db, media.storage, agency, { name: 'second.jpg' });
    const article = await refusal(
      schedule([linkedin.id], { [linkedin.id]: { article: { url: 'https://example.com/' } } }, [
        tall,
        second,
      ]),
    );
    expect(article.message).toBe(
      `${linkedin.handle}: A LinkedIn article link shows one picture, as its thumbnail; this post has 2. Keep one, or remove the article link.`,
    );
  });

  it("holds YouTube's thumbnail to a ready image of the same client", async () => {
    const elsewhere = await t.db.client.create({
      data: { organizationId: agency.organizationId, name: 'Another brand', timezone: 'UTC' },
    });
    const otherClient = await asset(agency, {
      kind: 'image',
      name: 'theirs.jpg',
      clientId: elsewhere.id,
    });
    const otherOrg = await asset(other, { kind: 'image', name: 'foreign.jpg' });
    const video = await asset(agency, { kind: 'video', name: 'clip.mp4' });
    const processing = await asset(agency, {
      kind: 'image',
      name: 'wip.jpg',
      status: 'processing',
    });
    const withThumbnail = (thumbnailAssetId: string, draft = false) =>
      schedule(
        [youtube.id],
        { [youtube.id]: { title: 'Our film', thumbnailAssetId } },
        [film],
        draft,
      );

    for (const id of [otherClient, otherOrg]) {
      expect((await refusal(withThumbnail(id))).message).toBe(
        `${youtube.handle}: The thumbnail is not in this client's media library any more. Choose another image.`,
      );
    }
    expect((await refusal(withThumbnail(video))).message).toBe(
      `${youtube.handle}: The thumbnail must be an image; “clip.mp4” is a video.`,
    );
    expect((await refusal(withThumbnail(processing))).message).toBe(
      `${youtube.handle}: The thumbnail “wip.jpg” is still being processed.`,
    );
    // A draft may wait for its thumbnail; scheduling it may not.
    const draft = await withThumbnail(processing, true);
    expect(draft.targets[0]?.settings).toMatchObject({ thumbnailAssetId: processing });
    const scheduling = await refusal(
      scheduleDraftPost(t.db, actorOf(agency), { postId: draft.id, scheduledFor: later }, now),
    );
    expect(scheduling.message).toBe(
      `${youtube.handle}: The thumbnail “wip.jpg” is still being processed.`,
    );
    const ready = await withThumbnail(tall);
    expect(ready.targets[0]?.settings).toEqual({ title: 'Our film', thumbnailAssetId: tall });

    // While a post still to go out uses it as a thumbnail, the image stays in the library.
    const cover = await asset(agency, { kind: 'image', name: 'cover.jpg' });
    await withThumbnail(cover);
    const deletion = await refusal(
      deleteMedia({ db: t.db, storage: media.storage }, actorOf(agency), { assetId: cover }),
    );
    expect(deletion).toBeInstanceOf(ConflictError);
    expect(deletion.message).toMatch(/^“cover\.jpg” is used by posts that have not gone out yet/);
  });

  it("edits a target's settings until it starts publishing, never storing what is refused", async () => {
    const post = await schedule([instagram.id], {}, [tall]);
    const targetId = post.targets[0]!.id;
    const settingsOf = async () =>
      (await t.db.postTarget.findUniqueOrThrow({ where: { id: targetId } })).settings;

    await setTargetSettings(t.db, actorOf(agency), { targetId, settings: { postType: 'story' } });
    expect(await settingsOf()).toEqual({ postType: 'story' });
    const shown = await getPost(t.db, actorOf(agency), post.id);
    expect(shown.targets[0]?.settings).toEqual({ postType: 'story' });

    const invalid = await refusal(
      setTargetSettings(t.db, actorOf(agency), { targetId, settings: { postType: 'video' } }),
    );
    expect(invalid).toBeInstanceOf(InvalidInputError);
    // A reel needs a video: the scheduled target's photo would no longer fit.
    const misfit = await refusal(
      setTargetSettings(t.db, actorOf(agency), { targetId, settings: { postType: 'reel' } }),
    );
    expect(misfit.message).toBe(
      `${instagram.handle}: Instagram reels take videos only; “tall.jpg” is a image.`,
    );
    const stranger = await refusal(
      setTargetSettings(t.db, actorOf(other), { targetId, settings: {} }),
    );
    expect(stranger).toBeInstanceOf(NotFoundError);
    expect(await settingsOf()).toEqual({ postType: 'story' });

    await t.db.postTarget.update({ where: { id: targetId }, data: { status: 'publishing' } });
    const started = await refusal(
      setTargetSettings(t.db, actorOf(agency), { targetId, settings: {} }),
    );
    expect(started).toBeInstanceOf(ConflictError);
    expect(started.message).toBe(
      "This account's post has already started publishing (or finished); its settings can no longer change.",
    );
    expect(await settingsOf()).toEqual({ postType: 'story' });
  });
});
