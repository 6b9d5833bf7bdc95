export * from './types.ts';
export * from './errors.ts';
export { createFacebookAdapter, type FacebookAdapterConfig } from './facebook/adapter.ts';
export {
  createInstagramAdapter,
  instagramPostTypeFor,
  type InstagramAdapterConfig,
  type InstagramPostType,
  type InstagramPublishRequest,
} from './instagram/adapter.ts';
export { classifyInstagramError } from './instagram/errors.ts';
export { createXAdapter, threadParts, type XAdapterConfig } from './x/adapter.ts';
export {
  createLinkedInAdapter,
  DEFAULT_LINKEDIN_API_VERSION,
  type LinkedInAdapterConfig,
} from './linkedin/adapter.ts';
export { escapeLittleText, unescapeLittleText } from './linkedin/little-text.ts';
export { createAdapterRegistry, type AdapterRegistryConfig } from './registry.ts';
export { createFacebookConnector, type FacebookConnectorConfig } from './facebook/connect.ts';
export {
  createYouTubeAdapter,
  UPLOAD_CHUNK_UNIT,
  type YouTubeAdapterConfig,
} from './youtube/adapter.ts';
export {
  createYouTubeConnector,
  type YouTubeConnector,
  type YouTubeConnectorConfig,
} from './youtube/connect.ts';
export { classifyYouTubeError, nextPacificMidnight } from './youtube/errors.ts';
export { YOUTUBE_SCOPES } from './youtube/google-oauth.ts';
export { planVideo as planYouTubeVideo, SHORTS_HASHTAG } from './youtube/metadata.ts';
export {
  adapterConfigFromSettings,
  createConnectorRegistry,
  pickPlatformSettings,
  platformSettingsSchema,
  type PlatformSettings,
} from './settings.ts';
