// The one interface every platform adapter implements (contract version 2, docs/decisions/0013).
// Adapters speak HTTP to a configurable base URL (the real platform, or the sandbox), get
// credentials and progress handed to them, and never touch the database: the engine stores
// what they report.
import type { Platform } from '../domain/platforms.ts';
import type { PlatformRules } from '../domain/platform-rules.ts';
import type { TargetSettings } from '../domain/target-settings.ts';

/** JSON the engine stores for an adapter and hands back unchanged. */
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * What the platform has already done for this target, in the adapter's own words: an
 * Instagram container id, an upload session and its offset, the id of a post whose answer
 * we lost. Opaque to the engine; each adapter validates what it gets back, since a value
 * stored by an older version of the adapter may come back.
 */
export type ProviderProgress = { [key: string]: JsonValue };

export interface AccountCredentials {
  /** The platform's id for the account (Facebook: the Page id). */
  externalId: string;
  /** Decrypted access token for that account. */
  accessToken: string;
}

export interface PublishContent {
  /** The text to publish, already resolved for this platform. */
  caption: string;
  /**
   * The post's media in order, each the file selected for this platform (domain/media-rules
   * selectMedia), as a signed URL the platform can fetch itself. Empty for a text post; empty
   * too when reconciling, which looks posts up by their text.
   */
  media: readonly PublishMedia[];
  /**
   * What the person chose for this platform (domain/target-settings.ts): the post type, TikTok's
   * privacy, a YouTube title, a Google Business event. Already validated for the adapter's own
   * platform with parseTargetSettings; absent or `{}` means the platform's defaults.
   */
  settings?: TargetSettings;
  /** YouTube's custom thumbnail (settings.thumbnailAssetId), signed like the media. */
  thumbnail?: PublishMedia;
}

/** One file to publish, fetched by the platform (or by the adapter, to upload it) from `url`. */
export interface PublishMedia {
  assetId: string;
  kind: 'image' | 'video';
  /** The file name it was uploaded as (some platforms show or want a title). */
  name: string;
  /** Public, signed and expiring; serves the right content type and length, and ranges. */
  url: string;
  contentType: string;
  sizeBytes: number;
  width: number;
  height: number;
  /** Videos only. */
  durationMs: number | null;
}

export interface PublishRequest {
  account: AccountCredentials;
  content: PublishContent;
  /** What an earlier attempt reported; null on a first attempt. Continue from it, never redo it. */
  progress: ProviderProgress | null;
  /**
   * Report a step the platform has taken and must not take again. The engine has stored it
   * when the promise resolves, so a crash after this point resumes from here. Report the
   * whole progress each time (it replaces the last report).
   */
  saveProgress: (progress: ProviderProgress) => Promise<void>;
  signal?: AbortSignal;
}

export interface PublishedPost {
  /** The platform's id for the new post; stored so we can reconcile and never publish twice. */
  externalId: string;
  /** A link a human can open. */
  url: string;
  /**
   * Something a person should know about a post that did go out, in a sentence: a YouTube
   * custom thumbnail the platform refused, a video still processing when Herald stopped
   * waiting. Recorded with the target's `target.published` activity.
   */
  notice?: string;
}

export interface ReconcileRequest {
  account: AccountCredentials;
  content: PublishContent;
  /** The last progress the attempt reported (it may name the post outright). */
  progress: ProviderProgress | null;
  /** When the unanswered attempt ran: a post it made was created between these instants. */
  window: { from: Date; to: Date };
  signal?: AbortSignal;
}

/** What became of an attempt whose answer we never heard. */
export type ReconcileOutcome =
  | { status: 'published'; post: PublishedPost }
  | { status: 'not_published' }
  /** The platform could not tell us (it erred, or cannot be searched): a person decides. */
  | { status: 'unknown'; reason: string };

export interface RefreshTokenRequest {
  accessToken: string;
  refreshToken: string | null;
  signal?: AbortSignal;
}

export interface RefreshedToken {
  accessToken: string;
  /** Null when the platform says the token does not expire. */
  expiresAt: Date | null;
  /** A new refresh token when the platform rotates them; undefined keeps the old one. */
  refreshToken?: string | null;
}

