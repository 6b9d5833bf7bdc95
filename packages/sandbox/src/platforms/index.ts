// The emulated platforms, each mounted under its own prefix. A platform is one folder here (and
// one in core/providers); adding one is a folder and a line in this list.
import type { PlatformRoutes } from '../router.ts';
import { facebook } from './facebook/index.ts';
import { googleBusiness } from './google_business/index.ts';
import { instagram } from './instagram/index.ts';
import { linkedin } from './linkedin/index.ts';
import { tiktok } from './tiktok/index.ts';
import { x } from './x/index.ts';
import { youtube } from './youtube/index.ts';

export const PLATFORM_ROUTES: PlatformRoutes[] = [
  facebook,
  instagram,
  x,
  linkedin,
  googleBusiness,
  tiktok,
  youtube,
];
