// The media a post (or one per-platform variant) carries, in order: reading it for selection
// and publishing, and replacing it when a post is composed or edited.
import type { Db, Tx } from '@herald/db';
import type { MediaKind, RenditionName } from '../../domain/media-files.ts';
import { selectMedia, type SelectableAsset, type SelectedMedia } from '../../domain/media-rules.ts';
import type { Platform } from '../../domain/platforms.ts';
import type { PublishMedia } from '../../providers/types.ts';
import { STORAGE_NOT_CONFIGURED, type MediaStorage } from '../../storage/index.ts';
import { lockTarget } from '@herald/db';
import { requirePermission, type Actor } from '../actor.ts';
import { recordActivity } from '../activity.ts';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.ts';
import { MEDIA_URL_TTL } from './deps.ts';

const selectableSelect = {
  id: true,
  name: true,
  kind: true,
  status: true,
  rejectionReason: true,
  width: true,
  height: true,
  durationMs: true,
  sizeBytes: true,
  declaredType: true,
  originalKey: true,
  renditions: {
    select: {
      name: true,
      key: true,
      contentType: true,
      width: true,
      height: true,
      sizeBytes: true,
    },
  },
} as const;

type SelectableRow = {
  id: string;
  name: string;
  kind: MediaKind;
  status: SelectableAsset['status'];
  rejectionReason: string | null;
  width: number | null;
  height: number | null;
  durationMs: number | null;
  sizeBytes: bigint;
  declaredType: string;
  originalKey: string;
  renditions: {
    name: string;
    key: string;
    contentType: string;
    width: number;
    height: number;
    sizeBytes: number;
  }[];
};

function toSelectable(row: SelectableRow): SelectableAsset {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    status: row.status,
    rejectionReason: row.rejectionReason,
    width: row.width,
    height: row.height,
    durationMs: row.durationMs,
    sizeBytes: Number(row.sizeBytes),
    renditions: row.renditions.map((r) => r.name as RenditionName),
  };
}

/** The assets of one target in publishing order: its own list, or else the post's. */
async function targetAssets(db: Db | Tx, targetId: string, organizationId: string) {
  const target = await db.postTarget.findFirst({
    where: { id: targetId, organizationId },
    select: {
      ownMedia: true,
      media: { orderBy: { position: 'asc' }, select: { asset: { select: selectableSelect } } },
      post: {
        select: {
          media: { orderBy: { position: 'asc' }, select: { asset: { select: selectableSelect } } },
        },
      },
    },
  });
  if (!target) throw new NotFoundError('Post target');
  return (target.ownMedia ? target.media : target.post.media).map((m) => m.asset);
}

/**
 * Checks the assets an organization's post is about to use exist (in the client's library)
 * and returns them in the given order, for selection.
 */
export async function loadSelectableAssets(
  db: Db | Tx,
  input: { organizationId: string; clientId: string; assetIds: readonly string[] },
): Promise<SelectableAsset[]> {
  if (input.assetIds.length === 0) return [];
  if (new Set(input.assetIds).size !== input.assetIds.length) {
    throw new InvalidInputError('The same file is in this post twice. Remove one of them.');
  }
  const rows = await db.mediaAsset.findMany({
    where: {
      id: { in: [...input.assetIds] },
      organizationId: input.organizationId,
      clientId: input.clientId,
      deletedAt: null,
    },
    select: selectableSelect,
  });
  const byId = new Map(rows.map((r) => [r.id, r]));
  return input.assetIds.map((id) => {
    const row = byId.get(id);
    if (!row) throw new NotFoundError('Media');
    return toSelectable(row);
  });
}

/** Replaces the post's media with `assetIds`, in that order, inside the caller's transaction. */
export async function setPostMedia(
  tx: Tx,
  post: { id: string; organizationId: string },
  assetIds: readonly string[],
): Promise<void> {
  await tx.postMedia.deleteMany({ where: { postId: post.id } });
  if (assetIds.length === 0) return;
  await tx.postMedia.createMany({
    data: assetIds.map((assetId, position) => ({
      organizationId: post.organizationId,
      postId: post.id,
      assetId,
      position,
    })),
  });
}

/** Gives one target its own media list (a per-platform variant), inside the caller's transaction. */
export async function setTargetMedia(
  tx: Tx,
  target: { id: string; organizationId: string },
  assetIds: readonly string[] | null,
): Promise<void> {
  await tx.targetMedia.deleteMany({ where: { targetId: target.id } });
  await tx.postTarget.update({ where: { id: target.id }, data: { ownMedia: assetIds !== null } });
  if (!assetIds?.length) return;
  await tx.targetMedia.createMany({
    data: assetIds.map((assetId, position) => ({
      organizationId: target.organizationId,
      targetId: target.id,
      assetId,
      position,
    })),
  });
}

