// Media end to end below the web app: a signed upload over real HTTP, finalising, processing
// into renditions on real storage, the library, scheduling rules, the fallback package and
// cleanup — against a real Postgres, real sharp and ffmpeg, and the local store's HTTP handler.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  createAgency,
  createTestDatabase,
  findJob,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { IMAGE_RENDITIONS } from '../../domain/media-files.ts';
import { findMediaBinaries } from '../../media/index.ts';
import { actorOf, startMediaServer } from '../../testing.ts';
import type { Actor } from '../actor.ts';
import { ConflictError, InvalidInputError } from '../errors.ts';
import { cancelPost, saveDraftPost, schedulePost } from '../posts.ts';
import { cleanupMedia } from './cleanup.ts';
import type { MediaDeps } from './deps.ts';
import { buildFallbackPackage, fallbackPackageUrl } from './fallback-package.ts';
import { deleteMedia, listMedia } from './library.ts';
import { resolvePublishMedia, setVariantMedia } from './post-media.ts';
import { processMedia } from './process.ts';
import { createUpload, finaliseUpload } from './uploads.ts';

const run = promisify(execFile);

/** A photo as a phone takes it: landscape pixels, EXIF saying "rotate 90°", and a location. */
function phonePhoto(width = 1200, height = 800) {
  return sharp({ create: { width, height, channels: 3, background: '#3a7' } })
    .composite([
      {
        input: Buffer.from(
          `<svg width="${width}" height="${height}"><circle cx="${width / 3}" cy="${height / 2}" r="${height / 4}" fill="#e33"/></svg>`,
        ),
      },
    ])
    .jpeg()
    .withExif({
      IFD0: { Make: 'Herald' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '59/1 54/1 0/1' },
    })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

function entriesOf(zipBytes: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zipBytes, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      const entries = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (err, stream) => {
          if (err) return reject(err);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            entries.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(entries));
      zip.readEntry();
    });
  });
}

