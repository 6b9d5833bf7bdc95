// Instagram's media containers: `POST /{ig-user-id}/media` makes one (fetching image_url or
// video_url as Instagram does), `GET /{container-id}?fields=status_code` reports its state, and
// `media_publish` turns a FINISHED one into a post. Videos stay IN_PROGRESS for a configurable
// number of status reads (never a wall-clock wait), then finish or fail as their file decides.
import { z } from 'zod';
import { fetchRemoteMedia, signatures, type MediaSpec } from '../../remote-media.ts';
import type { SandboxContext } from '../../router.ts';
import type { GraphError } from '../facebook/errors.ts';
import { graphErrors } from '../facebook/errors.ts';
import { containerFailure, instagramErrors } from './errors.ts';

const MB = 1024 * 1024;
const DAY_MS = 24 * 60 * 60_000;

/** Feed images: JPEG only, at most 8 MiB (Instagram's content publishing guide). */
export const IMAGE_SPEC: MediaSpec = { types: { 'image/jpeg': signatures.jpeg }, maxBytes: 8 * MB };
/** Reels and video items: MP4 or MOV, at most 1 GB (reels) — the largest Instagram documents. */
export const VIDEO_SPEC: MediaSpec = {
  types: { 'video/mp4': signatures.mp4, 'video/quicktime': signatures.quicktime },
  maxBytes: 1024 * MB,
};

export type MediaType = 'IMAGE' | 'VIDEO' | 'REELS' | 'STORIES' | 'CAROUSEL';
export type StatusCode = 'IN_PROGRESS' | 'FINISHED' | 'ERROR' | 'EXPIRED' | 'PUBLISHED';

export interface Container {
  id: string;
  igUserId: string;
  mediaType: MediaType;
  isCarouselItem: boolean;
  caption: string;
  /** Carousel children (container ids), in order. */
  children: string[];
  /** The file fetched for it (a RecordedMedia id), none for a carousel or a failed fetch. */
  media: { id: string; kind: 'image' | 'video' } | null;
  /** Status reads left before a video finishes processing. */
  pollsLeft: number;
  /** The subcode a video fails with once processed (its file would not do). */
  failure: number | null;
  createdAt: number;
  /** The media id once published. */
  publishedId: string | null;
}

/**
 * The sandbox's knobs for Instagram (startSandbox's `platformSettings.instagram`, or
 * `POST /__sandbox/settings/instagram`); the handlers read `ctx.platformSettings.instagram`.
 */
export const InstagramSettings = z.strictObject({
  /** How many status reads a video container answers IN_PROGRESS before it finishes. */
  processingPolls: z.int().min(0).max(1000).default(1),
  /** Posts an account may publish in a rolling 24 hours (content_publishing_limit). */
  publishCap: z.int().min(0).default(50),
});
export type InstagramSettings = z.infer<typeof InstagramSettings>;

export interface InstagramState {
  containers: Map<string, Container>;
  /** Each published post's media type, by media id (stories are left out of /media). */
  published: Map<string, { mediaType: MediaType; productType: 'FEED' | 'REELS' | 'STORY' }>;
}

export const instagramState = (ctx: SandboxContext) =>
  ctx.store.platformState<InstagramState>('instagram', () => ({
    containers: new Map(),
    published: new Map(),
  }));

const MEDIA_TYPES = new Set<string>(['IMAGE', 'VIDEO', 'REELS', 'STORIES', 'CAROUSEL']);
const isTrue = (value: string | undefined) => value === 'true' || value === '1';

