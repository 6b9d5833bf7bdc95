// Builders for tests that need a post on the schedule: the member of a test agency as an
// actor, and one post on one of its accounts, written through the real scheduling service.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Db } from '@herald/db';
import sharp from 'sharp';
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
  const actor = actorOf(agency);
  const declared = {
    clientId: agency.clientId,
    fileName: options.name ?? 'photo.jpg',
    contentType: 'image/jpeg',
    size: bytes.length,
  };
  const { uploadId } = await createUpload({ db, storage }, actor, declared);
  await storage.put(uploadKey(agency.organizationId, uploadId), bytes, {
    contentType: 'image/jpeg',
  });
  const asset = await finaliseUpload({ db, storage }, actor, { ...declared, uploadId });
  const result = await processMedia({ db, storage }, asset.id);
  if (result.outcome !== 'ready')
    throw new Error(`The test image was not processed: ${JSON.stringify(result)}`);
  return asset.id;
}
