// Media storage (ADR 0024): one interface, local disk with signed URLs by default, S3 when
// configured. Server-only: import from `@herald/core/storage`.
export * from './types.ts';
export {
  StorageConfigError,
  StorageKeyError,
  StorageNotFoundError,
  StorageSizeError,
} from './errors.ts';
export { assertValidKey, assertValidPrefix } from './validate.ts';
export type { MediaGrant, MediaUrlCheck, SignedMethod } from './signing.ts';
export {
  createLocalStorage,
  type LocalMediaStorage,
  type LocalStorageOptions,
  type OpenedLocalObject,
} from './local.ts';
export { createS3Storage, type S3MediaStorage, type S3StorageOptions } from './s3.ts';
export {
  checkStorageSettings,
  createConfiguredStorage,
  createStorage,
  isStorageConfigured,
  pickStorageSettings,
  STORAGE_NOT_CONFIGURED,
  refineStorageSettings,
  storageSettingsSchema,
  type ConfiguredStorage,
  type CreateStorageOptions,
  type StorageSettings,
  type StorageSettingsProblem,
} from './config.ts';
export {
  handleLocalMediaRequest,
  parseRange,
  toNodeListener,
  type LocalMediaRequestOptions,
} from './http.ts';
