export * from './types.ts';
export * from './errors.ts';
export {
  createFacebookAdapter,
  DEFAULT_GRAPH_API_VERSION,
  type FacebookAdapterConfig,
} from './facebook/adapter.ts';
export {
  API_VERSION_SETTINGS,
  apiVersionLabel,
  configuredApiVersions,
  GRAPH_API_VERSIONS,
  knownApiVersion,
  linkedinApiVersion,
  sunsetStage,
  type ConfiguredApiVersion,
  type KnownApiVersion,
  type SunsetStage,
  type VersionedApi,
} from './api-versions.ts';
export {
  createInstagramAdapter,
  instagramPostTypeFor,
  type InstagramAdapterConfig,
  type InstagramPostType,
} from './instagram/adapter.ts';
export { classifyInstagramError } from './instagram/errors.ts';
export { createXAdapter, threadParts, type XAdapterConfig } from './x/adapter.ts';
export {
  createLinkedInAdapter,
  DEFAULT_LINKEDIN_API_VERSION,
  type LinkedInAdapterConfig,
} from './linkedin/adapter.ts';
export { escapeLittleText, unescapeLittleText } from './linkedin/little-text.ts';
export {
  createGoogleBusinessAdapter,
  type GoogleBusinessAdapterConfig,
} from './google-business/adapter.ts';
export { classifyGoogleBusinessError } from './google-business/errors.ts';
export {
  chunkPlan as tiktokChunkPlan,
  createTikTokAdapter,
  type TikTokAdapterConfig,
} from './tiktok/adapter.ts';
export { classifyTikTokError } from './tiktok/errors.ts';
export { createAdapterRegistry, type AdapterRegistryConfig } from './registry.ts';
export {
  createYouTubeAdapter,
  UPLOAD_CHUNK_UNIT,
  type YouTubeAdapterConfig,
} from './youtube/adapter.ts';
export { classifyYouTubeError, nextPacificMidnight } from './youtube/errors.ts';
export { YOUTUBE_SCOPES } from './youtube/google-oauth.ts';
export { planVideo as planYouTubeVideo, SHORTS_HASHTAG } from './youtube/metadata.ts';
export {
  adapterConfigFromSettings,
  pickPlatformSettings,
  platformSettingsSchema,
  type PlatformSettings,
} from './settings.ts';
