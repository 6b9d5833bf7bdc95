// The fallback package (seed 000 §4): when a target fails for good, one zip with the caption for
// each platform of the post and the original media, stored and linked from the target and its
// failure notification, so a person can post it by hand. Built with yazl (a maintained
// streaming zip writer) into a temporary file, then stored with its exact size.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { ACCEPTED_MEDIA_TYPES } from '../../domain/media-files.ts';
import { PLATFORM_LABELS } from '../../domain/platforms.ts';
import { requirePermission, targetScope, type Actor } from '../actor.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import { clockOf, MEDIA_URL_TTL, type MediaDeps } from './deps.ts';
import { fallbackPackageKey } from './keys.ts';

export type FallbackPackageResult =
  | { outcome: 'built'; key: string; files: string[] }
  | { outcome: 'skipped'; reason: 'missing' | 'not_failed' };

/** A name safe inside a zip: no folders, no control characters. */
function safeName(name: string): string {
  const cleaned = Array.from(name, (c) =>
    c.charCodeAt(0) < 32 || '\\/:*?"<>|'.includes(c) ? '_' : c,
  );
  return cleaned.join('').slice(0, 120) || 'file';
}

function withExtension(name: string, contentType: string): string {
  const ext = ACCEPTED_MEDIA_TYPES[contentType]?.extensions[0];
  return ext && !name.toLowerCase().endsWith(`.${ext}`) ? `${name}.${ext}` : name;
}

export async function buildFallbackPackage(
  deps: MediaDeps,
  targetId: string,
): Promise<FallbackPackageResult> {
  const target = await deps.db.postTarget.findUnique({
    where: { id: targetId },
    select: {
      id: true,
      organizationId: true,
      status: true,
      lastError: true,
      scheduledFor: true,
      scheduledTimezone: true,
      ownMedia: true,
      socialAccount: { select: { platform: true, handle: true } },
      media: { orderBy: { position: 'asc' }, select: { asset: true } },
      post: {
        select: {
          caption: true,
          media: { orderBy: { position: 'asc' }, select: { asset: true } },
          targets: {
            orderBy: { createdAt: 'asc' },
            select: { caption: true, socialAccount: { select: { platform: true, handle: true } } },
          },
        },
      },
    },
  });
  if (!target) return { outcome: 'skipped', reason: 'missing' };
  if (target.status !== 'failed') return { outcome: 'skipped', reason: 'not_failed' };

  const assets = (target.ownMedia ? target.media : target.post.media).map((m) => m.asset);
  const dir = await mkdtemp(path.join(tmpdir(), 'herald-package-'));
  try {
    const zip = new yazl.ZipFile();
    const zipPath = path.join(dir, 'package.zip');
    const written = pipeline(zip.outputStream, createWriteStream(zipPath));
    const files: string[] = [];
    const add = (name: string, text: string) => {
      zip.addBuffer(Buffer.from(text, 'utf8'), name);
      files.push(name);
    };
    const platform = PLATFORM_LABELS[target.socialAccount.platform];
    add(
      'README.txt',
      [
        `Herald could not publish this post to ${platform} (${target.socialAccount.handle}).`,
        target.lastError ? `The last error: ${target.lastError}` : '',
        '',
        'To post it by hand: open the platform, attach the files in media/ in their numbered',
        'order, and paste the caption for that platform from captions/.',
        '',
      ].join('\n'),
    );
    for (const other of target.post.targets) {
      const label = `${other.socialAccount.platform}-${safeName(other.socialAccount.handle)}`;
      add(`captions/${label}.txt`, `${other.caption ?? target.post.caption}\n`);
    }
    for (const [index, asset] of assets.entries()) {
      const local = path.join(dir, `media-${index}`);
      await deps.storage.download(asset.originalKey, local);
      const name = `media/${String(index + 1).padStart(2, '0')}-${safeName(withExtension(asset.name, asset.declaredType))}`;
      zip.addFile(local, name);
      files.push(name);
    }
    zip.end();
    await written;
    const key = fallbackPackageKey(target.organizationId, target.id);
    const { size } = await stat(zipPath);
    await deps.storage.put(key, createReadStream(zipPath), {
      contentType: 'application/zip',
      size,
    });
    await deps.db.$transaction(async (tx) => {
      await tx.postTarget.update({
        where: { id: target.id },
        data: { fallbackPackageKey: key },
      });
      // The failure notification links to it from now on.
      await tx.$executeRaw`
        UPDATE notifications SET data = data || '{"fallbackPackage": true}'::jsonb
        WHERE organization_id = ${target.organizationId}::uuid AND kind = 'publish_failed'
          AND data->>'targetId' = ${target.id}`;
    });
    return { outcome: 'built', key, files };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A fresh signed link to a failed target's package, for the person who will post it by hand. */
export async function fallbackPackageUrl(
  deps: MediaDeps,
  actor: Actor,
  input: { targetId: string },
): Promise<{ url: string; expiresAt: Date }> {
  requirePermission(actor, 'posts:read');
  const target = await deps.db.postTarget.findFirst({
    where: { id: input.targetId, ...targetScope(actor) },
    select: { fallbackPackageKey: true, socialAccount: { select: { handle: true } } },
  });
  if (!target) throw new NotFoundError('Post target');
  if (!target.fallbackPackageKey) {
    throw new ConflictError(
      'There is no package for this post: it is built when a post fails for good.',
    );
  }
  const url = await deps.storage.createDownloadUrl({
    key: target.fallbackPackageKey,
    expiresInSeconds: MEDIA_URL_TTL.packageSeconds,
    downloadName: `herald-${safeName(target.socialAccount.handle)}.zip`,
  });
  return {
    url,
    expiresAt: new Date(clockOf(deps)().getTime() + MEDIA_URL_TTL.packageSeconds * 1000),
  };
}