export interface PlatformAdapter {
  readonly platform: Platform;
  /** What the platform accepts, as data (checked before any call, and in the composer). */
  readonly rules: PlatformRules;
  /**
   * Publishes once, continuing from `progress`. Failures are thrown as PublishError (see
   * ./errors.ts), never as plain errors; an AmbiguousPublishError sends the target to
   * `reconcile`, never to a blind retry.
   */
  publish(request: PublishRequest): Promise<PublishedPost>;
  /** Finds out whether an attempt we did not hear back from published. Never publishes. */
  reconcile(request: ReconcileRequest): Promise<ReconcileOutcome>;
  /** Exchanges credentials for fresh ones, where the platform has a way to. */
  refreshToken?(request: RefreshTokenRequest): Promise<RefreshedToken>;
  /**
   * The account's publishing quota as the platform counts it (Instagram's
   * content_publishing_limit), where it can be asked; null when it cannot tell now. It
   * replaces Herald's own count for that window (docs/decisions/0020).
   */
  quotaUsage?(request: {
    account: AccountCredentials;
    signal?: AbortSignal;
  }): Promise<{ used: number; cap: number; durationMs: number } | null>;
  /**
   * Likes, comments, shares and views of a published post, for the metrics snapshots taken
   * at +1 h, +24 h and +7 d. Failures are PublishErrors (auth: the token is dead; permanent:
   * the post is gone), so the task knows whether to try again.
   */
  fetchMetrics?(request: MetricsRequest): Promise<EngagementMetrics>;
  /**
   * What the account's creator may choose for a post, where the platform says so before
   * posting (TikTok's creator_info): the composer offers only these. Failures are PublishErrors.
   */
  creatorInfo?(request: {
    account: AccountCredentials;
    signal?: AbortSignal;
  }): Promise<CreatorInfo>;
}

/** The posting options a platform gives one account (TikTok's creator_info). */
export interface CreatorInfo {
  /** The creator's display name and handle, as the platform shows them. */
  nickname: string | null;
  username: string | null;
  /** The privacy levels this account may choose from, in the platform's order. */
  privacyLevels: string[];
  /** Interactions the creator switched off in the app: they stay off. */
  commentDisabled: boolean;
  duetDisabled: boolean;
  stitchDisabled: boolean;
  /** The longest video the account may post, in seconds; null when not said. */
  maxVideoSeconds: number | null;
}

/** Engagement on one published post, as the platform counts it; null where it does not say. */
export interface EngagementMetrics {
  likes: number | null;
  comments: number | null;
  shares: number | null;
  /** Impressions, or views for video platforms. */
  impressions: number | null;
  views: number | null;
}

export interface MetricsRequest {
  account: AccountCredentials;
  /** The post as publish returned it. */
  post: PublishedPost;
  signal?: AbortSignal;
}

export interface AdapterHttpConfig {
  /** e.g. https://graph.facebook.com, or the sandbox's http://127.0.0.1:4010/facebook */
  baseUrl: string;
  /** Injected for tests and instrumentation; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Per-request timeout. A timed-out publish is ambiguous: the platform may have acted. */
  timeoutMs?: number;
  /** The clock rate-limit reset times are computed from; injected by tests. */
  now?: () => Date;
}

/** One identity a person granted Herald on a platform: a Page, an organization, a location. */
export interface GrantedIdentity {
  /** The platform's id for it (becomes the account's externalId). */
  externalId: string;
  /** What people call it (a Page's name, an @handle). */
  handle: string;
  accessToken: string;
  refreshToken: string | null;
  /** Null when the platform says the token does not expire. */
  expiresAt: Date | null;
}

/**
 * A platform's OAuth flow, as Herald uses it to connect accounts: where to send the person, and
 * what to make of the code they come back with. Base URLs and app credentials are the
 * connector's configuration (the real platform, or the sandbox).
 */
export interface PlatformConnector {
  readonly platform: Platform;
  /**
   * The consent page's URL. Where the platform uses PKCE, `codeChallenge` is the S256 challenge
   * of `codeVerifier` (an OAuth library may want the verifier and derive the challenge itself).
   */
  authorizeUrl(request: {
    redirectUri: string;
    state: string;
    codeVerifier: string;
    codeChallenge: string;
  }): string;
  /**
   * Exchanges the code and lists every identity the person granted, each with its own token.
   * Failures are PublishErrors (auth: the grant was refused or expired).
   */
  complete(request: {
    code: string;
    redirectUri: string;
    codeVerifier: string;
    signal?: AbortSignal;
  }): Promise<GrantedIdentity[]>;
}