/** Creates a container from `POST /{ig-user-id}/media`'s parameters, or says why not. */
export async function createContainer(
  ctx: SandboxContext,
  igUserId: string,
  params: Record<string, string>,
): Promise<Container | GraphError> {
  const state = instagramState(ctx);
  const requested = params.media_type?.toUpperCase();
  if (requested !== undefined && (!MEDIA_TYPES.has(requested) || requested === 'IMAGE')) {
    return instagramErrors.unknownMediaType(params.media_type!);
  }
  const isCarouselItem = isTrue(params.is_carousel_item);
  const caption = params.caption ?? '';
  const base = {
    id: ctx.store.nextNumericId(),
    igUserId,
    isCarouselItem,
    caption: isCarouselItem ? '' : caption,
    children: [] as string[],
    media: null,
    pollsLeft: 0,
    failure: null,
    createdAt: Date.now(),
    publishedId: null,
  };
  if (!isCarouselItem && requested !== 'STORIES') {
    const problem = captionProblem(caption);
    if (problem) return instagramErrors.captionTooLong(problem);
  }

  if (requested === 'CAROUSEL') {
    const ids = (params.children ?? '')
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean);
    if (params.children === undefined) return graphErrors.requiredParameter('children');
    if (ids.length < 2 || ids.length > 10) return instagramErrors.carouselChildren(ids.length);
    for (const id of ids) {
      const child = state.containers.get(id);
      const usable =
        child?.igUserId === igUserId &&
        child.isCarouselItem &&
        child.publishedId === null &&
        statusOf(state, child, false).code !== 'ERROR' &&
        statusOf(state, child, false).code !== 'EXPIRED';
      if (!usable || ids.indexOf(id) !== ids.lastIndexOf(id)) {
        return instagramErrors.invalidChild(id);
      }
    }
    const container: Container = { ...base, mediaType: 'CAROUSEL', children: ids };
    state.containers.set(container.id, container);
    return container;
  }

  const { image_url: imageUrl, video_url: videoUrl } = params;
  const wantsVideo = requested === 'REELS' || requested === 'VIDEO';
  if (wantsVideo && !videoUrl) return graphErrors.requiredParameter('video_url');
  if (!wantsVideo && requested !== 'STORIES' && !imageUrl) {
    return videoUrl
      ? // A video needs its type named: REELS on its own, VIDEO inside a carousel.
        graphErrors.requiredParameter('media_type')
      : graphErrors.requiredParameter('image_url');
  }
  if (requested === 'STORIES' && !imageUrl && !videoUrl) {
    return graphErrors.requiredParameter('image_url');
  }
  if (requested === 'VIDEO' && !isCarouselItem) {
    // Feed videos are published as reels now; VIDEO remains for carousel items only.
    return instagramErrors.unknownMediaType('VIDEO');
  }
  const mediaType: MediaType = requested === undefined ? 'IMAGE' : (requested as MediaType);

  if (imageUrl && !wantsVideo) {
    const fetched = await fetchRemoteMedia(
      imageUrl,
      IMAGE_SPEC,
      ctx.closing,
      ctx.mediaFetchTimeoutMs,
    );
    if (!fetched.ok) {
      switch (fetched.problem) {
        case 'unreachable':
        case 'status':
          return instagramErrors.unfetchableMedia();
        case 'too_large':
          return instagramErrors.imageTooLarge();
        default:
          return instagramErrors.imageFormat();
      }
    }
    const size = jpegSize(fetched.bytes);
    if (!size) return instagramErrors.imageFormat();
    const ratio = size.width / size.height;
    // Feed images (carousel items too) 4:5 to 1.91:1; stories take 0.1:1 to 10:1 (and crop).
    const [min, max] = mediaType === 'STORIES' ? [0.1, 10] : [4 / 5, 1.91];
    if (ratio < min - 1e-9 || ratio > max + 1e-9) {
      return instagramErrors.aspectRatio(`${size.width}:${size.height}`);
    }
    const media = recordFetched(ctx, igUserId, 'image', fetched.contentType, fetched.bytes);
    const container: Container = { ...base, mediaType, media };
    state.containers.set(container.id, container);
    return container;
  }

  // Videos are fetched now and "processed" over the next status reads.
  const fetched = await fetchRemoteMedia(
    videoUrl!,
    VIDEO_SPEC,
    ctx.closing,
    ctx.mediaFetchTimeoutMs,
  );
  const container: Container = {
    ...base,
    mediaType,
    pollsLeft: ctx.platformSettings.instagram.processingPolls,
    media: fetched.ok
      ? recordFetched(ctx, igUserId, 'video', fetched.contentType, fetched.bytes)
      : null,
    failure: fetched.ok
      ? null
      : fetched.problem === 'unreachable' || fetched.problem === 'status'
        ? 2207052
        : 2207026,
  };
  state.containers.set(container.id, container);
  return container;
}

