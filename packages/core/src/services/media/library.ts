// A client's media library: its assets with thumbnails, search by name, and deletion that is
// refused while a post still waiting to go out uses the asset (it says which posts).
import type { Prisma } from '@herald/db';
import type { RenditionName } from '../../domain/media-files.ts';
import { FINISHED_TARGET_STATUSES } from '../../domain/target-status.ts';
import { clientRowScope, clientScope, requirePermission, type Actor } from '../actor.ts';
import { recordActivity } from '../activity.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { clockOf, MEDIA_URL_TTL, type MediaDeps } from './deps.ts';

export const assetViewSelect = {
  id: true,
  clientId: true,
  name: true,
  kind: true,
  declaredType: true,
  sizeBytes: true,
  status: true,
  rejectionReason: true,
  width: true,
  height: true,
  durationMs: true,
  createdAt: true,
  processedAt: true,
  renditions: { select: { name: true, key: true, width: true, height: true, contentType: true } },
} as const satisfies Prisma.MediaAssetSelect;

type AssetRow = Prisma.MediaAssetGetPayload<{ select: typeof assetViewSelect }>;

/** An asset as the API returns it (no storage keys; sizes as numbers). */
export function toAssetView({ renditions, sizeBytes, ...asset }: AssetRow) {
  return {
    ...asset,
    sizeBytes: Number(sizeBytes),
    renditions: renditions.map(({ name, width, height }) => ({
      name: name as RenditionName,
      width,
      height,
    })),
  };
}

export type AssetView = ReturnType<typeof toAssetView>;

/** The same, with signed links to its thumbnail and its largest rendition for previews. */
async function withLinks(deps: MediaDeps, row: AssetRow) {
  const link = async (name: RenditionName) => {
    const rendition = row.renditions.find((r) => r.name === name);
    return rendition
      ? deps.storage.createDownloadUrl({
          key: rendition.key,
          expiresInSeconds: MEDIA_URL_TTL.viewSeconds,
        })
      : null;
  };
  return {
    ...toAssetView(row),
    thumbnailUrl: await link('thumbnail'),
    previewUrl: await link('full'),
  };
}

export type AssetWithLinks = Awaited<ReturnType<typeof withLinks>>;

export interface ListMediaInput {
  clientId: string;
  /** Part of the file name, any case. */
  search?: string;
  /** The id of the last asset of the previous page. */
  cursor?: string;
  limit?: number;
}

/** A page of the client's library, newest first. */
export async function listMedia(deps: MediaDeps, actor: Actor, input: ListMediaInput) {
  requirePermission(actor, 'media:read');
  const client = await deps.db.client.findFirst({
    where: clientScope(actor, input.clientId),
    select: { id: true },
  });
  if (!client) throw new NotFoundError('Client');
  const limit = Math.min(Math.max(input.limit ?? 40, 1), 100);
  const rows = await deps.db.mediaAsset.findMany({
    where: {
      organizationId: actor.organizationId,
      clientId: client.id,
      deletedAt: null,
      ...(input.search ? { name: { contains: input.search, mode: 'insensitive' } } : {}),
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: limit + 1,
    ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
    select: assetViewSelect,
  });
  const page = rows.slice(0, limit);
  return {
    items: await Promise.all(page.map((row) => withLinks(deps, row))),
    nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
  };
}

export async function getMedia(deps: MediaDeps, actor: Actor, input: { assetId: string }) {
  requirePermission(actor, 'media:read');
  const row = await deps.db.mediaAsset.findFirst({
    where: { id: input.assetId, ...clientRowScope(actor), deletedAt: null },
    select: assetViewSelect,
  });
  if (!row) throw new NotFoundError('Media');
  return withLinks(deps, row);
}

/**
 * Posts that will still publish this asset, as media or as a target's thumbnail (or may:
 * drafts, retries, unconfirmed ones). A post
 * whose every target has finished no longer needs it from the library.
 */
async function postsStillUsing(deps: MediaDeps, actor: Actor, assetId: string) {
  const live = { notIn: [...FINISHED_TARGET_STATUSES] };
  return deps.db.post.findMany({
    where: {
      organizationId: actor.organizationId,
      OR: [
        { media: { some: { assetId } }, targets: { some: { ownMedia: false, status: live } } },
        { targets: { some: { status: live, media: { some: { assetId } } } } },
        // A custom thumbnail (target settings) is fetched at publish time too.
        {
          targets: {
            some: { status: live, settings: { path: ['thumbnailAssetId'], equals: assetId } },
          },
        },
      ],
    },
    select: { id: true, caption: true },
    orderBy: { createdAt: 'asc' },
    take: 5,
  });
}

function excerpt(caption: string): string {
  const line = caption.split('\n')[0]!.trim();
  return line.length > 40 ? `${line.slice(0, 39)}…` : line || '(no caption)';
}

/**
 * Removes the asset from the library. Refused while a post that has not finished uses it;
 * its files are removed later by cleanup, once no post refers to the asset at all.
 */
export async function deleteMedia(deps: MediaDeps, actor: Actor, input: { assetId: string }) {
  requirePermission(actor, 'media:write');
  const asset = await deps.db.mediaAsset.findFirst({
    where: { id: input.assetId, ...clientRowScope(actor), deletedAt: null },
    select: { id: true, name: true },
  });
  if (!asset) throw new NotFoundError('Media');
  const users = await postsStillUsing(deps, actor, asset.id);
  if (users.length > 0) {
    throw new ConflictError(
      `“${asset.name}” is used by posts that have not gone out yet: ${users.map((p) => `“${excerpt(p.caption)}”`).join(', ')}. Remove it from them (or cancel them) first.`,
    );
  }
  await deps.db.$transaction(async (tx) => {
    await tx.mediaAsset.update({
      where: { id: asset.id },
      data: { deletedAt: clockOf(deps)() },
    });
    await recordActivity(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: 'media.deleted',
      subjectType: 'media_asset',
      subjectId: asset.id,
      data: { name: asset.name },
    });
  });
  return { deleted: true as const };
}
