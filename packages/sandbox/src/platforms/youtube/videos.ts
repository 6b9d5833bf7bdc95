// The YouTube Data API's reads Herald makes: videos.list (status and processing after an
// upload, statistics for metrics, a saved id when reconciling), channels.list (mine=true: who
// the token speaks for, and its uploads playlist) and playlistItems.list (a channel's uploads,
// newest first, to reconcile without a saved id). Each costs its quota units; a video still
// processing moves on one step each time its owner lists its status.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { replyUnderFault } from '../../faults.ts';
import { json, type Reply } from '../../http.ts';
import type { SandboxContext } from '../../router.ts';
import {
  googleErrorReply,
  injectedGoogleError,
  youtubeErrors,
  type GoogleError,
} from './errors.ts';
import {
  authorize,
  hasQuota,
  isGoogleError,
  parts as partsOf,
  spendQuota,
  type Caller,
  type QuotaMethod,
} from './request.ts';
import { channelResource, VIDEO_PARTS, videoResource } from './resources.ts';
import { channelOf, youtubeState, type SandboxVideo } from './state.ts';

const originOf = (req: IncomingMessage) => `http://${req.headers.host ?? '127.0.0.1'}`;
const etag = (value: unknown) =>
  createHash('sha1').update(JSON.stringify(value)).digest('base64url').slice(0, 27);

/** Authorises a read, takes its fault, spends its quota, and answers what `list` computes. */
async function read(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: SandboxContext,
  method: QuotaMethod,
  list: (caller: Caller) => Record<string, unknown> | GoogleError,
) {
  const caller = authorize(req, ctx, 'read');
  const fault = ctx.store.takeFault(
    'youtube',
    'read',
    isGoogleError(caller) ? undefined : caller.channelId,
  );
  const act = (): Reply => {
    if (isGoogleError(caller)) return googleErrorReply(caller);
    if (!hasQuota(ctx, caller.project, method)) {
      return googleErrorReply(youtubeErrors.quotaExceeded());
    }
    const answer = list(caller);
    spendQuota(ctx, caller.project, method, !isGoogleError(answer));
    if (isGoogleError(answer)) return googleErrorReply(answer);
    answer.etag = etag(answer);
    return json(200, answer);
  };
  await replyUnderFault(req, res, fault, act, injectedGoogleError, ctx.closing);
}

/** `GET /youtube/v3/videos?part=…&id=a,b`. */
export function listVideos(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: SandboxContext,
) {
  return read(req, res, ctx, 'videos.list', (caller) => {
    const parts = partsOf(url, VIDEO_PARTS);
    if (!Array.isArray(parts)) return parts;
    const q = url.searchParams;
    const ids = q.get('id');
    if (ids === null) {
      if (q.has('chart') || q.has('myRating')) {
        return youtubeErrors.badRequest('The sandbox lists videos by id only.');
      }
      return youtubeErrors.missingFilter('myRating, chart, id');
    }
    const state = youtubeState(ctx.store);
    const items: Record<string, unknown>[] = [];
    for (const id of ids.split(',').slice(0, 50)) {
      const video = state.videos.get(id.trim());
      if (!video) continue;
      const owner = video.channelId === caller.channelId;
      if (!owner && video.privacyStatus === 'private') continue;
      items.push(videoResource(ctx, originOf(req), video, parts, owner));
      // Processing moves on each time the owner looks at it.
      if (owner && (parts.includes('status') || parts.includes('processingDetails'))) {
        video.pollsLeft = Math.max(0, video.pollsLeft - 1);
      }
    }
    return {
      kind: 'youtube#videoListResponse',
      etag: '',
      items,
      pageInfo: { totalResults: items.length, resultsPerPage: items.length },
    };
  });
}

const CHANNEL_PARTS = [
  'auditDetails',
  'brandingSettings',
  'contentDetails',
  'contentOwnerDetails',
  'id',
  'localizations',
  'snippet',
  'statistics',
  'status',
  'topicDetails',
];
const CHANNEL_ID = /^UC[A-Za-z0-9_-]{22}$/;

