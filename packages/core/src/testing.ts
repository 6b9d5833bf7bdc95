// Builders for tests that need a post on the schedule: the member of a test agency as an
// actor, and one post on one of its accounts, written through the real scheduling service.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Db } from '@herald/db';
import sharp from 'sharp';
import { findMediaBinaries } from './media/index.ts';
import type { MediaDeps } from './services/media/deps.ts';
import { uploadKey } from './services/media/keys.ts';
import { processMedia } from './services/media/process.ts';
import { createUpload, finaliseUpload } from './services/media/uploads.ts';
import {
  createLocalStorage,
  type MediaStorage,
  handleLocalMediaRequest,
  toNodeListener,
  type LocalMediaStorage,
} from './storage/index.ts';
import type { AgencyFixture } from '@herald/db/testing';
import type { Actor } from './services/actor.ts';
import { schedulePost } from './services/posts.ts';

export function actorOf(agency: AgencyFixture): Actor {
  return { userId: agency.userId, organizationId: agency.organizationId, role: agency.role };
}

/** One post on the agency's first account, an hour after `now` unless `scheduledFor` says. */
export async function scheduleOneTarget(
  db: Db,
  agency: AgencyFixture,
  options: { caption: string; now?: Date; scheduledFor?: Date; mediaIds?: string[] },
): Promise<{ postId: string; targetId: string }> {
  const now = options.now ?? new Date();
  const post = await schedulePost(
    db,
    actorOf(agency),
    {
      clientId: agency.clientId,
      caption: options.caption,
      accountIds: [agency.accounts[0]!.id],
      scheduledFor: options.scheduledFor ?? new Date(now.getTime() + 3_600_000),
      ...(options.mediaIds ? { mediaIds: options.mediaIds } : {}),
    },
    now,
  );
  return { postId: post.id, targetId: post.targets[0]!.id };
}

/**
 * Local media storage in a fresh temporary folder, its signed URLs served over real HTTP by
 * the same handler the web app mounts at /media/*: what tests need to upload, process and let
 * the sandbox fetch media. `close` stops the server and removes the folder.
 */
export async function startMediaServer(options: { now?: () => Date } = {}) {
  const root = await mkdtemp(path.join(tmpdir(), 'herald-media-test-'));
  const ready: { storage?: LocalMediaStorage } = {};
  const server = createServer(
    toNodeListener((request) => handleLocalMediaRequest(request, ready.storage!)),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const publicUrl = `http://127.0.0.1:${port}`;
  const storage = (ready.storage = createLocalStorage({
    root,
    publicUrl,
    signingKey: randomBytes(32),
    ...(options.now ? { now: options.now } : {}),
  }));
  return {
    storage,
    publicUrl,
    root,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(root, { recursive: true, force: true });
    },
  };
}

/**
 * A processed photo in the agency's library, uploaded and processed the real way (a generated
 * JPEG, every rendition stored): for tests of platforms that refuse a post without media.
 */
export async function addReadyImage(
  db: Db,
  storage: MediaStorage,
  agency: AgencyFixture,
  options: { width?: number; height?: number; name?: string } = {},
): Promise<string> {
  const bytes = await sharp({
    create: {
      width: options.width ?? 1080,
      height: options.height ?? 1080,
      channels: 3,
      background: '#4a90d9',
    },
  })
    .jpeg()
    .toBuffer();
  return addReady({ db, storage }, agency, bytes, {
    fileName: options.name ?? 'photo.jpg',
    contentType: 'image/jpeg',
  });
}

/**
 * A processed video in the agency's library: colour bars made by ffmpeg (Debian's, as in
 * production), uploaded and processed the real way, poster and thumbnail stored. Vertical 9:16
 * and 11 s by default, which every video platform takes.
 */
export async function addReadyVideo(
  db: Db,
  storage: MediaStorage,
  agency: AgencyFixture,
  options: { width?: number; height?: number; seconds?: number; name?: string } = {},
): Promise<string> {
  const binaries = await findMediaBinaries();
  const dir = await mkdtemp(path.join(tmpdir(), 'herald-test-video-'));
  try {
    const file = path.join(dir, 'clip.mp4');
    await promisify(execFile)(binaries.ffmpeg, [
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      `testsrc=size=${options.width ?? 180}x${options.height ?? 320}:rate=5`,
      '-t',
      String(options.seconds ?? 11),
      '-pix_fmt',
      'yuv420p',
      '-y',
      file,
    ]);
    return await addReady(
      { db, storage, binaries: () => Promise.resolve(binaries) },
      agency,
      await readFile(file),
      {
        fileName: options.name ?? 'clip.mp4',
        contentType: 'video/mp4',
      },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function addReady(
  deps: MediaDeps,
  agency: AgencyFixture,
  bytes: Buffer,
  file: { fileName: string; contentType: string },
): Promise<string> {
  const actor = actorOf(agency);
  const declared = { clientId: agency.clientId, ...file, size: bytes.length };
  const { uploadId } = await createUpload(deps, actor, declared);
  await deps.storage.put(uploadKey(agency.organizationId, uploadId), bytes, {
    contentType: file.contentType,
  });
  const asset = await finaliseUpload(deps, actor, { ...declared, uploadId });
  const result = await processMedia(deps, asset.id);
  if (result.outcome !== 'ready')
    throw new Error(`The test ${file.fileName} was not processed: ${JSON.stringify(result)}`);
  return asset.id;
}
