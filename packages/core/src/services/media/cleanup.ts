// The daily media cleanup: uploads never finalised, renditions no asset row owns (a processing
// run that died between storing and recording), and the files of assets deleted from the
// library once no post refers to them. Anything a post refers to is never removed.
import type { MediaDeps } from './deps.ts';
import { RENDITIONS_PREFIX, UPLOADS_PREFIX } from './keys.ts';
import { clockOf } from './deps.ts';

/** An upload or rendition younger than this may still be on its way to being recorded. */
export const CLEANUP_GRACE_MS = 24 * 60 * 60 * 1000;

export interface CleanupResult {
  unfinishedUploads: number;
  orphanRenditions: number;
  deletedAssets: number;
}

async function* olderThan(deps: MediaDeps, prefix: string, before: Date) {
  for await (const object of deps.storage.list(prefix)) {
    if (object.lastModified.getTime() < before.getTime()) yield object.key;
  }
}

async function* batches<T>(source: AsyncIterable<T>, size: number) {
  let batch: T[] = [];
  for await (const item of source) {
    batch.push(item);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

export async function cleanupMedia(
  deps: MediaDeps,
  options: { graceMs?: number } = {},
): Promise<CleanupResult> {
  const before = new Date(clockOf(deps)().getTime() - (options.graceMs ?? CLEANUP_GRACE_MS));
  const result: CleanupResult = { unfinishedUploads: 0, orphanRenditions: 0, deletedAssets: 0 };

  // 1. Uploads nobody finalised: no asset has them as its original.
  for await (const keys of batches(olderThan(deps, UPLOADS_PREFIX, before), 500)) {
    const owned = await deps.db.mediaAsset.findMany({
      where: { originalKey: { in: keys } },
      select: { originalKey: true },
    });
    const keep = new Set(owned.map((a) => a.originalKey));
    const gone = keys.filter((k) => !keep.has(k));
    await deps.storage.delete(gone);
    result.unfinishedUploads += gone.length;
  }

  // 2. Renditions without a row (a run that stored files, then died before recording them).
  for await (const keys of batches(olderThan(deps, RENDITIONS_PREFIX, before), 500)) {
    const owned = await deps.db.mediaRendition.findMany({
      where: { key: { in: keys } },
      select: { key: true },
    });
    const keep = new Set(owned.map((r) => r.key));
    const gone = keys.filter((k) => !keep.has(k));
    await deps.storage.delete(gone);
    result.orphanRenditions += gone.length;
  }

  // 3. Assets deleted from the library that no post (nor any variant) refers to any more.
  //    The row goes first, and only if still unreferenced (post_media and target_media refer to
  //    it ON DELETE RESTRICT, so a racing reference makes the delete fail); files whose delete
  //    then fails are found by steps 1 and 2 next time, having no row.
  const deleted = await deps.db.mediaAsset.findMany({
    where: { deletedAt: { not: null, lt: before }, posts: { none: {} }, targets: { none: {} } },
    select: { id: true, originalKey: true, renditions: { select: { key: true } } },
    take: 500,
  });
  for (const asset of deleted) {
    const removed = await deps.db.mediaAsset.deleteMany({
      where: { id: asset.id, posts: { none: {} }, targets: { none: {} } },
    });
    if (removed.count === 0) continue;
    await deps.storage.delete([asset.originalKey, ...asset.renditions.map((r) => r.key)]);
    result.deletedAssets += 1;
  }
  return result;
}
