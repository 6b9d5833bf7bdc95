// The platforms' settings as the apps read them from their environment, and the one function
// that turns them into the adapter registry's configuration. No process.env here: each app's
// env.ts extends its schema with `platformSettingsSchema.shape` (as with storage settings).
// Defaults are the real platforms; `pnpm dev` and the tests point them at the sandbox.
import { z } from 'zod';
import { DEFAULT_GRAPH_API_VERSION } from './facebook/adapter.ts';
import type { AdapterRegistryConfig } from './registry.ts';

const url = (fallback: string) => z.url().default(fallback);
const optional = z.preprocess((v) => (v === '' ? undefined : v), z.string().min(1).optional());
const version = (pattern: RegExp, fallback: string) => z.string().regex(pattern).default(fallback);

export const platformSettingsSchema = z.object({
  FACEBOOK_GRAPH_URL: url('https://graph.facebook.com'),
  FACEBOOK_GRAPH_VERSION: version(/^v\d+\.\d+$/, DEFAULT_GRAPH_API_VERSION),
  /** A Graph call unanswered after this long is given up on (and reconciled). */
  FACEBOOK_GRAPH_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(30_000),
  /** Facebook Login for connecting Pages: the Meta app, and where its OAuth dialog is. */
  FACEBOOK_APP_ID: optional,
  FACEBOOK_APP_SECRET: optional,
  FACEBOOK_DIALOG_URL: url('https://www.facebook.com'),
  /**
   * Instagram's Graph API (graph.facebook.com as well); the Meta app's credentials exchange
   * tokens, and connect accounts through FACEBOOK_DIALOG_URL's dialog.
   */
  INSTAGRAM_GRAPH_URL: url('https://graph.facebook.com'),
  META_APP_ID: optional,
  META_APP_SECRET: optional,
  X_API_URL: url('https://api.x.com'),
  /** Where X's consent page is, as browsers reach it (x.com/i/oauth2/authorize). */
  X_OAUTH_URL: url('https://x.com'),
  /**
   * The X app's OAuth 2.0 client: refreshing tokens needs the id (and the secret, if
   * confidential); connecting accounts needs both.
   */
  X_CLIENT_ID: optional,
  X_CLIENT_SECRET: optional,
  LINKEDIN_API_URL: url('https://api.linkedin.com'),
  /** Where LinkedIn's consent page is, as browsers reach it (/oauth/v2/authorization). */
  LINKEDIN_AUTH_URL: url('https://www.linkedin.com'),
  /**
   * Where LinkedIn's OAuth token endpoint is, as the server reaches it; unset: www.linkedin.com
   * for the real API, LINKEDIN_API_URL otherwise (the sandbox).
   */
  LINKEDIN_OAUTH_URL: z.preprocess((v) => (v === '' ? undefined : v), z.url().optional()),
  /** `LinkedIn-Version` (YYYYMM); LinkedIn sunsets each version after about a year. */
  LINKEDIN_API_VERSION: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .regex(/^\d{6}$/)
      .optional(),
  ),
  LINKEDIN_CLIENT_ID: optional,
  LINKEDIN_CLIENT_SECRET: optional,
  // Google Business Profile spans several Google hosts; in development every one of them is the
  // sandbox's /google_business, which serves each at its real path.
  /** Local posts: the My Business v4 API (mybusiness.googleapis.com/v4/accounts/…/localPosts). */
  GOOGLE_BUSINESS_API_URL: url('https://mybusiness.googleapis.com'),
  GOOGLE_BUSINESS_API_VERSION: version(/^v\d+$/, 'v4'),
  /** Listing the accounts a person manages when connecting (GET /v1/accounts). */
  GOOGLE_BUSINESS_ACCOUNT_MANAGEMENT_URL: url('https://mybusinessaccountmanagement.googleapis.com'),
  /** Listing each account's locations when connecting (GET /v1/{account}/locations). */
  GOOGLE_BUSINESS_INFORMATION_URL: url('https://mybusinessbusinessinformation.googleapis.com'),
  /** Google's consent page (/o/oauth2/v2/auth). */
  GOOGLE_BUSINESS_OAUTH_URL: url('https://accounts.google.com'),
  /** Google's token and revoke endpoints (/token, /revoke). */
  GOOGLE_BUSINESS_TOKEN_URL: url('https://oauth2.googleapis.com'),
  /** The Google Cloud OAuth web client with the Business Profile APIs enabled. */
  GOOGLE_BUSINESS_CLIENT_ID: optional,
  GOOGLE_BUSINESS_CLIENT_SECRET: optional,
  /** TikTok's API (open.tiktokapis.com: Content Posting, Display and OAuth token endpoints). */
  TIKTOK_API_URL: url('https://open.tiktokapis.com'),
  /** Where TikTok's consent page is (www.tiktok.com/v2/auth/authorize/). */
  TIKTOK_AUTH_URL: url('https://www.tiktok.com'),
  TIKTOK_API_VERSION: version(/^v\d+$/, 'v2'),
  /** The TikTok app: TikTok calls its client id the client key. */
  TIKTOK_CLIENT_KEY: optional,
  TIKTOK_CLIENT_SECRET: optional,
  /** Let TikTok fetch videos from Herald's media URLs (their domain must be verified with TikTok). */
  TIKTOK_PULL_FROM_URL: z
    .enum(['true', 'false', '1', '0', ''])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  /** The YouTube Data API's host (www.googleapis.com; it serves /youtube/v3 and /upload/youtube/v3). */
  YOUTUBE_API_URL: url('https://www.googleapis.com'),
  YOUTUBE_API_VERSION: version(/^v\d+$/, 'v3'),
  /** Google's consent page host, and its token/revoke host. */
  YOUTUBE_OAUTH_URL: url('https://accounts.google.com'),
  YOUTUBE_TOKEN_URL: url('https://oauth2.googleapis.com'),
  /** The Google Cloud project's OAuth client (web application) with the YouTube Data API enabled. */
  YOUTUBE_CLIENT_ID: optional,
  YOUTUBE_CLIENT_SECRET: optional,
});

