// The platforms' OAuth connectors (../connections service), and the registry the web app builds
// from the settings. Its own package subpath (@herald/core/connectors), apart from ./index.ts:
// the worker, which never connects accounts, then does not bundle the OAuth client (arctic).
import type { Platform } from '../domain/platforms.ts';
import { createFacebookConnector } from './facebook/connect.ts';
import { createGoogleBusinessConnector } from './google-business/connect.ts';
import { createInstagramConnector } from './instagram/connect.ts';
import { createLinkedInConnector } from './linkedin/connect.ts';
import type { PlatformSettings } from './settings.ts';
import { createTikTokConnector } from './tiktok/connect.ts';
import type { PlatformConnector } from './types.ts';
import { createXConnector } from './x/connect.ts';
import { createYouTubeConnector } from './youtube/connect.ts';

export { createFacebookConnector, type FacebookConnectorConfig } from './facebook/connect.ts';
export {
  createGoogleBusinessConnector,
  type GoogleBusinessConnector,
  type GoogleBusinessConnectorConfig,
} from './google-business/connect.ts';
export { GOOGLE_BUSINESS_SCOPE } from './google-business/oauth.ts';
export {
  createInstagramConnector,
  INSTAGRAM_SCOPES,
  type InstagramConnectorConfig,
} from './instagram/connect.ts';
export {
  createLinkedInConnector,
  LINKEDIN_SCOPES,
  type LinkedInConnectorConfig,
} from './linkedin/connect.ts';
export {
  createTikTokConnector,
  type TikTokConnector,
  type TikTokConnectorConfig,
} from './tiktok/connect.ts';
export { revokeTikTokToken, TIKTOK_SCOPES } from './tiktok/oauth.ts';
export {
  createYouTubeConnector,
  type YouTubeConnector,
  type YouTubeConnectorConfig,
} from './youtube/connect.ts';
export { createXConnector, X_SCOPES, type XConnectorConfig } from './x/connect.ts';

/**
 * The platforms whose accounts can be connected through OAuth, as the settings allow (each
 * needs its app's credentials); null for a platform that cannot be connected here.
 */
export function createConnectorRegistry(
  s: PlatformSettings,
): (platform: Platform) => PlatformConnector | null {
  const connectors: Partial<Record<Platform, PlatformConnector>> = {};
  if (s.FACEBOOK_APP_ID && s.FACEBOOK_APP_SECRET) {
    connectors.facebook = createFacebookConnector({
      appId: s.FACEBOOK_APP_ID,
      appSecret: s.FACEBOOK_APP_SECRET,
      baseUrl: s.FACEBOOK_GRAPH_URL,
      dialogUrl: s.FACEBOOK_DIALOG_URL,
      apiVersion: s.FACEBOOK_GRAPH_VERSION,
    });
  }
  if (s.META_APP_ID && s.META_APP_SECRET) {
    connectors.instagram = createInstagramConnector({
      appId: s.META_APP_ID,
      appSecret: s.META_APP_SECRET,
      baseUrl: s.INSTAGRAM_GRAPH_URL,
      dialogUrl: s.FACEBOOK_DIALOG_URL,
      apiVersion: s.FACEBOOK_GRAPH_VERSION,
    });
  }
  if (s.X_CLIENT_ID && s.X_CLIENT_SECRET) {
    connectors.x = createXConnector({
      clientId: s.X_CLIENT_ID,
      clientSecret: s.X_CLIENT_SECRET,
      baseUrl: s.X_API_URL,
      oauthUrl: s.X_OAUTH_URL,
    });
  }
  if (s.LINKEDIN_CLIENT_ID && s.LINKEDIN_CLIENT_SECRET) {
    connectors.linkedin = createLinkedInConnector({
      clientId: s.LINKEDIN_CLIENT_ID,
      clientSecret: s.LINKEDIN_CLIENT_SECRET,
      baseUrl: s.LINKEDIN_API_URL,
      authUrl: s.LINKEDIN_AUTH_URL,
      ...(s.LINKEDIN_OAUTH_URL ? { oauthBaseUrl: s.LINKEDIN_OAUTH_URL } : {}),
      ...(s.LINKEDIN_API_VERSION ? { apiVersion: s.LINKEDIN_API_VERSION } : {}),
    });
  }
  if (s.GOOGLE_BUSINESS_CLIENT_ID && s.GOOGLE_BUSINESS_CLIENT_SECRET) {
    connectors.google_business = createGoogleBusinessConnector({
      clientId: s.GOOGLE_BUSINESS_CLIENT_ID,
      clientSecret: s.GOOGLE_BUSINESS_CLIENT_SECRET,
      oauthUrl: s.GOOGLE_BUSINESS_OAUTH_URL,
      tokenUrl: s.GOOGLE_BUSINESS_TOKEN_URL,
      accountManagementUrl: s.GOOGLE_BUSINESS_ACCOUNT_MANAGEMENT_URL,
      businessInformationUrl: s.GOOGLE_BUSINESS_INFORMATION_URL,
    });
  }
  if (s.TIKTOK_CLIENT_KEY && s.TIKTOK_CLIENT_SECRET) {
    connectors.tiktok = createTikTokConnector({
      clientKey: s.TIKTOK_CLIENT_KEY,
      clientSecret: s.TIKTOK_CLIENT_SECRET,
      baseUrl: s.TIKTOK_API_URL,
      authorizeBaseUrl: s.TIKTOK_AUTH_URL,
      apiVersion: s.TIKTOK_API_VERSION,
    });
  }
  if (s.YOUTUBE_CLIENT_ID && s.YOUTUBE_CLIENT_SECRET) {
    connectors.youtube = createYouTubeConnector({
      clientId: s.YOUTUBE_CLIENT_ID,
      clientSecret: s.YOUTUBE_CLIENT_SECRET,
      authorizeUrl: s.YOUTUBE_OAUTH_URL,
      tokenUrl: s.YOUTUBE_TOKEN_URL,
      baseUrl: s.YOUTUBE_API_URL,
      apiVersion: s.YOUTUBE_API_VERSION,
    });
  }
  return (platform) => connectors[platform] ?? null;
}
