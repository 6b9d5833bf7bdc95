// The media a post (or one per-platform variant) carries, in order: reading it for selection
// and publishing, and replacing it when a post is composed or edited.
import type { Db, Tx } from '@herald/db';
import type { MediaKind, RenditionName } from '../../domain/media-files.ts';
import { selectMedia, type SelectableAsset, type SelectedMedia } from '../../domain/media-rules.ts';
import type { Platform } from '../../domain/platforms.ts';
import {
  settingsMediaProblems,
  settingsPostType,
  settingsThumbnailAssetId,
} from '../../domain/target-settings.ts';
import type { PublishMedia } from '../../providers/types.ts';
import { STORAGE_NOT_CONFIGURED, type MediaStorage } from '../../storage/index.ts';
import { lockTarget } from '@herald/db';
import { requirePermission, targetScope, type Actor } from '../actor.ts';
import { recordActivity } from '../activity.ts';
import { reopenReviewAfterEdit } from '../review.ts';
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

/** A target as media selection sees it: its platform and the settings (post type) chosen. */
export interface MediaTarget {
  targetId: string;
  organizationId: string;
  platform: Platform;
  /** The target's stored settings (domain/target-settings.ts); their postType picks the rule. */
  settings?: unknown;
}

/**
 * Selects the files for `assets` under the rule of the settings' post type, and checks what
 * the settings themselves ask of the media (a LinkedIn article card takes one picture).
 */
export function selectTargetMedia(
  platform: Platform,
  settings: unknown,
  assets: readonly SelectableAsset[],
) {
  const selection = selectMedia(platform, settingsPostType(settings), assets);
  const problems = settingsMediaProblems(platform, settings, assets);
  if (problems.length === 0) return selection;
  return {
    ok: false as const,
    problems: [...(selection.ok ? [] : selection.problems), ...problems],
  };
}

/**
 * What the engine hands an adapter for one target: the selected file of each asset, as a
 * signed URL the platform can fetch, with its type, size and shape. The same selectMedia the
 * composer uses decides, so a problem here reads as it did there.
 */
export async function resolvePublishMedia(
  db: Db,
  storage: MediaStorage | undefined,
  target: MediaTarget,
): Promise<ResolvedMedia> {
  const rows = await targetAssets(db, target.targetId, target.organizationId);
  if (rows.length === 0) {
    const selection = selectTargetMedia(target.platform, target.settings, []);
    return selection.ok ? { ok: true, media: [] } : selection;
  }
  const selection = selectTargetMedia(target.platform, target.settings, rows.map(toSelectable));
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
export async function targetMediaProblems(db: Db | Tx, target: MediaTarget): Promise<string[]> {
  const rows = await targetAssets(db, target.targetId, target.organizationId);
  const selection = selectTargetMedia(target.platform, target.settings, rows.map(toSelectable));
  return selection.ok ? [] : selection.problems;
}

const thumbnailSelect = {
  id: true,
  name: true,
  kind: true,
  status: true,
  renditions: {
    where: { name: { in: ['wide', 'full'] as string[] } },
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

/**
 * Why the image the settings name as a thumbnail cannot be used (null when it can, or when
 * none is named). It must be an image of the same client's library, in the same organization;
 * `ready` asks that it has finished processing too (a draft may wait for it).
 */
export async function thumbnailProblem(
  db: Db | Tx,
  target: { organizationId: string; clientId: string; settings: unknown; ready: boolean },
): Promise<string | null> {
  const assetId = settingsThumbnailAssetId(target.settings);
  if (!assetId) return null;
  const asset = await db.mediaAsset.findFirst({
    where: {
      id: assetId,
      organizationId: target.organizationId,
      clientId: target.clientId,
      deletedAt: null,
    },
    select: { name: true, kind: true, status: true, rejectionReason: true },
  });
  if (!asset) {
    return "The thumbnail is not in this client's media library any more. Choose another image.";
  }
  if (asset.kind !== 'image') {
    return `The thumbnail must be an image; “${asset.name}” is a video.`;
  }
  if (asset.status === 'rejected') {
    return `The thumbnail “${asset.name}” could not be processed${asset.rejectionReason ? `: ${asset.rejectionReason}` : '.'}`;
  }
  if (target.ready && asset.status !== 'ready') {
    return `The thumbnail “${asset.name}” is still being processed.`;
  }
  return null;
}

export type ResolvedThumbnail =
  { ok: true; thumbnail: PublishMedia | undefined } | { ok: false; problem: string };

/**
 * The custom thumbnail the settings name, signed like the media: its 16:9 `wide` rendition
 * (YouTube's 1280×720), else the whole picture. Looked up only when one is named, so a target
 * without one costs no query. The asset must still be a ready image of the post's client.
 */
export async function resolveThumbnail(
  db: Db,
  storage: MediaStorage | undefined,
  target: { organizationId: string; postId: string; settings: unknown },
): Promise<ResolvedThumbnail> {
  const assetId = settingsThumbnailAssetId(target.settings);
  if (!assetId) return { ok: true, thumbnail: undefined };
  const asset = await db.mediaAsset.findFirst({
    where: {
      id: assetId,
      organizationId: target.organizationId,
      deletedAt: null,
      client: { posts: { some: { id: target.postId, organizationId: target.organizationId } } },
    },
    select: thumbnailSelect,
  });
  const file =
    asset?.renditions.find((r) => r.name === 'wide') ??
    asset?.renditions.find((r) => r.name === 'full');
  if (!asset || asset.kind !== 'image' || asset.status !== 'ready' || !file) {
    return {
      ok: false,
      problem: asset
        ? `The thumbnail “${asset.name}” is not a ready image. Choose another one.`
        : "The thumbnail is not in this client's media library any more. Choose another image.",
    };
  }
  if (!storage) return { ok: false, problem: STORAGE_NOT_CONFIGURED };
  return {
    ok: true,
    thumbnail: {
      assetId: asset.id,
      kind: 'image',
      name: asset.name,
      url: await storage.createDownloadUrl({
        key: file.key,
        expiresInSeconds: MEDIA_URL_TTL.publishSeconds,
      }),
      contentType: file.contentType,
      sizeBytes: file.sizeBytes,
      width: file.width,
      height: file.height,
      durationMs: null,
    },
  };
}

/**
 * Targets whose content (media, settings) may still change: nothing has been sent for them
 * yet. Once a target is publishing, an edit could not reach the platform consistently.
 */
export const EDITABLE_TARGET_STATUSES = [
  'draft',
  'scheduled',
  'failed',
  'waiting_for_account',
] as const;

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
      where: { id: input.targetId, ...targetScope(actor) },
      select: {
        id: true,
        organizationId: true,
        postId: true,
        settings: true,
        post: { select: { clientId: true } },
        socialAccount: { select: { platform: true, handle: true } },
      },
    });
    const locked = target ? await lockTarget(tx, target.id) : null;
    if (!target || !locked) throw new NotFoundError('Post target');
    if (!(EDITABLE_TARGET_STATUSES as readonly string[]).includes(locked.status)) {
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
              settings: target.settings,
            })
          : (() => {
              const selection = selectTargetMedia(
                target.socialAccount.platform,
                target.settings,
                assets,
              );
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
    await reopenReviewAfterEdit(tx, {
      organizationId: actor.organizationId,
      postId: target.postId,
      actorUserId: actor.userId,
      change: 'media',
    });
    return { postId: target.postId };
  });
}