export type PlatformSettings = z.output<typeof platformSettingsSchema>;

/** Picks the platform settings out of an app's parsed environment. */
export function pickPlatformSettings(env: PlatformSettings): PlatformSettings {
  const keys = Object.keys(platformSettingsSchema.shape) as (keyof PlatformSettings)[];
  return Object.fromEntries(keys.map((key) => [key, env[key]])) as PlatformSettings;
}

/** Every adapter Herald has, pointed where the settings say. */
export function adapterConfigFromSettings(s: PlatformSettings): AdapterRegistryConfig {
  const both = <K extends string>(a: K, x: string | undefined, b: K, y: string | undefined) =>
    x && y ? ({ [a]: x, [b]: y } as Record<K, string>) : {};
  return {
    facebook: {
      baseUrl: s.FACEBOOK_GRAPH_URL,
      apiVersion: s.FACEBOOK_GRAPH_VERSION,
      timeoutMs: s.FACEBOOK_GRAPH_TIMEOUT_MS,
    },
    instagram: {
      baseUrl: s.INSTAGRAM_GRAPH_URL,
      apiVersion: s.FACEBOOK_GRAPH_VERSION,
      ...both('appId', s.META_APP_ID, 'appSecret', s.META_APP_SECRET),
    },
    x: {
      baseUrl: s.X_API_URL,
      ...(s.X_CLIENT_ID ? { clientId: s.X_CLIENT_ID } : {}),
      ...(s.X_CLIENT_SECRET ? { clientSecret: s.X_CLIENT_SECRET } : {}),
    },
    linkedin: {
      baseUrl: s.LINKEDIN_API_URL,
      ...(s.LINKEDIN_OAUTH_URL ? { oauthBaseUrl: s.LINKEDIN_OAUTH_URL } : {}),
      ...(s.LINKEDIN_API_VERSION ? { apiVersion: s.LINKEDIN_API_VERSION } : {}),
      ...both('clientId', s.LINKEDIN_CLIENT_ID, 'clientSecret', s.LINKEDIN_CLIENT_SECRET),
    },
    google_business: {
      baseUrl: s.GOOGLE_BUSINESS_API_URL,
      apiVersion: s.GOOGLE_BUSINESS_API_VERSION,
      tokenUrl: s.GOOGLE_BUSINESS_TOKEN_URL,
      ...both(
        'clientId',
        s.GOOGLE_BUSINESS_CLIENT_ID,
        'clientSecret',
        s.GOOGLE_BUSINESS_CLIENT_SECRET,
      ),
    },
    tiktok: {
      baseUrl: s.TIKTOK_API_URL,
      apiVersion: s.TIKTOK_API_VERSION,
      pullFromUrl: s.TIKTOK_PULL_FROM_URL,
      ...both('clientKey', s.TIKTOK_CLIENT_KEY, 'clientSecret', s.TIKTOK_CLIENT_SECRET),
    },
    youtube: {
      baseUrl: s.YOUTUBE_API_URL,
      apiVersion: s.YOUTUBE_API_VERSION,
      ...(s.YOUTUBE_CLIENT_ID && s.YOUTUBE_CLIENT_SECRET
        ? {
            oauth: {
              clientId: s.YOUTUBE_CLIENT_ID,
              clientSecret: s.YOUTUBE_CLIENT_SECRET,
              tokenUrl: s.YOUTUBE_TOKEN_URL,
            },
          }
        : {}),
    },
  };
}
