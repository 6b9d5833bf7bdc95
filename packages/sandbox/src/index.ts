export { startSandbox, type Sandbox, type SandboxOptions } from './server.ts';
export type { PostMedia, RecordedMedia, RecordedPost } from './store.ts';
export type {
  ChaosRequest,
  Fault,
  FaultRequest,
  RevokeRequest,
  SandboxPlatform,
} from './faults.ts';
