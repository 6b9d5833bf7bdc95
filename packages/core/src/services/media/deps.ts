import type { Db } from '@herald/db';
import type { MediaBinaries } from '../../media/index.ts';
import type { MediaStorage } from '../../storage/index.ts';

/** What the media use cases need; each app's composition root builds one. */
export interface MediaDeps {
  db: Db;
  storage: MediaStorage;
  /**
   * ffmpeg and ffprobe, looked up when a video first needs them (core/media
   * findMediaBinaries). Only processing needs them.
   */
  binaries?: () => Promise<MediaBinaries>;
  now?: () => Date;
}

/** How long the links Herald hands out stay valid. */
export const MEDIA_URL_TTL = {
  /** The browser's PUT of one file. */
  uploadSeconds: 15 * 60,
  /** Thumbnails and previews in the dashboard. */
  viewSeconds: 60 * 60,
  /** What a platform fetches while publishing (Instagram may take a while to fetch a reel). */
  publishSeconds: 24 * 60 * 60,
  /** A fallback package's download link. */
  packageSeconds: 7 * 24 * 60 * 60,
} as const;

export const clockOf = (deps: Pick<MediaDeps, 'now'>) => deps.now ?? (() => new Date());
