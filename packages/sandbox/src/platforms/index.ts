// The emulated platforms, each mounted under its own prefix. A platform is one folder here (and
// one in core/providers); adding one is a folder and a line in this list (and one in
// PLATFORM_SETTINGS if it has sandbox settings).
import type { z } from 'zod';
import type { SandboxPlatform } from '../faults.ts';
import type { PlatformRoutes } from '../router.ts';
import type { SettingsSchema } from '../settings.ts';
import { facebook } from './facebook/index.ts';
import { instagram } from './instagram/index.ts';
import { InstagramSettings } from './instagram/containers.ts';
import { linkedin } from './linkedin/index.ts';
import { x } from './x/index.ts';
import { XSettings } from './x/state.ts';

export const PLATFORM_ROUTES: PlatformRoutes[] = [facebook, instagram, x, linkedin];

/**
 * Each platform's sandbox-only settings: a strict zod object whose fields all have defaults.
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