function recordFetched(
  ctx: SandboxContext,
  igUserId: string,
  kind: 'image' | 'video',
  contentType: string,
  bytes: Buffer,
) {
  const id = ctx.store.nextNumericId();
  ctx.store.recordMedia(
    {
      platform: 'instagram',
      accountId: igUserId,
      id,
      kind,
      contentType,
      sizeBytes: bytes.length,
      postId: null,
      createdAt: new Date().toISOString(),
    },
    bytes,
  );
  return { id, kind };
}

/**
 * A container's status. `read` is true for a status read by the client, which moves video
 * processing on by one step (a carousel's read moves each of its children on).
 */
export function statusOf(
  state: InstagramState,
  container: Container,
  read: boolean,
): { code: StatusCode; status: string } {
  if (container.publishedId !== null) return { code: 'PUBLISHED', status: 'Published' };
  if (Date.now() - container.createdAt > DAY_MS) return { code: 'EXPIRED', status: 'Expired' };
  if (container.mediaType === 'CAROUSEL') {
    const children = container.children.map((id) => state.containers.get(id)!);
    const states = children.map((child) => statusOf(state, child, read));
    const failed = states.find((s) => s.code === 'ERROR' || s.code === 'EXPIRED');
    if (failed) return { code: 'ERROR', status: failed.status };
    if (states.some((s) => s.code === 'IN_PROGRESS')) {
      return { code: 'IN_PROGRESS', status: 'In Progress' };
    }
    return {
      code: 'FINISHED',
      status: 'Finished: Media has been uploaded and it is ready to be published.',
    };
  }
  if (container.pollsLeft > 0) {
    if (read) container.pollsLeft -= 1;
    return { code: 'IN_PROGRESS', status: 'In Progress' };
  }
  if (container.failure !== null)
    return { code: 'ERROR', status: containerFailure(container.failure) };
  return {
    code: 'FINISHED',
    status: 'Finished: Media has been uploaded and it is ready to be published.',
  };
}

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
const HASHTAG = /(?:^|[^\p{L}\p{N}_&])#[\p{L}\p{N}_]+/gu;
const MENTION = /(?:^|[^\p{L}\p{N}_.@])@[\p{L}\p{N}_.]+/gu;

/** What makes a caption too long for Instagram, if anything. */
export function captionProblem(caption: string): string | undefined {
  let length = 0;
  for (const _ of graphemes.segment(caption)) length += 1;
  if (length > 2200) return `${length} characters`;
  const hashtags = caption.match(HASHTAG)?.length ?? 0;
  if (hashtags > 30) return `${hashtags} hashtags`;
  const mentions = caption.match(MENTION)?.length ?? 0;
  if (mentions > 20) return `${mentions} @ tags`;
  return undefined;
}

/** A JPEG's pixel size from its first start-of-frame segment; undefined when there is none. */
export function jpegSize(bytes: Buffer): { width: number; height: number } | undefined {
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return undefined;
    const marker = bytes[offset + 1]!;
    if (marker === 0xff) {
      offset += 1;
      continue;
    }
    const length = bytes.readUInt16BE(offset + 2);
    const isFrame =
      marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame && offset + 9 <= bytes.length) {
      const height = bytes.readUInt16BE(offset + 5);
      const width = bytes.readUInt16BE(offset + 7);
      return width > 0 && height > 0 ? { width, height } : undefined;
    }
    offset += 2 + length;
  }
  return undefined;
}
