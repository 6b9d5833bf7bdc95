// The platforms' settings as the apps read them from their environment, and the one function
// that turns them into the adapter registry's configuration. No process.env here: each app's
// env.ts extends its schema with `platformSettingsSchema.shape` (as with storage settings).
// Defaults are the real platforms; `pnpm dev` and the tests point them at the sandbox.
import { z } from 'zod';
import type { Platform } from '../domain/platforms.ts';
import { DEFAULT_GRAPH_API_VERSION } from './facebook/adapter.ts';
import { createFacebookConnector } from './facebook/connect.ts';
import type { AdapterRegistryConfig } from './registry.ts';
import type { PlatformConnector } from './types.ts';

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
  /** Instagram's Graph API (graph.facebook.com as well); the Meta app's credentials exchange tokens. */
  INSTAGRAM_GRAPH_URL: url('https://graph.facebook.com'),
  META_APP_ID: optional,
  META_APP_SECRET: optional,
  X_API_URL: url('https://api.x.com'),
  /** The X app's OAuth 2.0 client: refreshing tokens needs the id (and the secret, if confidential). */
  X_CLIENT_ID: optional,
  X_CLIENT_SECRET: optional,
  LINKEDIN_API_URL: url('https://api.linkedin.com'),
  /** Where LinkedIn's OAuth token endpoint is; unset: www.linkedin.com for the real API. */
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
  };
}

/**
 * The platforms whose accounts can be connected through OAuth, as the settings allow (each
 * needs its app's credentials); null for a platform that cannot be connected here.
 */
export function createConnectorRegistry(
  s: PlatformSettings,
): (platform: Platform) => PlatformConnector | null {
  const connectors: Partial<Record<Platform, PlatformConnector>> = {
    ...(s.FACEBOOK_APP_ID && s.FACEBOOK_APP_SECRET
      ? {
          facebook: createFacebookConnector({
            appId: s.FACEBOOK_APP_ID,
            appSecret: s.FACEBOOK_APP_SECRET,
            baseUrl: s.FACEBOOK_GRAPH_URL,
            dialogUrl: s.FACEBOOK_DIALOG_URL,
            apiVersion: s.FACEBOOK_GRAPH_VERSION,
          }),
        }
      : {}),
  };
  return (platform) => connectors[platform] ?? null;
}
