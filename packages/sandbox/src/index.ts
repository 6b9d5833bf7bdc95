export { startSandbox, type Sandbox, type SandboxOptions } from './server.ts';
export type { PostMedia, RecordedMedia, RecordedPost } from './store.ts';
export type { StateWrite } from './persist.ts';
export type { PlatformSettings, PlatformSettingsInput } from './platforms/settings.ts';
export type { TokenTtl, TokenTtlInput } from './settings.ts';
export type {
  ChaosRequest,
  Fault,
  FaultRequest,
  RevokeRequest,
  SandboxPlatform,
} from './faults.ts';
export { checkToken, sandboxToken, bearerToken, tokenOwner, type TokenCheck } from './tokens.ts';
export { SANDBOX_PLATFORMS } from './faults.ts';
export {
  GOOGLE_USERS as GOOGLE_BUSINESS_USERS,
  ACCOUNTS as GOOGLE_BUSINESS_ACCOUNTS,
  LOCATIONS as GOOGLE_BUSINESS_LOCATIONS,
} from './platforms/google_business/directory.ts';