describe('media services', () => {
  let t: TestDatabase;
  let agency: AgencyFixture;
  let actor: Actor;
  let media: Awaited<ReturnType<typeof startMediaServer>>;
  let deps: MediaDeps;
  let clock = new Date('2030-05-01T12:00:00Z');
  const now = () => clock;

  beforeAll(async () => {
    t = await createTestDatabase();
    agency = await createAgency(t.db, { pages: 2 });
    actor = actorOf(agency);
    media = await startMediaServer();
    const binaries = await findMediaBinaries();
    deps = { db: t.db, storage: media.storage, binaries: () => Promise.resolve(binaries), now };
  });
  afterAll(async () => {
    await media.close();
    await t.drop();
  });

  /** What the browser does: ask for a URL, PUT the bytes there, finalise. */
  async function upload(fileName: string, contentType: string, bytes: Buffer) {
    const declared = { clientId: agency.clientId, fileName, contentType, size: bytes.length };
    const target = await createUpload(deps, actor, declared);
    const put = await fetch(target.url, {
      method: 'PUT',
      headers: target.headers,
      body: new Uint8Array(bytes),
    });
    expect(put.status, await put.clone().text()).toBeLessThan(300);
    return finaliseUpload(deps, actor, { ...declared, uploadId: target.uploadId });
  }

  async function uploadAndProcess(fileName: string, contentType: string, bytes: Buffer) {
    const asset = await upload(fileName, contentType, bytes);
    const result = await processMedia(deps, asset.id);
    return { asset, result };
  }

  it('uploads a photo, finalises it with its job, and makes every rendition, oriented and clean', async () => {
    const photo = await phonePhoto();
    const asset = await upload('beach.jpg', 'image/jpeg', photo);
    expect(asset.status).toBe('processing');
    expect(await findJob(t.db, `media:${asset.id}`)).toMatchObject({
      task_identifier: 'process_media',
    });

    expect(await processMedia(deps, asset.id)).toEqual({
      outcome: 'ready',
      renditions: IMAGE_RENDITIONS.length,
    });
    const row = await t.db.mediaAsset.findUniqueOrThrow({
      where: { id: asset.id },
      include: { renditions: true },
    });
    // EXIF orientation 6: the 1200×800 pixels are shown 800×1200.
    expect([row.status, row.width, row.height]).toEqual(['ready', 800, 1200]);
    for (const spec of IMAGE_RENDITIONS) {
      const rendition = row.renditions.find((r) => r.name === spec.name)!;
      const bytes = await media.storage.read(rendition.key);
      const meta = await sharp(bytes).metadata();
      expect(meta.format).toBe('jpeg');
      if (spec.fit === 'cover')
        expect([meta.width, meta.height]).toEqual([spec.width, spec.height]);
      else expect(meta.width <= spec.width && meta.height <= spec.height).toBe(true);
      expect([rendition.width, rendition.height]).toEqual([meta.width, meta.height]);
      // No EXIF left at all: no location, no orientation to apply twice.
      expect(meta.exif).toBeUndefined();
      expect(meta.orientation).toBeUndefined();
    }
    const full = row.renditions.find((r) => r.name === 'full')!;
    expect([full.width, full.height]).toEqual([800, 1200]);

    // Processing twice changes nothing.
    expect(await processMedia(deps, asset.id)).toEqual({
      outcome: 'skipped',
      reason: 'not_processing',
    });
  });

  it('refuses what it can tell before the upload, and an upload that did not arrive whole', async () => {
    await expect(
      createUpload(deps, actor, {
        clientId: agency.clientId,
        fileName: 'notes.pdf',
        contentType: 'application/pdf',
        size: 10,
      }),
    ).rejects.toThrow(InvalidInputError);
    const declared = {
      clientId: agency.clientId,
      fileName: 'half.jpg',
      contentType: 'image/jpeg',
      size: 5_000,
    };
    const target = await createUpload(deps, actor, declared);
    await expect(
      finaliseUpload(deps, actor, { ...declared, uploadId: target.uploadId }),
    ).rejects.toThrow('“half.jpg” has not arrived in storage.');
  });

  it('rejects a file whose bytes are not what it claims, with the sentence, and stores nothing', async () => {
    const { asset, result } = await uploadAndProcess(
      'cat.jpg',
      'image/jpeg',
      Buffer.from('this is plain text, not a picture at all\n'.repeat(20)),
    );
    expect(result.outcome).toBe('rejected');
    const row = await t.db.mediaAsset.findUniqueOrThrow({
      where: { id: asset.id },
      include: { renditions: true },
    });
    expect(row.status).toBe('rejected');
    expect(row.rejectionReason).toMatch(/cat\.jpg/);
    expect(row.renditions).toEqual([]);
    const stored = [];
    for await (const o of media.storage.list(`media/${agency.organizationId}/${asset.id}/`)) {
      stored.push(o.key);
    }
    expect(stored).toEqual([]);
  });

  it('probes a video and stores its poster and thumbnail', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'herald-video-'));
    try {
      const file = path.join(dir, 'clip.mp4');
      await run('ffmpeg', [
        '-v',
        'error',
        '-f',
        'lavfi',
        '-i',
        'testsrc=size=320x568:rate=25:duration=2',
        '-pix_fmt',
        'yuv420p',
        '-c:v',
        'libx264',
        '-y',
        file,
      ]);
      const { asset, result } = await uploadAndProcess(
        'clip.mp4',
        'video/mp4',
        await readFile(file),
      );
      expect(result).toEqual({ outcome: 'ready', renditions: 2 });
      const row = await t.db.mediaAsset.findUniqueOrThrow({
        where: { id: asset.id },
        include: { renditions: { orderBy: { name: 'asc' } } },
      });
      expect([row.kind, row.width, row.height]).toEqual(['video', 320, 568]);
      expect(row.durationMs).toBeGreaterThanOrEqual(1_900);
      expect(row.durationMs).toBeLessThanOrEqual(2_100);
      expect(row.renditions.map((r) => r.name)).toEqual(['full', 'thumbnail']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('schedules only media that is ready and fits, and a draft may wait for processing', async () => {
    const photo = await upload('later.jpg', 'image/jpeg', await phonePhoto(600, 400));
    const input = {
      clientId: agency.clientId,
      caption: 'With a photo',
      accountIds: [agency.accounts[0]!.id],
      scheduledFor: new Date(clock.getTime() + 3_600_000),
      mediaIds: [photo.id],
    };
    await expect(schedulePost(t.db, actor, input, clock)).rejects.toThrow(
      '“later.jpg” is still being processed.',
    );
    const draft = await saveDraftPost(t.db, actor, input, clock);
    expect(draft.media.map((m) => m.id)).toEqual([photo.id]);
    await processMedia(deps, photo.id);
    const post = await schedulePost(t.db, actor, input, clock);
    expect(post.media).toEqual([
      { id: photo.id, name: 'later.jpg', kind: 'image', status: 'ready' },
    ]);
  });

  it('gives one account its own media (a variant), checked for its platform, and back', async () => {
    const { asset: a } = await uploadAndProcess('a.jpg', 'image/jpeg', await phonePhoto(300, 300));
    const { asset: b } = await uploadAndProcess('b.jpg', 'image/jpeg', await phonePhoto(300, 300));
    const pending = await upload('pending.jpg', 'image/jpeg', await phonePhoto(300, 300));
    const post = await schedulePost(
      t.db,
      actor,
      {
        clientId: agency.clientId,
        caption: 'Two accounts, two pictures',
        accountIds: agency.accounts.map((x) => x.id),
        scheduledFor: new Date(clock.getTime() + 3_600_000),
        mediaIds: [a.id],
      },
      clock,
    );
    const [first, second] = post.targets;
    const chosen = async (targetId: string) => {
      const resolved = await resolvePublishMedia(t.db, media.storage, {
        targetId,
        organizationId: agency.organizationId,
        platform: 'facebook',
      });
      return resolved.ok ? resolved.media.map((m) => m.name) : resolved.problems;
    };
    await setVariantMedia(t.db, actor, { targetId: second!.id, mediaIds: [b.id] });
    expect([await chosen(first!.id), await chosen(second!.id)]).toEqual([['a.jpg'], ['b.jpg']]);
    // Text only on that account: an empty list of its own.
    await setVariantMedia(t.db, actor, { targetId: second!.id, mediaIds: [] });
    expect(await chosen(second!.id)).toEqual([]);
    await expect(
      setVariantMedia(t.db, actor, { targetId: second!.id, mediaIds: [pending.id] }),
    ).rejects.toThrow('“pending.jpg” is still being processed.');
    expect(await chosen(second!.id)).toEqual([]); // the refusal changed nothing
    await setVariantMedia(t.db, actor, { targetId: second!.id, mediaIds: null });
    expect(await chosen(second!.id)).toEqual(['a.jpg']);
  });

  it('lists and searches the library, and refuses to delete what a waiting post uses', async () => {
    const { asset } = await uploadAndProcess(
      'Summer Launch.jpg',
      'image/jpeg',
      await phonePhoto(400, 400),
    );
    const found = await listMedia(deps, actor, { clientId: agency.clientId, search: 'summer' });
    expect(found.items.map((a) => a.id)).toEqual([asset.id]);
    const thumb = await fetch(found.items[0]!.thumbnailUrl!);
    expect([thumb.status, thumb.headers.get('content-type')]).toEqual([200, 'image/jpeg']);

    const post = await schedulePost(
      t.db,
      actor,
      {
        clientId: agency.clientId,
        caption: 'Summer is here\nsecond line',
        accountIds: [agency.accounts[0]!.id],
        scheduledFor: new Date(clock.getTime() + 3_600_000),
        mediaIds: [asset.id],
      },
      clock,
    );
    await expect(deleteMedia(deps, actor, { assetId: asset.id })).rejects.toThrow(
      new ConflictError(
        '“Summer Launch.jpg” is used by posts that have not gone out yet: “Summer is here”. Remove it from them (or cancel them) first.',
      ),
    );
    await cancelPost(t.db, actor, { postId: post.id });
    expect(await deleteMedia(deps, actor, { assetId: asset.id })).toEqual({ deleted: true });
    expect(
      (await listMedia(deps, actor, { clientId: agency.clientId, search: 'summer' })).items,
    ).toEqual([]);

    // Another organization sees none of it.
    const other = await createAgency(t.db);
    await expect(listMedia(deps, actorOf(other), { clientId: agency.clientId })).rejects.toThrow(
      'Client not found.',
    );
  });

  it('builds the fallback package of a failed target: every caption and the original media', async () => {
    const photo = await phonePhoto(500, 300);
    const { asset } = await uploadAndProcess('offer.jpg', 'image/jpeg', photo);
    const post = await schedulePost(
      t.db,
      actor,
      {
        clientId: agency.clientId,
        caption: 'Half price today',
        accountIds: agency.accounts.map((a) => a.id),
        scheduledFor: new Date(clock.getTime() + 3_600_000),
        mediaIds: [asset.id],
      },
      clock,
    );
    const target = post.targets[0]!;
    await t.db.postTarget.update({
      where: { id: target.id },
      data: { status: 'failed', lastError: 'The Page is restricted.' },
    });
    await t.db.notification.create({
      data: {
        organizationId: agency.organizationId,
        kind: 'publish_failed',
        title: 'Post failed',
        body: 'x',
        data: { targetId: target.id },
      },
    });
    const built = await buildFallbackPackage(deps, target.id);
    expect(built.outcome).toBe('built');
    const { url } = await fallbackPackageUrl(deps, actor, { targetId: target.id });
    const download = await fetch(url);
    expect(download.headers.get('content-type')).toBe('application/zip');
    expect(download.headers.get('content-disposition')).toMatch(/attachment/);
    const entries = await entriesOf(Buffer.from(await download.arrayBuffer()));
    expect([...entries.keys()].sort()).toEqual(
      [
        'README.txt',
        ...agency.accounts.map((a) => `captions/facebook-Page ${a.externalId}.txt`),
        'media/01-offer.jpg',
      ].sort(),
    );
    expect(entries.get('media/01-offer.jpg')!.equals(photo)).toBe(true);
    expect(entries.get('README.txt')!.toString()).toContain('The Page is restricted.');
    const note = await t.db.notification.findFirstOrThrow({
      where: { organizationId: agency.organizationId, kind: 'publish_failed' },
    });
    expect(note.data).toMatchObject({ targetId: target.id, fallbackPackage: true });
  });

  it('cleans up unfinished uploads, orphan renditions and unused deleted assets, never a used one', async () => {
    // The files' times are the machine's: from here on, the clock is too.
    clock = new Date();
    const unfinished = await createUpload(deps, actor, {
      clientId: agency.clientId,
      fileName: 'abandoned.jpg',
      contentType: 'image/jpeg',
      size: 3,
    });
    await media.storage.put(
      `uploads/${agency.organizationId}/${unfinished.uploadId}`,
      Buffer.from('abc'),
      {
        contentType: 'image/jpeg',
      },
    );
    const orphan = `media/${agency.organizationId}/00000000-0000-4000-8000-000000000000/square.jpg`;
    await media.storage.put(orphan, Buffer.from('x'), { contentType: 'image/jpeg' });

    const { asset: unused } = await uploadAndProcess(
      'unused.jpg',
      'image/jpeg',
      await phonePhoto(300, 300),
    );
    const { asset: used } = await uploadAndProcess(
      'used.jpg',
      'image/jpeg',
      await phonePhoto(300, 300),
    );
    await schedulePost(
      t.db,
      actor,
      {
        clientId: agency.clientId,
        caption: 'Still uses it',
        accountIds: [agency.accounts[1]!.id],
        scheduledFor: new Date(clock.getTime() + 3_600_000),
        mediaIds: [used.id],
      },
      clock,
    );
    await deleteMedia(deps, actor, { assetId: unused.id });
    // Deleted from the library by hand while a post still refers to it (a published one, say).
    await t.db.mediaAsset.update({ where: { id: used.id }, data: { deletedAt: clock } });

    // Too young: nothing goes yet.
    expect(await cleanupMedia(deps)).toEqual({
      unfinishedUploads: 0,
      orphanRenditions: 0,
      deletedAssets: 0,
    });
    // Files written "now" by the real clock count as old once the grace is zero.
    clock = new Date(Date.now() + 60_000);
    const result = await cleanupMedia(deps, { graceMs: 0 });
    expect(result.unfinishedUploads).toBe(1);
    expect(result.orphanRenditions).toBe(1);
    expect(result.deletedAssets).toBe(1);
    expect(await media.storage.head(orphan)).toBeNull();
    expect(await t.db.mediaAsset.findUnique({ where: { id: unused.id } })).toBeNull();
    const kept = await t.db.mediaAsset.findUniqueOrThrow({
      where: { id: used.id },
      include: { renditions: true },
    });
    for (const r of kept.renditions) expect(await media.storage.head(r.key)).not.toBeNull();
    expect(await media.storage.head(kept.originalKey)).not.toBeNull();
  });
});
