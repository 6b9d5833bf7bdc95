// What the emulated LinkedIn remembers beyond the shared post list: images and their upload
// state, each post as the Posts API returns it (raw little-text commentary, timestamps), and
// when each refresh token was first seen (its 365 days run from there), and what the consent
// page granted: authorization codes, and the member and organizations each token speaks for.
import type { SandboxStore } from '../../store.ts';

export interface LinkedInImage {
  urn: string;
  owner: string;
  /** The Images API's states; the sandbox has no processing delay after an upload. */
  status: 'WAITING_UPLOAD' | 'AVAILABLE';
}

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

export const linkedinState = (store: SandboxStore): LinkedInState =>
  store.platformState<LinkedInState>('linkedin', () => ({
    images: new Map(),
    posts: [],
    refreshTokens: new Map(),
    codes: new Map(),
    accessTokens: new Map(),
    refreshGrants: new Map(),
  }));