export type ResolvedMedia = { ok: true; media: PublishMedia[] } | { ok: false; problems: string[] };

/**
 * What the engine hands an adapter for one target: the selected file of each asset, as a
 * signed URL the platform can fetch, with its type, size and shape. The same selectMedia the
 * composer uses decides, so a problem here reads as it did there.
 */
export async function resolvePublishMedia(
  db: Db,
  storage: MediaStorage | undefined,
  target: { targetId: string; organizationId: string; platform: Platform; postType?: string },
): Promise<ResolvedMedia> {
  const rows = await targetAssets(db, target.targetId, target.organizationId);
  if (rows.length === 0) {
    const selection = selectMedia(target.platform, target.postType, []);
    return selection.ok ? { ok: true, media: [] } : selection;
  }
  const selection = selectMedia(target.platform, target.postType, rows.map(toSelectable));
  if (!selection.ok) return selection;
  if (!storage) {
    return { ok: false, problems: [STORAGE_NOT_CONFIGURED] };
  }
  const byId = new Map(rows.map((r) => [r.id, r]));
  const media = await Promise.all(
    selection.items.map((item) => toPublishMedia(storage, byId.get(item.assetId)!, item)),
  );
  return { ok: true, media };
}

async function toPublishMedia(
  storage: MediaStorage,
  row: SelectableRow,
  item: SelectedMedia,
): Promise<PublishMedia> {
  const file =
    item.file === 'original'
      ? {
          key: row.originalKey,
          contentType: row.declaredType,
          width: row.width ?? 0,
          height: row.height ?? 0,
          sizeBytes: Number(row.sizeBytes),
        }
      : row.renditions.find((r) => r.name === item.file)!;
  return {
    assetId: row.id,
    kind: item.kind,
    name: row.name,
    url: await storage.createDownloadUrl({
      key: file.key,
      expiresInSeconds: MEDIA_URL_TTL.publishSeconds,
    }),
    contentType: file.contentType,
    sizeBytes: file.sizeBytes,
    width: file.width,
    height: file.height,
    durationMs: row.durationMs,
  };
}

/** What stops a target's media from going to its platform (empty when nothing does). */
export async function targetMediaProblems(
  db: Db | Tx,
  target: { targetId: string; organizationId: string; platform: Platform; postType?: string },
): Promise<string[]> {
  const rows = await targetAssets(db, target.targetId, target.organizationId);
  const selection = selectMedia(target.platform, target.postType, rows.map(toSelectable));
  return selection.ok ? [] : selection.problems;
}

/** Targets whose media may still change: nothing has been sent for them yet. */
const EDITABLE_MEDIA_STATUSES = ['draft', 'scheduled', 'failed', 'waiting_for_account'] as const;

/**
 * Gives one account's target (a per-platform variant) its own ordered media, or with null
 * returns it to the post's. A scheduled target's new media must fit its platform now; a draft
 * may wait for processing. Refused once publishing has started.
 */
export async function setVariantMedia(
  db: Db,
  actor: Actor,
  input: { targetId: string; mediaIds: string[] | null },
): Promise<{ postId: string }> {
  requirePermission(actor, 'posts:write');
  return db.$transaction(async (tx) => {
    const target = await tx.postTarget.findFirst({
      where: { id: input.targetId, organizationId: actor.organizationId },
      select: {
        id: true,
        organizationId: true,
        postId: true,
        post: { select: { clientId: true } },
        socialAccount: { select: { platform: true, handle: true } },
      },
    });
    const locked = target ? await lockTarget(tx, target.id) : null;
    if (!target || !locked) throw new NotFoundError('Post target');
    if (!(EDITABLE_MEDIA_STATUSES as readonly string[]).includes(locked.status)) {
      throw new ConflictError(
        "This account's post has already started publishing (or finished); its media can no longer change.",
      );
    }
    const assets =
      input.mediaIds === null
        ? null
        : await loadSelectableAssets(tx, {
            organizationId: actor.organizationId,
            clientId: target.post.clientId,
            assetIds: input.mediaIds,
          });
    await setTargetMedia(tx, target, input.mediaIds);
    if (locked.status === 'scheduled') {
      const problems =
        assets === null
          ? await targetMediaProblems(tx, {
              targetId: target.id,
              organizationId: target.organizationId,
              platform: target.socialAccount.platform,
            })
          : (() => {
              const selection = selectMedia(target.socialAccount.platform, undefined, assets);
              return selection.ok ? [] : selection.problems;
            })();
      if (problems.length > 0) {
        throw new InvalidInputError(`${target.socialAccount.handle}: ${problems.join(' ')}`);
      }
    }
    await recordActivity(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: 'target.media_changed',
      subjectType: 'post_target',
      subjectId: target.id,
      data: { media: input.mediaIds ?? 'post' },
    });
    return { postId: target.postId };
  });
}
