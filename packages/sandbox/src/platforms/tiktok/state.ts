// What the emulated TikTok remembers per sandbox instance: its settings (and a clock tests can
// set), the creators, publishes in flight with their upload sessions, published videos, OAuth
// codes and tokens, and the rate-limit windows. Plain data only (Maps, arrays, numbers,
// strings), so the store can persist it with node:v8 serialize.
import type { SandboxStore } from '../../store.ts';

export const PRIVACY_LEVELS = [
  'PUBLIC_TO_EVERYONE',
  'MUTUAL_FOLLOW_FRIENDS',
  'FOLLOWER_OF_CREATOR',
  'SELF_ONLY',
] as const;
export type PrivacyLevel = (typeof PRIVACY_LEVELS)[number];

/** What `creator_info/query` tells about one creator. */
export interface Creator {
  openId: string;
  username: string;
  nickname: string;
  privacyLevelOptions: PrivacyLevel[];
  commentDisabled: boolean;
  duetDisabled: boolean;
  stitchDisabled: boolean;
  maxVideoPostDurationSec: number;
}

/**
 * The creators a person can pick on the sandbox's consent page (TikTok grants one account per
 * authorization). Open ids keep to the sandbox token alphabet (`[A-Za-z0-9:._]`).
 */
export const SANDBOX_CREATORS: readonly Creator[] = [
  {
    openId: '_000FjordOutdoorSbx01',
    username: 'fjordoutdoor',
    nickname: 'Fjord Outdoor',
    privacyLevelOptions: [...PRIVACY_LEVELS],
    commentDisabled: false,
    duetDisabled: false,
    stitchDisabled: false,
    maxVideoPostDurationSec: 600,
  },
  {
    // A private account: TikTok offers it no public option, and it has duets switched off.
    openId: '_000NorthwindSbx02',
    username: 'northwind.coffee',
    nickname: 'Northwind Coffee',
    privacyLevelOptions: ['MUTUAL_FOLLOW_FRIENDS', 'FOLLOWER_OF_CREATOR', 'SELF_ONLY'],
    commentDisabled: false,
    duetDisabled: true,
    stitchDisabled: false,
    maxVideoPostDurationSec: 300,
  },
];

export interface TikTokSettings {
  /** Status fetches answered PROCESSING_* after the video is in, before PUBLISH_COMPLETE. */
  processingPolls: number;
  /** Status fetches a public post's id stays hidden after PUBLISH_COMPLETE (moderation). */
  moderationPolls: number;
  /** An unaudited client may only post SELF_ONLY (TikTok's audit lifts that). */
  auditedClient: boolean;
  /** Direct posts one creator may make through the API per 24 hours. */
  postsPer24h: number;
  /** URL prefixes verified for PULL_FROM_URL; any other video_url is refused. */
  verifiedUrlPrefixes: string[];
  /** The sandbox's clock in epoch ms; null follows the real clock. Tests set it for metrics. */
  nowMs: number | null;
  /** Per-creator overrides of what creator_info answers, by open id. */
  creators: Map<string, Partial<Omit<Creator, 'openId'>>>;
}

export const DEFAULT_SETTINGS = (): TikTokSettings => ({
  processingPolls: 1,
  moderationPolls: 0,
  auditedClient: true,
  postsPer24h: 30,
  verifiedUrlPrefixes: [],
  nowMs: null,
  creators: new Map(),
});

/** One upload session: what `video/init/` fixed for FILE_UPLOAD, and what has arrived. */
export interface UploadSession {
  uploadId: string;
  uploadToken: string;
  videoSize: number;
  chunkSize: number;
  totalChunkCount: number;
  /** The bytes received so far, in order (chunks come sequentially). */
  chunks: Buffer[];
  received: number;
  /** Epoch ms; TikTok's upload_url is good for one hour. */
  expiresAt: number;
}

export type PublishStatus =
  | 'PROCESSING_UPLOAD'
  | 'PROCESSING_DOWNLOAD'
  | 'SEND_TO_USER_INBOX'
  | 'PUBLISH_COMPLETE'
  | 'FAILED';

