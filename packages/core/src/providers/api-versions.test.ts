// The table of platform API versions and the stages of a sunset, as data: what the weekly
// check reads.
import { describe, expect, it } from 'vitest';
import {
  configuredApiVersions,
  GRAPH_API_VERSIONS,
  knownApiVersion,
  linkedinApiVersion,
  sunsetStage,
  suggestedApiVersion,
} from './api-versions.ts';
import { DEFAULT_GRAPH_API_VERSION } from './facebook/adapter.ts';
import { DEFAULT_LINKEDIN_API_VERSION } from './linkedin/adapter.ts';

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

describe('the Graph API table', () => {
  it('lists versions newest first, each ending after it began and after the one before it', () => {
    const numbers = GRAPH_API_VERSIONS.map((v) => Number(v.version.slice(1)));
    expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
    for (const [i, v] of GRAPH_API_VERSIONS.entries()) {
      expect(v.sunset! > v.released).toBe(true);
      const older = GRAPH_API_VERSIONS[i + 1];
      if (older) expect(older.sunset! <= v.sunset!).toBe(true);
    }
  });

  it("has Meta's published end dates, and the two-year minimum for the newest", () => {
    expect(knownApiVersion('graph', 'v21.0')).toMatchObject({
      sunset: '2027-01-21',
      basis: 'published',
    });
    expect(knownApiVersion('graph', 'v26.0')).toMatchObject({
      released: '2026-07-29',
      sunset: '2028-07-29',
      basis: 'minimum',
    });
    expect(knownApiVersion('graph', 'v99.0')).toBeNull();
    expect(knownApiVersion('graph', DEFAULT_GRAPH_API_VERSION)).not.toBeNull();
  });
});

describe('LinkedIn versions', () => {
  it('end a year after the first of their month', () => {
    expect(linkedinApiVersion('202611')).toEqual({
      api: 'linkedin',
      version: '202611',
      released: '2026-11-01',
      sunset: '2027-11-01',
      basis: 'computed',
    });
    expect(linkedinApiVersion('202612')!.sunset).toBe('2027-12-01');
    expect(linkedinApiVersion('202613')).toBeNull();
    expect(linkedinApiVersion('2026-11')).toBeNull();
    expect(knownApiVersion('linkedin', DEFAULT_LINKEDIN_API_VERSION)).not.toBeNull();
  });

  it('suggests the previous month, Graph its newest version', () => {
    expect(suggestedApiVersion('linkedin', day('2027-01-15'))).toBe('202612');
    expect(suggestedApiVersion('graph', day('2027-01-15'))).toBe('v26.0');
    expect(suggestedApiVersion('x', day('2027-01-15'))).toBeNull();
  });
});

describe('sunsetStage', () => {
  const sunset = day('2027-01-21');
  it.each([
    ['2026-11-21', null],
    ['2026-11-22', '60d'],
    ['2027-01-06', '60d'],
    ['2027-01-07', '14d'],
    ['2027-01-20', '14d'],
    ['2027-01-21', 'past'],
    ['2027-06-01', 'past'],
  ])('on %s it is %s', (now, stage) => {
    expect(sunsetStage(sunset, day(now))).toBe(stage);
  });
});

describe('configuredApiVersions', () => {
  it('names each version once, with the platforms that call it and its setting', () => {
    expect(
      configuredApiVersions({
        facebook: { baseUrl: 'https://graph.facebook.com' },
        instagram: { baseUrl: 'https://graph.facebook.com' },
        x: { baseUrl: 'https://api.x.com' },
        linkedin: { baseUrl: 'https://api.linkedin.com', apiVersion: '202610' },
      }),
    ).toEqual([
      {
        api: 'graph',
        version: DEFAULT_GRAPH_API_VERSION,
        platforms: ['facebook', 'instagram'],
        setting: 'FACEBOOK_GRAPH_VERSION',
      },
      {
        api: 'linkedin',
        version: '202610',
        platforms: ['linkedin'],
        setting: 'LINKEDIN_API_VERSION',
      },
      { api: 'x', version: '2', platforms: ['x'], setting: null },
    ]);
  });

  it('keeps two Graph versions apart when Facebook and Instagram differ', () => {
    const versions = configuredApiVersions({
      facebook: { baseUrl: 'https://graph.facebook.com', apiVersion: 'v24.0' },
      instagram: { baseUrl: 'https://graph.facebook.com', apiVersion: 'v22.0' },
    });
    expect(versions.map((v) => [v.version, v.platforms])).toEqual([
      ['v24.0', ['facebook']],
      ['v22.0', ['instagram']],
    ]);
  });
});

describe('configuredApiVersions for TikTok, YouTube and Google Business', () => {
  it('names their versions as the table does, without the path’s "v"', () => {
    const versions = configuredApiVersions({
      facebook: { baseUrl: 'https://graph.facebook.com' },
      tiktok: { baseUrl: 'https://open.tiktokapis.com', apiVersion: 'v2' },
      youtube: { baseUrl: 'https://www.googleapis.com' },
      google_business: { baseUrl: 'https://mybusiness.googleapis.com', apiVersion: 'v4' },
    });
    expect(versions.filter((v) => v.api !== 'graph').map((v) => [v.api, v.version])).toEqual([
      ['tiktok', '2'],
      ['youtube', '3'],
      ['google_business', '4'],
    ]);
    for (const v of versions) expect(knownApiVersion(v.api, v.version)).not.toBeNull();
  });
});
