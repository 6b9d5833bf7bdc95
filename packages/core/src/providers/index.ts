export * from './types.ts';
export * from './errors.ts';
export { createFacebookAdapter, type FacebookAdapterConfig } from './facebook/adapter.ts';
export { createXAdapter, threadParts, type XAdapterConfig } from './x/adapter.ts';
export { createAdapterRegistry, type AdapterRegistryConfig } from './registry.ts';
