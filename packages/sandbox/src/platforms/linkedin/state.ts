// What the emulated LinkedIn remembers beyond the shared post list: images and their upload
// state, each post as the Posts API returns it (raw little-text commentary, timestamps), and
// when each refresh token was first seen (its 365 days run from there).
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
  /** Refresh token → when it expires (epoch ms), fixed at its first use. */
  refreshTokens: Map<string, number>;
}

export const linkedinState = (store: SandboxStore): LinkedInState =>
  store.platformState<LinkedInState>('linkedin', () => ({
    images: new Map(),
    posts: [],
    refreshTokens: new Map(),
  }));
