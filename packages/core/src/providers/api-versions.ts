// The platform API versions Herald knows, and when each stops being served, so the weekly
// check_api_versions task can warn platform staff before a pinned version is sunset (a known
// cause of outages in peer products). Dates as the platforms publish them:
//   Graph API (Facebook and Instagram): Meta's "Graph API changelog", table of available
//     versions (as of v26.0). A version stops two years after the next one is released; the
//     newest one's end is not published yet, so it counts two years from its own release, the
//     minimum Meta promises ("Platform Versioning").
//   LinkedIn: monthly versions `YYYYMM`, each "supported for a minimum of one year" ("LinkedIn
//     Marketing API Versioning"); LinkedIn sunsets them about then, so the sunset is computed as
//     the first day of the same month a year later (the sandbox refuses them from then too).
//   X and TikTok (v2), YouTube Data (v3) and Google Business Profile (v4) are versioned in the
//     path with no announced end.
// Only the table is consulted: the adapters report no `Sunset`/`Deprecation` headers, which
// would take a change to the adapter contract.
import type { Platform } from '../domain/platforms.ts';
import { DEFAULT_GRAPH_API_VERSION } from './facebook/adapter.ts';
import { DEFAULT_LINKEDIN_API_VERSION } from './linkedin/adapter.ts';
import type { AdapterRegistryConfig } from './registry.ts';

/** An API whose version Herald pins; Graph serves both Facebook and Instagram. */
export type VersionedApi = 'graph' | 'linkedin' | 'x' | 'tiktok' | 'youtube' | 'google_business';

export interface KnownApiVersion {
  api: VersionedApi;
  version: string;
  /** YYYY-MM-DD, UTC. */
  released: string;
  /** YYYY-MM-DD, UTC: the first day the platform no longer serves it; null when none is known. */
  sunset: string | null;
  /** Published by the platform, computed from its stated policy, or its promised minimum. */
  basis: 'published' | 'computed' | 'minimum' | 'none announced';
}

const API_NAMES: Record<VersionedApi, string> = {
  graph: 'Graph API',
  linkedin: 'LinkedIn API',
  x: 'X API',
  tiktok: 'TikTok API',
  youtube: 'YouTube Data API',
  google_business: 'Google Business Profile API',
};

/** The setting each pinned version is read from, where Herald lets people change it. */
export const API_VERSION_SETTINGS: Partial<Record<VersionedApi, string>> = {
  graph: 'FACEBOOK_GRAPH_VERSION',
  linkedin: 'LINKEDIN_API_VERSION',
  tiktok: 'TIKTOK_API_VERSION',
  youtube: 'YOUTUBE_API_VERSION',
  google_business: 'GOOGLE_BUSINESS_API_VERSION',
};

const graph = (version: string, released: string, sunset: string | null): KnownApiVersion => ({
  api: 'graph',
  version,
  released,
  sunset: sunset ?? addYears(released, 2),
  basis: sunset ? 'published' : 'minimum',
});

/** Graph API versions, newest first (Meta's changelog, "Available Graph API Versions"). */
export const GRAPH_API_VERSIONS: readonly KnownApiVersion[] = [
  graph('v26.0', '2026-07-29', null),
  graph('v25.0', '2026-02-18', '2028-07-29'),
  graph('v24.0', '2025-10-08', '2028-02-18'),
  graph('v23.0', '2025-05-29', '2027-10-08'),
  graph('v22.0', '2025-01-21', '2027-05-20'),
  graph('v21.0', '2024-10-02', '2027-01-21'),
  graph('v20.0', '2024-05-21', '2026-09-24'),
  graph('v19.0', '2024-01-23', '2026-05-21'),
  graph('v18.0', '2023-09-12', '2026-01-26'),
  graph('v17.0', '2023-05-23', '2025-09-12'),
  graph('v16.0', '2023-02-02', '2025-05-14'),
  graph('v15.0', '2022-09-15', '2024-11-20'),
  graph('v14.0', '2022-05-25', '2024-09-17'),
  graph('v13.0', '2022-02-08', '2024-05-28'),
];

/** The APIs versioned in their path, with no end announced. */
export const UNVERSIONED_APIS: readonly KnownApiVersion[] = [
  { api: 'x', version: '2', released: '2021-11-15', sunset: null, basis: 'none announced' },
  { api: 'tiktok', version: '2', released: '2022-06-01', sunset: null, basis: 'none announced' },
  { api: 'youtube', version: '3', released: '2012-10-01', sunset: null, basis: 'none announced' },
  {
    api: 'google_business',
    version: '4',
    released: '2017-01-01',
    sunset: null,
    basis: 'none announced',
  },
];

