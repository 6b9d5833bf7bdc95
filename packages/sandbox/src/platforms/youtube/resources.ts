// YouTube's resources as the API renders them (developers.google.com/youtube/v3/docs/videos,
// /channels, /playlistItems): the sandbox's videos and channels, part by part, with the
// statistics a video has gathered by now on the sandbox clock.
import { createHash } from 'node:crypto';
import type { SandboxContext } from '../../router.ts';
import { channelOf, nowMs, type SandboxVideo } from './state.ts';

/** Every part videos.list knows; those the sandbox has nothing for render nothing. */
export const VIDEO_PARTS = [
  'contentDetails',
  'fileDetails',
  'id',
  'liveStreamingDetails',
  'localizations',
  'paidProductPlacementDetails',
  'player',
  'processingDetails',
  'recordingDetails',
  'snippet',
  'statistics',
  'status',
  'suggestions',
  'topicDetails',
] as const;

const etag = (value: unknown) =>
  createHash('sha1').update(JSON.stringify(value)).digest('base64url').slice(0, 27);

/** Where the sandbox serves a kept file (the video, its thumbnail). */
export const mediaUrl = (origin: string, id: string) =>
  `${origin}/youtube/media/${encodeURIComponent(id)}`;

function thumbnails(origin: string, video: SandboxVideo) {
  const url = mediaUrl(origin, video.customThumbnail ? `${video.id}.thumbnail` : video.id);
  return {
    default: { url, width: 120, height: 90 },
    medium: { url, width: 320, height: 180 },
    high: { url, width: 480, height: 360 },
  };
}

/** The video's status now: still processing while polls are left, then where it ends. */
function currentStatus(video: SandboxVideo) {
  if (video.pollsLeft > 0) return { uploadStatus: 'uploaded' as const };
  return video.outcome;
}

/** Views, likes and comments grow with the minutes since upload, deterministically per video. */
export function statistics(ctx: SandboxContext, video: SandboxVideo) {
  const status = currentStatus(video).uploadStatus;
  const hash = createHash('sha256').update(video.id).digest().readUInt32BE(0);
  const minutes = Math.max(0, (nowMs(ctx) - Date.parse(video.publishedAt)) / 60_000);
  const views = status === 'processed' ? Math.floor((5 + (hash % 40)) * Math.sqrt(minutes)) : 0;
  return {
    viewCount: String(views),
    likeCount: String(Math.floor((views * (2 + ((hash >>> 8) % 6))) / 100)),
    favoriteCount: '0',
    commentCount: String(Math.floor((views * (1 + ((hash >>> 16) % 3))) / 400)),
  };
}

/**
 * The video resource with the `parts` asked for. The owner also sees processingDetails and the
 * madeForKids self-declaration; everyone else sees public and unlisted videos only (the caller
 * filters).
 */
export function videoResource(
  ctx: SandboxContext,
  origin: string,
  video: SandboxVideo,
  parts: readonly string[],
  owner: boolean,
) {
  const status = currentStatus(video);
  const resource: Record<string, unknown> = { kind: 'youtube#video', etag: '', id: video.id };
  if (parts.includes('snippet')) {
    resource.snippet = {
      publishedAt: video.publishedAt,
      channelId: video.channelId,
      title: video.snippet.title,
      description: video.snippet.description,
      thumbnails: thumbnails(origin, video),
      channelTitle: channelOf(video.channelId).title,
      ...(video.snippet.tags.length ? { tags: video.snippet.tags } : {}),
      categoryId: video.snippet.categoryId,
      liveBroadcastContent: 'none',
      localized: { title: video.snippet.title, description: video.snippet.description },
    };
  }
  if (parts.includes('status')) {
    resource.status = {
      ...status,
      privacyStatus: video.privacyStatus,
      license: 'youtube',
      embeddable: true,
      publicStatsViewable: true,
      madeForKids: video.selfDeclaredMadeForKids,
      ...(owner ? { selfDeclaredMadeForKids: video.selfDeclaredMadeForKids } : {}),
    };
  }
  if (parts.includes('processingDetails') && owner) {
    resource.processingDetails = processingDetails(video);
  }
  if (parts.includes('statistics')) resource.statistics = statistics(ctx, video);
  resource.etag = etag(resource);
  return resource;
}

const PARTS_TOTAL = 1000;
/** What the sandbox says is left per remaining poll (YouTube's estimate, in ms). */
export const MS_PER_POLL = 15_000;

function processingDetails(video: SandboxVideo) {
  if (video.pollsLeft > 0) {
    const done = Math.floor(PARTS_TOTAL / (video.pollsLeft + 1));
    return {
      processingStatus: 'processing',
      processingProgress: {
        partsTotal: String(PARTS_TOTAL),
        partsProcessed: String(done),
        timeLeftMs: String(video.pollsLeft * MS_PER_POLL),
      },
      fileDetailsAvailability: 'inProgress',
      processingIssuesAvailability: 'inProgress',
      tagSuggestionsAvailability: 'inProgress',
      editorSuggestionsAvailability: 'inProgress',
      thumbnailsAvailability: 'inProgress',
    };
  }
  switch (video.outcome.uploadStatus) {
    case 'processed':
      return { processingStatus: 'succeeded', thumbnailsAvailability: 'available' };
    case 'failed':
      return { processingStatus: 'failed', processingFailureReason: 'other' };
    case 'rejected':
      return { processingStatus: 'terminated' };
  }
}

export function channelResource(origin: string, channelId: string, parts: readonly string[]) {
  const channel = channelOf(channelId);
  const resource: Record<string, unknown> = { kind: 'youtube#channel', etag: '', id: channel.id };
  if (parts.includes('snippet')) {
    resource.snippet = {
      title: channel.title,
      description: '',
      customUrl: channel.customUrl,
      publishedAt: '2020-01-01T00:00:00Z',
      thumbnails: {
        default: { url: `${origin}/youtube/channel/${channel.id}`, width: 88, height: 88 },
      },
      localized: { title: channel.title, description: '' },
    };
  }
  if (parts.includes('contentDetails')) {
    resource.contentDetails = {
      relatedPlaylists: { likes: '', uploads: uploadsPlaylistOf(channel.id) },
    };
  }
  resource.etag = etag(resource);
  return resource;
}

/** Each channel's uploads playlist: its id with `UU` for `UC`. */
export const uploadsPlaylistOf = (channelId: string) => `UU${channelId.slice(2)}`;
