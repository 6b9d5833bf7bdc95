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
