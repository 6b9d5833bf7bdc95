// Builders for tests that need a post on the schedule: the member of a test agency as an
// actor, and one post on one of its accounts, written through the real scheduling service.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Db } from '@herald/db';
import {
  createLocalStorage,
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
  options: { caption: string; now?: Date; scheduledFor?: Date },
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
  let storage: LocalMediaStorage | undefined;
  const server = createServer(
    toNodeListener((request) => handleLocalMediaRequest(request, storage!)),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const publicUrl = `http://127.0.0.1:${port}`;
  storage = createLocalStorage({
    root,
    publicUrl,
    signingKey: randomBytes(32),
    ...(options.now ? { now: options.now } : {}),
  });
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