/** One `video/init/` and what became of it. */
export interface Publish {
  publishId: string;
  openId: string;
  source: 'FILE_UPLOAD' | 'PULL_FROM_URL';
  title: string;
  privacyLevel: PrivacyLevel;
  disableComment: boolean;
  disableDuet: boolean;
  disableStitch: boolean;
  brandContent: boolean;
  brandOrganic: boolean;
  upload: UploadSession | null;
  /** Bytes fetched from video_url (PULL_FROM_URL). */
  downloadedBytes: number;
  /** Set when the video is in (uploaded or downloaded) and checked. */
  videoId: string | null;
  failReason: string | null;
  /** Status fetches answered since the video was in. */
  polls: number;
  /** Epoch ms. */
  createdAt: number;
}

/** A published video, as the Display API lists it. */
export interface Video {
  id: string;
  openId: string;
  title: string;
  privacyLevel: PrivacyLevel;
  durationSec: number;
  /** Epoch ms. */
  createdAt: number;
}

/** An authorization code the consent page handed out. */
export interface Grant {
  clientKey: string;
  redirectUri: string;
  openId: string;
  scopes: string[];
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
  expiresAt: number;
  used: boolean;
}

/** A token the OAuth endpoints issued (tokens minted by tests are not here: they have every scope and no end). */
export interface IssuedToken {
  openId: string;
  scopes: string[];
  expiresAt: number;
}

export interface TikTokState {
  settings: TikTokSettings;
  publishes: Map<string, Publish>;
  /** upload_id → publish_id. */
  uploads: Map<string, string>;
  videos: Map<string, Video>;
  codes: Map<string, Grant>;
  accessTokens: Map<string, IssuedToken>;
  refreshTokens: Map<string, IssuedToken>;
  /** Refresh tokens exchanged or revoked: TikTok rotates them and a spent one fails. */
  spentRefreshTokens: Set<string>;
  /** `${token or open id}:${endpoint}` → request times (epoch ms) in the last minute. */
  windows: Map<string, number[]>;
}

export const tiktokState = (store: SandboxStore): TikTokState =>
  store.platformState<TikTokState>('tiktok', () => ({
    settings: DEFAULT_SETTINGS(),
    publishes: new Map(),
    uploads: new Map(),
    videos: new Map(),
    codes: new Map(),
    accessTokens: new Map(),
    refreshTokens: new Map(),
    spentRefreshTokens: new Set(),
    windows: new Map(),
  }));

/** The emulated TikTok's clock: the settings' fixed instant, or the real one. */
export const nowOf = (state: TikTokState): number => state.settings.nowMs ?? Date.now();

/** A creator as creator_info describes it: a known sandbox creator, or a made-up one for ids tests mint. */
export function creatorOf(state: TikTokState, openId: string): Creator {
  const known = SANDBOX_CREATORS.find((c) => c.openId === openId);
  const base: Creator = known ?? {
    openId,
    username: `creator${openId.replace(/[^A-Za-z0-9]/g, '').toLowerCase()}`.slice(0, 24),
    nickname: `Creator ${openId}`,
    privacyLevelOptions: [...PRIVACY_LEVELS],
    commentDisabled: false,
    duetDisabled: false,
    stitchDisabled: false,
    maxVideoPostDurationSec: 600,
  };
  return { ...base, ...state.settings.creators.get(openId), openId };
}

const MINUTE_MS = 60_000;

/**
 * Per-minute limits from TikTok's docs: video/init 6 and status/fetch 30 per user token,
 * creator_info 20 per user token; the Display API endpoints 600 per minute for the client.
 */
export const RATE_LIMITS = {
  'video/init': 6,
  'status/fetch': 30,
  'creator_info/query': 20,
  'user/info': 600,
  'video/list': 600,
  'video/query': 600,
} as const;
export type RateLimitedEndpoint = keyof typeof RATE_LIMITS;

/** Counts one request in its one-minute sliding window; false when the window is full. */
export function withinRateLimit(
  state: TikTokState,
  key: string,
  endpoint: RateLimitedEndpoint,
): boolean {
  const now = nowOf(state);
  const windowKey = `${key}:${endpoint}`;
  const recent = (state.windows.get(windowKey) ?? []).filter((at) => at > now - MINUTE_MS);
  if (recent.length >= RATE_LIMITS[endpoint]) {
    state.windows.set(windowKey, recent);
    return false;
  }
  recent.push(now);
  state.windows.set(windowKey, recent);
  return true;
}
