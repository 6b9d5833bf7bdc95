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
  adapterConfigFromSettings,
  createConnectorRegistry,
  pickPlatformSettings,
  platformSettingsSchema,
  type PlatformSettings,
} from './settings.ts';
