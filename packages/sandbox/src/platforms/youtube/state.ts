// What the emulated YouTube remembers per sandbox instance: its settings and clock, the channels
// of the Google account that signs in on the consent page, OAuth grants and their tokens, upload
// sessions, videos, and the quota each API project spent per Pacific day. Everything here is
// plain data (Maps, Sets, Buffers, numbers, ISO strings) so the store can be serialised.
import type { SandboxContext } from '../../router.ts';
import type { SandboxStore } from '../../store.ts';

export interface YouTubeSettings {
  /** videos.list answers `uploaded`/`processing` this many times before the final status. */
  processingPolls: number;
  /** Quota units each API project may spend per Pacific day (Google's default: 10,000). */
  dailyQuotaUnits: number;
  /** Uploads one channel may start per rolling 24 hours before `uploadLimitExceeded`. */
  uploadsPerChannelPerDay: number;
  /** Refresh answers a new refresh token and spends the old one. */
  rotateRefreshTokens: boolean;
  /** An upload identical (same bytes) to one the channel made before ends `rejected`/`duplicate`. */
  rejectDuplicates: boolean;
}

export const DEFAULT_SETTINGS: YouTubeSettings = {
  processingPolls: 1,
  dailyQuotaUnits: 10_000,
  uploadsPerChannelPerDay: 100,
  rotateRefreshTokens: true,
  rejectDuplicates: true,
};

/** A channel of the sandbox's Google account (its own channel and its brand accounts). */
export interface SandboxChannel {
  id: string;
  title: string;
  customUrl: string;
  /** Verified channels may set custom thumbnails; others get 403 from thumbnails.set. */
  verified: boolean;
}

/**
 * The channels the consent page offers. Ids are `UC` and 22 characters, like YouTube's, without
 * `-` (the sandbox's token convention cannot carry one).
 */
export const SANDBOX_CHANNELS: readonly SandboxChannel[] = [
  {
    id: 'UCnorthwindcoffee_sbx001',
    title: 'Northwind Coffee',
    customUrl: '@northwindcoffee',
    verified: true,
  },
  {
    id: 'UCnorthwindroastery_s001',
    title: 'Northwind Roastery',
    customUrl: '@northwindroastery',
    verified: true,
  },
  {
    id: 'UCfjordoutdoor_sbx000001',
    title: 'Fjord Outdoor',
    customUrl: '@fjordoutdoor',
    verified: false,
  },
];

/** Any other channel a test mints a token for exists too, verified, named after its id. */
export function channelOf(id: string): SandboxChannel {
  return (
    SANDBOX_CHANNELS.find((c) => c.id === id) ?? {
      id,
      title: `Channel ${id}`,
      customUrl: `@${id.toLowerCase()}`,
      verified: true,
    }
  );
}

export interface Grant {
  id: string;
  channelId: string;
  clientId: string;
  scopes: string[];
  revoked: boolean;
}

export interface AuthorizationCode {
  grantId: string;
  clientId: string;
  redirectUri: string;
  codeChallenge: string | null;
  codeChallengeMethod: 'S256' | 'plain' | null;
  /** access_type=offline: the exchange also answers a refresh token. */
  offline: boolean;
  /** Epoch ms on the sandbox clock. */
  expiresAt: number;
  used: boolean;
}

export interface IssuedAccessToken {
  grantId: string;
  /** Epoch ms on the sandbox clock. */
  expiresAt: number;
}

export interface UploadSession {
  id: string;
  channelId: string;
  /** The API project (OAuth client) that started it. */
  project: string;
  /** The video resource as sent, validated. */
  snippet: VideoSnippet;
  status: { privacyStatus: string; selfDeclaredMadeForKids: boolean };
  parts: string[];
  /** X-Upload-Content-Length; null when the client did not say (it says on the last chunk). */
  totalBytes: number | null;
  contentType: string;
  chunks: Buffer[];
  received: number;
  /** Epoch ms on the sandbox clock; sessions live a week. */
  startedAt: number;
  /** Set when the last byte arrived. */
  videoId?: string;
}

export interface VideoSnippet {
  title: string;
  description: string;
  tags: string[];
  categoryId: string;
}

export type UploadStatus = 'uploaded' | 'processed' | 'failed' | 'rejected' | 'deleted';

export interface SandboxVideo {
  id: string;
  channelId: string;
  snippet: VideoSnippet;
  privacyStatus: string;
  selfDeclaredMadeForKids: boolean;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  /** ISO 8601 on the sandbox clock. */
  publishedAt: string;
  /** videos.list answers left before processing ends. */
  pollsLeft: number;
  /** Where processing ends. */
  outcome:
    | { uploadStatus: 'processed' }
    | { uploadStatus: 'failed'; failureReason: string }
    | { uploadStatus: 'rejected'; rejectionReason: string };
  /** Whether thumbnails.set gave it a custom thumbnail (the bytes are recorded media). */
  customThumbnail: boolean;
}

export interface YouTubeState {
  settings: YouTubeSettings;
  /** Added to Date.now(): tests move the sandbox's clock forward (`/__sandbox/clock`). */
  clockOffsetMs: number;
  codes: Map<string, AuthorizationCode>;
  grants: Map<string, Grant>;
  accessTokens: Map<string, IssuedAccessToken>;
  /** Live refresh tokens → their grant. */
  refreshTokens: Map<string, string>;
  /** Refresh tokens already exchanged (rotation) or revoked: they fail from then on. */
  spentRefreshTokens: Set<string>;
  sessions: Map<string, UploadSession>;
  videos: Map<string, SandboxVideo>;
  /** `${project}:${Pacific day}` → units spent. */
  quotaUsed: Map<string, number>;
  /** channel → epoch ms of each upload it started (for uploadLimitExceeded). */
  uploadsStarted: Map<string, number[]>;
}

export const youtubeState = (store: SandboxStore): YouTubeState =>
  store.platformState<YouTubeState>('youtube', () => ({
    settings: { ...DEFAULT_SETTINGS },
    clockOffsetMs: 0,
    codes: new Map(),
    grants: new Map(),
    accessTokens: new Map(),
    refreshTokens: new Map(),
    spentRefreshTokens: new Set(),
    sessions: new Map(),
    videos: new Map(),
    quotaUsed: new Map(),
    uploadsStarted: new Map(),
  }));

/** Now on the sandbox's YouTube clock (real time plus whatever tests moved it by). */
export const nowMs = (ctx: SandboxContext): number =>
  Date.now() + youtubeState(ctx.store).clockOffsetMs;

const PACIFIC_DAY = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/Los_Angeles',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The Pacific calendar day of an instant (quotas reset at midnight Pacific Time). */
export const pacificDay = (ms: number): string => PACIFIC_DAY.format(new Date(ms));

/** YouTube ids are 11 characters of the URL-safe base64 alphabet. */
export function newVideoId(state: YouTubeState): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  for (;;) {
    let id = '';
    for (let i = 0; i < 11; i += 1) id += alphabet[Math.floor(Math.random() * alphabet.length)];
    if (!state.videos.has(id)) return id;
  }
}
