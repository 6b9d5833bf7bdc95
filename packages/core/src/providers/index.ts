export * from './types.ts';
export * from './errors.ts';
export { createFacebookAdapter, type FacebookAdapterConfig } from './facebook/adapter.ts';
export {
  createLinkedInAdapter,
  DEFAULT_LINKEDIN_API_VERSION,
  type LinkedInAdapterConfig,
} from './linkedin/adapter.ts';
export { escapeLittleText, unescapeLittleText } from './linkedin/little-text.ts';
export { createAdapterRegistry, type AdapterRegistryConfig } from './registry.ts';
