// Processing one uploaded file (the process_media job): check the bytes are what the upload
// said, probe them, make every rendition, store them, and only then mark the asset ready in one
// transaction. A file that cannot become media ends `rejected` with the sentence saying why,
// and whatever this run had stored is removed again: never half-written renditions.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Prisma } from '@herald/db';
import { MAX_IMAGE_PIXELS } from '../../domain/media-files.ts';
import {
  checkMediaBytes,
  MediaRejectedError,
  probeImage,
  probeVideo,
  renderImage,
  SNIFF_BYTES,
  videoFrames,
  type Rendition,
} from '../../media/index.ts';
import { clockOf, type MediaDeps } from './deps.ts';
import { renditionKey } from './keys.ts';

export type ProcessMediaResult =
  | { outcome: 'ready'; renditions: number }
  | { outcome: 'rejected'; reason: string }
  | { outcome: 'skipped'; reason: 'missing' | 'not_processing' };

interface Processed {
  width: number;
  height: number;
  durationMs: number | null;
  probe: Prisma.InputJsonObject;
  renditions: Rendition[];
}

async function processImage(deps: MediaDeps, key: string): Promise<Processed> {
  const bytes = await deps.storage.read(key);
  const probe = await probeImage(bytes, { maxPixels: MAX_IMAGE_PIXELS });
  const renditions = await renderImage(bytes, { maxPixels: MAX_IMAGE_PIXELS });
  return {
    width: probe.orientedWidth,
    height: probe.orientedHeight,
    durationMs: null,
    probe: {
      format: probe.format,
      width: probe.width,
      height: probe.height,
      orientation: probe.orientation,
      space: probe.space,
      hasAlpha: probe.hasAlpha,
      hadGps: probe.hasGps,
    },
    renditions,
  };
}

async function processVideo(deps: MediaDeps, key: string): Promise<Processed> {
  const dir = await mkdtemp(path.join(tmpdir(), 'herald-media-'));
  try {
    const file = path.join(dir, 'original');
    await deps.storage.download(key, file);
    if (!deps.binaries)
      throw new Error('Video processing needs ffmpeg and ffprobe; none were given.');
    const bin = await deps.binaries();
    const probe = await probeVideo(file, bin);
    const frames = await videoFrames(file, bin, { durationSeconds: probe.durationSeconds });
    return {
      width: probe.width,
      height: probe.height,
      durationMs: Math.round(probe.durationSeconds * 1000),
      probe: { ...probe },
      renditions: [frames.poster, frames.thumbnail],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Processes the asset if it is still `processing`. `finalAttempt`: this is the job's last try,
 * so an unexpected failure rejects the asset instead of leaving it waiting for ever.
 */
export async function processMedia(
  deps: MediaDeps,
  assetId: string,
  options: { finalAttempt?: boolean } = {},
): Promise<ProcessMediaResult> {
  const asset = await deps.db.mediaAsset.findUnique({ where: { id: assetId } });
  if (!asset) return { outcome: 'skipped', reason: 'missing' };
  if (asset.status !== 'processing') return { outcome: 'skipped', reason: 'not_processing' };

  const stored: string[] = [];
  try {
    const end = Math.min(SNIFF_BYTES, Number(asset.sizeBytes)) - 1;
    const head = await deps.storage.read(asset.originalKey, { start: 0, end });
    const { kind } = await checkMediaBytes({
      head,
      declaredType: asset.declaredType,
      fileName: asset.name,
    });
    const processed =
      kind === 'image'
        ? await processImage(deps, asset.originalKey)
        : await processVideo(deps, asset.originalKey);
    const rows: Prisma.MediaRenditionCreateManyInput[] = [];
    for (const rendition of processed.renditions) {
      const key = renditionKey(asset.organizationId, asset.id, rendition.name);
      stored.push(key);
      await deps.storage.put(key, rendition.bytes, {
        contentType: rendition.contentType,
        size: rendition.bytes.length,
      });
      rows.push({
        organizationId: asset.organizationId,
        assetId: asset.id,
        name: rendition.name,
        key,
        contentType: rendition.contentType,
        width: rendition.width,
        height: rendition.height,
        sizeBytes: rendition.bytes.length,
      });
    }
    const ready = await deps.db.$transaction(async (tx) => {
      const { count } = await tx.mediaAsset.updateMany({
        where: { id: asset.id, status: 'processing' },
        data: {
          status: 'ready',
          kind,
          width: processed.width,
          height: processed.height,
          durationMs: processed.durationMs,
          probe: processed.probe,
          processedAt: clockOf(deps)(),
        },
      });
      if (count === 1) await tx.mediaRendition.createMany({ data: rows });
      return count === 1;
    });
    if (!ready) {
      await deps.storage.delete(stored);
      return { outcome: 'skipped', reason: 'not_processing' };
    }
    return { outcome: 'ready', renditions: rows.length };
  } catch (error) {
    await deps.storage.delete(stored).catch(() => {
      // Cleanup's sweep of renditions without a row removes them later.
    });
    const rejected = error instanceof MediaRejectedError ? error : null;
    if (!rejected && !options.finalAttempt) throw error; // the job tries again
    const reason = rejected
      ? rejected.message
      : `Herald could not process “${asset.name}” (${error instanceof Error ? error.message : String(error)}). Upload it again; if it keeps failing, tell us.`;
    await deps.db.mediaAsset.updateMany({
      where: { id: asset.id, status: 'processing' },
      data: { status: 'rejected', rejectionReason: reason, processedAt: clockOf(deps)() },
    });
    return { outcome: 'rejected', reason };
  }
}
