// What the emulated Google Business Profile remembers per sandbox instance: its settings, the
// local posts (as the v4 API returns them, plus how many reads each stays PROCESSING), the OAuth
// codes, grants and tokens it issued, and the request counters behind its quotas. Plain data
// only (maps of objects, strings, numbers), so the sandbox can persist it.
import type { SandboxStore } from '../../store.ts';

export interface GbpSettings {
  /**
   * How many reads a post under review (one with a photo, or one Google's policy will refuse)
   * answers PROCESSING before it turns LIVE or REJECTED. Reads, never wall-clock time.
   */
  processingPolls: number;
  /** Requests per minute for the whole project (Google's default quota: 300 QPM). */
  requestsPerMinute: number;
  /** Local posts one location may create per (Pacific) day; null: no such limit. */
  dailyPostsPerLocation: number | null;
  /**
   * Google does not rotate refresh tokens (the refresh answer carries none). Set, the token
   * endpoint rotates them like other platforms do, so a client's handling of a new one can be
   * exercised; a spent one then fails with invalid_grant.
   */
  rotateRefreshTokens: boolean;
}

export const DEFAULT_SETTINGS: GbpSettings = {
  processingPolls: 1,
  requestsPerMinute: 300,
  dailyPostsPerLocation: null,
  rotateRefreshTokens: false,
};

export interface GoogleDate {
  year: number;
  month: number;
  day: number;
}

export interface TimeOfDay {
  hours?: number;
  minutes?: number;
  seconds?: number;
  nanos?: number;
}

/** A LocalPost as the v4 API returns it (output fields included). */
export interface LocalPost {
  name: string;
  languageCode?: string;
  summary?: string;
  callToAction?: { actionType: string; url?: string };
  createTime: string;
  updateTime: string;
  event?: {
    title?: string;
    schedule?: {
      startDate?: GoogleDate;
      startTime?: TimeOfDay;
      endDate?: GoogleDate;
      endTime?: TimeOfDay;
    };
  };
  state: 'PROCESSING' | 'LIVE' | 'REJECTED';
  media?: Array<{ name: string; mediaFormat: 'PHOTO'; sourceUrl: string; googleUrl: string }>;
  searchUrl: string;
  topicType: string;
  alertType?: string;
  offer?: { couponCode?: string; redeemOnlineUrl?: string; termsConditions?: string };
}

export interface StoredPost {
  post: LocalPost;
  /** `accounts/{a}/locations/{l}`. */
  location: string;
  /** Reads left before the review ends. */
  pollsLeft: number;
  /** What the review decides. */
  verdict: 'LIVE' | 'REJECTED';
  /** The photo kept for it (a RecordedMedia id), if any. */
  mediaId: string | null;
}

export interface AuthorizationCode {
  clientId: string;
  redirectUri: string;
  userId: string;
  scope: string;
  /** The PKCE challenge and its method, when the consent URL carried one. */
  challenge: string | null;
  method: 'S256' | 'plain' | null;
  /** access_type=offline: the exchange also answers a refresh token. */
  offline: boolean;
  expiresAt: number;
  used: boolean;
}

/** One consent: every access and refresh token issued from it dies when it is revoked. */
export interface Grant {
  userId: string;
  clientId: string;
  scope: string;
  revoked: boolean;
}

export interface GbpState {
  settings: GbpSettings;
  /** By post name, oldest first. */
  posts: Map<string, StoredPost>;
  codes: Map<string, AuthorizationCode>;
  grants: Map<string, Grant>;
  /** Access tokens issued here → their grant and when they expire (epoch ms). */
  accessTokens: Map<string, { grantId: string; expiresAt: number }>;
  /** Refresh tokens issued here → their grant, and whether rotation spent them. */
  refreshTokens: Map<string, { grantId: string; spent: boolean }>;
  /** The project's current one-minute quota window (started by its first request). */
  minute: { startedAt: number; used: number } | null;
  /** Posts created per `${location} ${Pacific date}`. */
  dailyPosts: Map<string, number>;
}

export const gbpState = (store: SandboxStore): GbpState =>
  store.platformState<GbpState>('google_business', () => ({
    settings: { ...DEFAULT_SETTINGS },
    posts: new Map(),
    codes: new Map(),
    grants: new Map(),
    accessTokens: new Map(),
    refreshTokens: new Map(),
    minute: null,
    dailyPosts: new Map(),
  }));

/** The calendar day in Pacific Time, when Google's daily quotas reset. */
export function pacificDate(at: number): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'America/Los_Angeles',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}