/** `GET /youtube/v3/channels?part=…&mine=true` (or `id=`). */
export function listChannels(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: SandboxContext,
) {
  return read(req, res, ctx, 'channels.list', (caller) => {
    const parts = partsOf(url, CHANNEL_PARTS);
    if (!Array.isArray(parts)) return parts;
    const q = url.searchParams;
    let ids: string[];
    if (q.get('mine') === 'true') ids = [caller.channelId];
    else if (q.get('id'))
      ids = q
        .get('id')!
        .split(',')
        .filter((id) => CHANNEL_ID.test(id));
    else
      return youtubeErrors.missingFilter(
        'categoryId, forHandle, forUsername, id, managedByMe, mine',
      );
    const items = ids.map((id) => channelResource(originOf(req), id, parts));
    return {
      kind: 'youtube#channelListResponse',
      etag: '',
      pageInfo: { totalResults: items.length, resultsPerPage: 5 },
      items,
    };
  });
}

const PLAYLIST_ITEM_PARTS = ['contentDetails', 'id', 'snippet', 'status'];

const encodePage = (index: number) => Buffer.from(`p:${index}`).toString('base64url');
function decodePage(token: string): number | null {
  const match = /^p:(\d+)$/.exec(Buffer.from(token, 'base64url').toString());
  return match ? Number(match[1]) : null;
}

/** `GET /youtube/v3/playlistItems?part=…&playlistId=UU…`: a channel's uploads, newest first. */
export function listPlaylistItems(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: SandboxContext,
) {
  return read(req, res, ctx, 'playlistItems.list', (caller) => {
    const parts = partsOf(url, PLAYLIST_ITEM_PARTS);
    if (!Array.isArray(parts)) return parts;
    const q = url.searchParams;
    const playlistId = q.get('playlistId');
    if (!playlistId) return youtubeErrors.missingFilter('id, playlistId');
    // The sandbox's only playlists are the channels' uploads (`UU` + the channel id's tail).
    if (!/^UU[A-Za-z0-9_-]{22}$/.test(playlistId)) return youtubeErrors.playlistNotFound();
    const channelId = `UC${playlistId.slice(2)}`;
    const maxResults = q.has('maxResults') ? Number(q.get('maxResults')) : 5;
    if (!Number.isInteger(maxResults) || maxResults < 0 || maxResults > 50) {
      return youtubeErrors.badRequest(
        `Invalid value '${q.get('maxResults')}'. Values must be within the range: [0, 50]`,
      );
    }
    const token = q.get('pageToken');
    const start = token === null ? 0 : decodePage(token);
    if (start === null) return youtubeErrors.invalidPageToken();
    const owner = channelId === caller.channelId;
    const uploads = [...youtubeState(ctx.store).videos.values()]
      .filter((v) => v.channelId === channelId && (owner || v.privacyStatus !== 'private'))
      .reverse();
    const page = uploads.slice(start, start + maxResults);
    const end = start + page.length;
    return {
      kind: 'youtube#playlistItemListResponse',
      etag: '',
      ...(end < uploads.length ? { nextPageToken: encodePage(end) } : {}),
      ...(start > 0 ? { prevPageToken: encodePage(Math.max(0, start - maxResults)) } : {}),
      items: page.map((video, i) => playlistItem(req, video, parts, playlistId, start + i)),
      pageInfo: { totalResults: uploads.length, resultsPerPage: maxResults },
    };
  });
}

function playlistItem(
  req: IncomingMessage,
  video: SandboxVideo,
  parts: readonly string[],
  playlistId: string,
  position: number,
) {
  const item: Record<string, unknown> = {
    kind: 'youtube#playlistItem',
    etag: '',
    id: Buffer.from(`${playlistId}.${video.id}`).toString('base64url'),
  };
  if (parts.includes('snippet')) {
    const src = `${originOf(req)}/youtube/media/${encodeURIComponent(video.id)}`;
    item.snippet = {
      publishedAt: video.publishedAt,
      channelId: video.channelId,
      title: video.snippet.title,
      description: video.snippet.description,
      thumbnails: { default: { url: src, width: 120, height: 90 } },
      channelTitle: channelOf(video.channelId).title,
      playlistId,
      position,
      resourceId: { kind: 'youtube#video', videoId: video.id },
      videoOwnerChannelTitle: channelOf(video.channelId).title,
      videoOwnerChannelId: video.channelId,
    };
  }
  if (parts.includes('contentDetails')) {
    item.contentDetails = { videoId: video.id, videoPublishedAt: video.publishedAt };
  }
  if (parts.includes('status')) item.status = { privacyStatus: video.privacyStatus };
  item.etag = etag(item);
  return item;
}