/** A LinkedIn version's dates: released the first of its month, sunset a year later. */
export function linkedinApiVersion(version: string): KnownApiVersion | null {
  const match = /^(\d{4})(\d{2})$/.exec(version);
  const month = Number(match?.[2]);
  if (!match || month < 1 || month > 12) return null;
  const released = `${match[1]}-${match[2]}-01`;
  return { api: 'linkedin', version, released, sunset: addYears(released, 1), basis: 'computed' };
}

/** What Herald knows of `version` of `api`; null for a version not in the table. */
export function knownApiVersion(api: VersionedApi, version: string): KnownApiVersion | null {
  if (api === 'linkedin') return linkedinApiVersion(version);
  const list = api === 'graph' ? GRAPH_API_VERSIONS : UNVERSIONED_APIS;
  return list.find((v) => v.api === api && v.version === version) ?? null;
}

/** One version Herald is configured to call, with the platforms that use it. */
export interface ConfiguredApiVersion {
  api: VersionedApi;
  version: string;
  platforms: Platform[];
  /** The environment variable that changes it; null where Herald pins it in code. */
  setting: string | null;
}

/** The versions the adapters are configured with (defaults included), one entry per version. */
const bare = (version: string | undefined, fallback: string) =>
  version?.replace(/^v/, '') ?? fallback;

export function configuredApiVersions(config: AdapterRegistryConfig): ConfiguredApiVersion[] {
  const entries: { api: VersionedApi; version: string; platform: Platform }[] = [
    {
      api: 'graph',
      version: config.facebook.apiVersion ?? DEFAULT_GRAPH_API_VERSION,
      platform: 'facebook',
    },
    ...(config.instagram
      ? [
          {
            api: 'graph' as const,
            version: config.instagram.apiVersion ?? DEFAULT_GRAPH_API_VERSION,
            platform: 'instagram' as const,
          },
        ]
      : []),
    ...(config.linkedin
      ? [
          {
            api: 'linkedin' as const,
            version: config.linkedin.apiVersion ?? DEFAULT_LINKEDIN_API_VERSION,
            platform: 'linkedin' as const,
          },
        ]
      : []),
    ...(config.x ? [{ api: 'x' as const, version: '2', platform: 'x' as const }] : []),
    // These three name their version `vN` in the path; the table keeps the number.
    ...(config.tiktok
      ? [
          {
            api: 'tiktok' as const,
            version: bare(config.tiktok.apiVersion, '2'),
            platform: 'tiktok' as const,
          },
        ]
      : []),
    ...(config.youtube
      ? [
          {
            api: 'youtube' as const,
            version: bare(config.youtube.apiVersion, '3'),
            platform: 'youtube' as const,
          },
        ]
      : []),
    ...(config.google_business
      ? [
          {
            api: 'google_business' as const,
            version: bare(config.google_business.apiVersion, '4'),
            platform: 'google_business' as const,
          },
        ]
      : []),
  ];
  const merged: ConfiguredApiVersion[] = [];
  for (const { api, version, platform } of entries) {
    const same = merged.find((m) => m.api === api && m.version === version);
    if (same) same.platforms.push(platform);
    else
      merged.push({
        api,
        version,
        platforms: [platform],
        setting: API_VERSION_SETTINGS[api] ?? null,
      });
  }
  return merged;
}

/** How close a sunset is: past it, within 14 days, within 60 days, or further (null). */
export type SunsetStage = 'past' | '14d' | '60d';

const DAY_MS = 24 * 60 * 60_000;

export function sunsetStage(sunset: Date, now: Date): SunsetStage | null {
  const left = sunset.getTime() - now.getTime();
  if (left <= 0) return 'past';
  if (left <= 14 * DAY_MS) return '14d';
  if (left <= 60 * DAY_MS) return '60d';
  return null;
}

/** The API's name as people read it, e.g. "Graph API v21.0", "LinkedIn API 202611". */
export function apiVersionLabel(api: VersionedApi, version: string): string {
  // Graph names its versions `vNN.0` and LinkedIn `YYYYMM`; the others are `v2` in their paths.
  const shown = api === 'graph' || api === 'linkedin' ? version : `v${version}`;
  return `${API_NAMES[api]} ${shown}`;
}

/** A version to move to: Graph's newest known; LinkedIn's previous month (surely released). */
export function suggestedApiVersion(api: VersionedApi, now: Date): string | null {
  if (api === 'graph') return GRAPH_API_VERSIONS[0]!.version;
  if (api === 'linkedin') {
    const previous = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
    return `${previous.getUTCFullYear()}${String(previous.getUTCMonth() + 1).padStart(2, '0')}`;
  }
  return null;
}

function addYears(isoDate: string, years: number): string {
  const [y, m, d] = isoDate.split('-').map(Number);
  return new Date(Date.UTC(y! + years, m! - 1, d)).toISOString().slice(0, 10);
}
