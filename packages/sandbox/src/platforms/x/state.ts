// What the emulated X remembers per sandbox instance (the posts' thread links and rendered
// text, upload sessions, rate-limit windows and spent refresh tokens), and its settings.
import { z } from 'zod';
import type { SandboxStore } from '../../store.ts';

/**
 * The sandbox's knobs for X (startSandbox's `platformSettings.x`, or
 * `POST /__sandbox/settings/x`); they reach the handlers as `ctx.platformSettings.x`.
 */
export const XSettings = z.strictObject({
  /** STATUS answers `in_progress` this many times before `succeeded` (or `failed`). */
  processingPolls: z.int().min(0).max(100).default(2),
  /** What `processing_info.check_after_secs` says. */
  checkAfterSecs: z.int().min(0).max(600).default(1),
  /** Posts one user may create per 15-minute window (X documents 100 for POST /2/tweets). */
  tweetsPer15Min: z.int().min(1).default(100),
});
export type XSettings = z.infer<typeof XSettings>;

export interface XTweet {
  id: string;
  authorId: string;
  /** The text as X returns it (escaped, t.co links). */
  text: string;
  /** The text as it was sent (duplicate checks compare this). */
  sentText: string;
  inReplyTo?: string;
  conversationId: string;
  mediaIds: string[];
  createdAt: string;
}

export interface UploadSession {
  id: string;
  ownerId: string;
  mediaType: string;
  category: string;
  totalBytes: number;
  segments: Map<number, Buffer>;
  /** Set by FINALIZE. */
  finalized: boolean;
  /** STATUS calls answered since FINALIZE. */
  polls: number;
  /** Why processing fails, decided at FINALIZE. */
  failure?: string;
  /** Usable in a post: a processed video, or an image uploaded in one go. */
  ready: boolean;
  kind: 'image' | 'video';
  contentType: string;
  bytes?: Buffer;
  usedBy?: string;
}

export interface XState {
  tweets: Map<string, XTweet>;
  uploads: Map<string, UploadSession>;
  /** `${user}:${endpoint}` → the current 15-minute window. */
  windows: Map<string, { resetAt: number; used: number }>;
  /** Refresh tokens already exchanged: X rotates them, and a spent one fails. */
  spentRefreshTokens: Set<string>;
  /** Authorization codes the consent page handed out (./oauth.ts). */
  codes: Map<string, XAuthorizationCode>;
  /**
   * Access tokens the token endpoint issued → when they expire (epoch ms). Tokens minted by
   * the convention (tests, the seed) are not here and do not expire.
   */
  accessTokens: Map<string, number>;
}

export interface XAuthorizationCode {
  clientId: string;
  redirectUri: string;
  userId: string;
  scope: string;
  codeChallenge: string;
  codeChallengeMethod: 'S256' | 'plain';
  /** Epoch ms. */
  expiresAt: number;
  used: boolean;
}

export const xState = (store: SandboxStore): XState =>
  store.platformState<XState>('x', () => ({
    tweets: new Map(),
    uploads: new Map(),
    windows: new Map(),
    spentRefreshTokens: new Set(),
    codes: new Map(),
    accessTokens: new Map(),
  }));

const WINDOW_MS = 15 * 60_000;

/** Per-user limits per 15 minutes for the endpoints emulated (X's rate-limit table, ◐). */
const LIMITS: Record<string, (settings: XSettings) => number> = {
  'POST /2/tweets': (s) => s.tweetsPer15Min,
  'GET /2/users/:id/tweets': () => 900,
  'GET /2/users/me': () => 75,
  'POST /2/media/upload': () => 500,
  'GET /2/media/upload': () => 1000,
};

export interface RateWindow {
  exceeded: boolean;
  headers: Record<string, string>;
}

/** Counts one request against the user's window for `endpoint`; every answer carries the headers. */
export function hitRateLimit(
  state: XState,
  settings: XSettings,
  userId: string,
  endpoint: string,
  now = Date.now(),
): RateWindow {
  const limit = (LIMITS[endpoint] ?? (() => 900))(settings);
  const key = `${userId}:${endpoint}`;
  let window = state.windows.get(key);
  if (!window || window.resetAt <= now) {
    window = { resetAt: now + WINDOW_MS, used: 0 };
    state.windows.set(key, window);
  }
  const exceeded = window.used >= limit;
  if (!exceeded) window.used += 1;
  return {
    exceeded,
    headers: {
      'x-rate-limit-limit': String(limit),
      'x-rate-limit-remaining': String(Math.max(0, limit - window.used)),
      'x-rate-limit-reset': String(Math.ceil(window.resetAt / 1000)),
    },
  };
}
