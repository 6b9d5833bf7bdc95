// Uploads go straight from the browser to storage (seed 000 §6): Herald signs a URL for one
// file of a declared type and size, the browser PUTs it there, and finalising records the asset
// and queues its processing in one transaction. No file ever passes through tRPC.
import { randomUUID } from 'node:crypto';
import {
  ACCEPTED_MEDIA_TYPES,
  uploadProblem,
  type DeclaredUpload,
} from '../../domain/media-files.ts';
import { clientRowScope, clientScope, requirePermission, type Actor } from '../actor.ts';
import { recordActivity } from '../activity.ts';
import { InvalidInputError, NotFoundError } from '../errors.ts';
import { clockOf, MEDIA_URL_TTL, type MediaDeps } from './deps.ts';
import { enqueueProcessMedia } from './jobs.ts';
import { uploadKey } from './keys.ts';
import { toAssetView, assetViewSelect } from './library.ts';

export interface UploadRequest extends DeclaredUpload {
  clientId: string;
}

async function requireClient(deps: MediaDeps, actor: Actor, clientId: string) {
  const client = await deps.db.client.findFirst({
    where: clientScope(actor, clientId),
    select: { id: true },
  });
  if (!client) throw new NotFoundError('Client');
  return client;
}

function assertDeclaredUpload(upload: DeclaredUpload): void {
  const problem = uploadProblem(upload);
  if (problem) throw new InvalidInputError(problem);
}

/** A signed URL the browser PUTs one file to; nothing is recorded until it is finalised. */
export async function createUpload(deps: MediaDeps, actor: Actor, input: UploadRequest) {
  requirePermission(actor, 'media:write');
  await requireClient(deps, actor, input.clientId);
  assertDeclaredUpload(input);
  const uploadId = randomUUID();
  const target = await deps.storage.createUploadUrl({
    key: uploadKey(actor.organizationId, uploadId),
    contentType: input.contentType.toLowerCase(),
    size: input.size,
    expiresInSeconds: MEDIA_URL_TTL.uploadSeconds,
  });
  return { uploadId, ...target };
}

/**
 * Records an uploaded file as an asset of the client and queues its processing. The file must
 * be in storage with the declared size; finalising the same upload twice returns the same asset.
 */
export async function finaliseUpload(
  deps: MediaDeps,
  actor: Actor,
  input: UploadRequest & { uploadId: string },
) {
  requirePermission(actor, 'media:write');
  const client = await requireClient(deps, actor, input.clientId);
  assertDeclaredUpload(input);
  const key = uploadKey(actor.organizationId, input.uploadId);
  const existing = await deps.db.mediaAsset.findFirst({
    where: { originalKey: key, ...clientRowScope(actor) },
    select: assetViewSelect,
  });
  if (existing) return toAssetView(existing);
  const stored = await deps.storage.head(key);
  if (!stored) {
    throw new InvalidInputError(
      `“${input.fileName}” has not arrived in storage. Upload it again (the upload link lasts ${MEDIA_URL_TTL.uploadSeconds / 60} minutes).`,
    );
  }
  if (stored.size !== input.size) {
    throw new InvalidInputError(
      `“${input.fileName}” arrived with ${stored.size} bytes, not the ${input.size} announced. Upload it again.`,
    );
  }
  const contentType = input.contentType.toLowerCase();
  const now = clockOf(deps)();
  const asset = await deps.db.$transaction(async (tx) => {
    const created = await tx.mediaAsset.create({
      data: {
        organizationId: actor.organizationId,
        clientId: client.id,
        uploadedById: actor.userId,
        name: input.fileName,
        kind: ACCEPTED_MEDIA_TYPES[contentType]!.kind,
        declaredType: contentType,
        sizeBytes: BigInt(stored.size),
        originalKey: key,
      },
      select: assetViewSelect,
    });
    await enqueueProcessMedia(tx, created.id, now);
    await recordActivity(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: 'media.uploaded',
      subjectType: 'media_asset',
      subjectId: created.id,
      data: { name: input.fileName, size: stored.size, contentType },
    });
    return created;
  });
  return toAssetView(asset);
}
