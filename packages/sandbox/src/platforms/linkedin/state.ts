// What the emulated LinkedIn remembers beyond the shared post list: images and videos and their
// upload state, each post as the Posts API returns it (raw little-text commentary, timestamps),
// when each refresh token was first seen (its 365 days run from there), what the consent page
// granted (authorization codes, and the member and organizations each token speaks for), and
// the sandbox-only settings of video uploads. Plain data only (Maps, arrays, Buffers, numbers):
// the sandbox may serialise it to disk.
import type { SandboxStore } from '../../store.ts';

export interface LinkedInImage {
  urn: string;
  owner: string;
  /** The Images API's states; the sandbox has no processing delay after an upload. */
  status: 'WAITING_UPLOAD' | 'AVAILABLE';
}

/** One part of a video upload, as `initializeUpload` laid it out (byte positions inclusive). */
export interface LinkedInVideoPart {
  firstByte: number;
  lastByte: number;
  /** The secret in the part's pre-signed upload URL. */
  signature: string;
  /** What the part's PUT answered in its ETag header, once its bytes arrived. */
  etag?: string;
  bytes?: Buffer;
}

export interface LinkedInVideo {
  urn: string;
  owner: string;
  fileSizeBytes: number;
  uploadToken: string;
  /** Epoch ms after which the upload URLs no longer take bytes. */
  uploadUrlsExpireAt: number;
  parts: LinkedInVideoPart[];
  /** The Videos API's states. */
  status: 'WAITING_UPLOAD' | 'PROCESSING' | 'AVAILABLE' | 'PROCESSING_FAILED';
  /** Status reads answered PROCESSING so far (processing takes `videoProcessingPolls` of them). */
  polls: number;
  /** Decided at finalize from the bytes: an MP4 becomes AVAILABLE, anything else fails. */
  outcome?: 'AVAILABLE' | 'PROCESSING_FAILED';
  processingFailureReason?: string;
}

/** Sandbox-only knobs (`POST /linkedin/__sandbox/settings`), so tests need no wall clock. */
export interface LinkedInSettings {
  /** How `initializeUpload` splits a video into parts (LinkedIn: 4 MiB). */
  videoPartBytes: number;
  /** Status reads that answer PROCESSING after finalize before the outcome shows. */
  videoProcessingPolls: number;
}

export const DEFAULT_LINKEDIN_SETTINGS: LinkedInSettings = {
  videoPartBytes: 4 * 1024 * 1024,
  videoProcessingPolls: 1,
};

export interface LinkedInPost {
  id: string;
  author: string;
  /** As sent: little text, escapes and all. */
  commentary: string;
  visibility: string;
  distribution: unknown;
  lifecycleState: string;
  isReshareDisabledByAuthor: boolean;
  content?: unknown;
  /** Epoch milliseconds, as the Posts API gives times. */
  createdAt: number;
  lastModifiedAt: number;
}

export interface LinkedInState {
  images: Map<string, LinkedInImage>;
  videos: Map<string, LinkedInVideo>;
  settings: LinkedInSettings;
  posts: LinkedInPost[];
  /** Refresh token → when it expires (epoch ms), fixed when issued or at its first use. */
  refreshTokens: Map<string, number>;
  /** Authorization codes the consent page handed out (./oauth.ts). */
  codes: Map<string, LinkedInAuthorizationCode>;
  /**
   * Access tokens the token endpoint issued: what they grant and when they expire. Tokens
   * minted by the convention (tests, the seed) are not here: they speak for their own URN only
   * and do not expire.
   */
  accessTokens: Map<string, LinkedInGrant & { expiresAt: number }>;
  /** Refresh token → what the access tokens it mints grant (issued ones only). */
  refreshGrants: Map<string, LinkedInGrant>;
}

/** What a member granted on the consent page. */
export interface LinkedInGrant {
  /** `urn:li:person:{sub}`. */
  member: string;
  /** `urn:li:organization:{id}` URNs the member chose (among those they administer). */
  organizations: string[];
  /** Space-separated scopes. */
  scope: string;
}

export interface LinkedInAuthorizationCode {
  clientId: string;
  redirectUri: string;
  grant: LinkedInGrant;
  /** Epoch ms. */
  expiresAt: number;
  used: boolean;
}

export function linkedinState(store: SandboxStore): LinkedInState {
  const state = store.platformState<LinkedInState>('linkedin', () => ({
    images: new Map(),
    videos: new Map(),
    settings: { ...DEFAULT_LINKEDIN_SETTINGS },
    posts: [],
    refreshTokens: new Map(),
    codes: new Map(),
    accessTokens: new Map(),
    refreshGrants: new Map(),
  }));
  // State saved before videos were emulated lacks them.
  state.videos ??= new Map();
  state.settings ??= { ...DEFAULT_LINKEDIN_SETTINGS };
  return state;
}
