// Each emulated platform's sandbox-only settings, in one list so startSandbox can take them
// typed. A platform with settings exports a strict zod object whose fields all have defaults
// and adds one line here.
import type { z } from 'zod';
import type { SandboxPlatform } from '../faults.ts';
import type { SettingsSchema } from '../settings.ts';
import { InstagramSettings } from './instagram/containers.ts';
import { XSettings } from './x/state.ts';

/**
 * startSandbox takes them typed (`platformSettings`), the control API at
 * `/__sandbox/settings/<platform>`, and the handlers read them as `ctx.platformSettings`.
 */
export const PLATFORM_SETTINGS = {
  instagram: InstagramSettings,
  x: XSettings,
} satisfies Partial<Record<SandboxPlatform, SettingsSchema>>;

type Schemas = typeof PLATFORM_SETTINGS;
/** The settings in force, per platform that has any. */
export type PlatformSettings = { [P in keyof Schemas]: z.output<Schemas[P]> };
/** What startSandbox's `platformSettings` takes: any of the fields, per platform. */
export type PlatformSettingsInput = { [P in keyof Schemas]?: Partial<z.input<Schemas[P]>> };
