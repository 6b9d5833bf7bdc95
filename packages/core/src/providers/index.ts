export * from './types.ts';
export * from './errors.ts';
export { createFacebookAdapter, type FacebookAdapterConfig } from './facebook/adapter.ts';
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
export { createAdapterRegistry, type AdapterRegistryConfig } from './registry.ts';
export { createFacebookConnector, type FacebookConnectorConfig } from './facebook/connect.ts';
export {
  adapterConfigFromSettings,
  createConnectorRegistry,
  pickPlatformSettings,
  platformSettingsSchema,
  type PlatformSettings,
} from './settings.ts';
