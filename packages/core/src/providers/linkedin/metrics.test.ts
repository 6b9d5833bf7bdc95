// LinkedIn post engagement against the sandbox over HTTP, with the sandbox's clock moved
// instead of waited for: an organization's posts through share statistics, a member's through
// social actions (likes and comments only).
import { sandboxToken, startSandbox, type Sandbox } from '@herald/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuthPublishError, PermanentPublishError } from '../errors.ts';
import type { AccountCredentials, MetricsRequest, PublishedPost } from '../types.ts';
import { createLinkedInAdapter } from './adapter.ts';

const MEMBER = 'urn:li:person:metrics1';
const ORG = 'urn:li:organization:5550301';
const member = { externalId: MEMBER, accessToken: sandboxToken('linkedin', MEMBER, 'metrics') };
const org = { externalId: ORG, accessToken: sandboxToken('linkedin', ORG, 'metrics') };
const HOUR = 3_600_000;
/** The version the sandbox serves today (it keeps a year of monthly versions active). */
const VERSION = `${new Date().getUTCFullYear()}${String(new Date().getUTCMonth() + 1).padStart(2, '0')}`;

let sandbox: Sandbox;
let aheadMs = 0;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, now: () => new Date(Date.now() + aheadMs) });
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.clearFaults();
  aheadMs = 0;
});

const adapter = (apiVersion = VERSION) =>
  createLinkedInAdapter({ baseUrl: sandbox.baseUrl('linkedin'), apiVersion });

async function publishAs(account: AccountCredentials): Promise<PublishedPost> {
  return adapter().publish({
    account,
    content: { caption: `Metrics ${Math.random().toString(36).slice(2)}`, media: [] },
    progress: null,
    saveProgress: () => Promise.resolve(),
  });
}

const metricsOf = (account: AccountCredentials, post: PublishedPost): MetricsRequest => ({
  account,
  post,
});

describe('LinkedIn fetchMetrics', () => {
  it("an organization's post: likes, comments, shares and impressions, growing", async () => {
    const post = await publishAs(org);
    const fetchMetrics = (request: MetricsRequest) => adapter().fetchMetrics!(request);
    aheadMs = HOUR;
    const hour = await fetchMetrics(metricsOf(org, post));
    aheadMs = 24 * HOUR;
    const day = await fetchMetrics(metricsOf(org, post));
    expect(hour.views).toBeNull();
    expect(hour.impressions).toBeGreaterThan(0);
    for (const key of ['likes', 'comments', 'shares', 'impressions'] as const) {
      expect(day[key]).not.toBeNull();
      expect(day[key]!).toBeGreaterThanOrEqual(hour[key]!);
    }
    expect(day.impressions!).toBeGreaterThan(hour.impressions!);
    expect(await fetchMetrics(metricsOf(org, post))).toEqual(day);
  });

  it("a member's post: likes and comments only, the rest null", async () => {
    const post = await publishAs(member);
    aheadMs = 24 * HOUR;
    const metrics = await adapter().fetchMetrics!(metricsOf(member, post));
    expect(metrics).toMatchObject({ shares: null, impressions: null, views: null });
    expect(metrics.likes).toBeGreaterThan(0);
    expect(metrics.comments).not.toBeNull();
  });

  it('a post past the statistics window is permanent; so is a refused member read', async () => {
    const post = await publishAs(org);
    aheadMs = 400 * 24 * HOUR;
    // A year on, the version the adapter asks for is sunset too: ask for the one then current.
    const later = new Date(Date.now() + aheadMs);
    const laterVersion = `${later.getUTCFullYear()}${String(later.getUTCMonth() + 1).padStart(2, '0')}`;
    const old = await adapter(laterVersion).fetchMetrics!(metricsOf(org, post)).catch(
      (e: unknown) => e,
    );
    expect(old).toBeInstanceOf(PermanentPublishError);
    expect((old as PermanentPublishError).platformCode).toBe('no_statistics');

    aheadMs = 0;
    const theirs = await publishAs(member);
    const someoneElse = {
      externalId: 'urn:li:person:other1',
      accessToken: sandboxToken('linkedin', 'urn:li:person:other1', 'metrics'),
    };
    const refused = await adapter().fetchMetrics!(metricsOf(someoneElse, theirs)).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(PermanentPublishError);
    expect((refused as Error).message).toMatch(/r_member_social/);
  });

  it('a dead token is an auth problem; a sunset version is permanent and names the setting', async () => {
    const post = await publishAs(org);
    const dead = sandboxToken('linkedin', ORG, 'dead');
    sandbox.revokeToken(dead, 463);
    await expect(
      adapter().fetchMetrics!(metricsOf({ externalId: ORG, accessToken: dead }, post)),
    ).rejects.toBeInstanceOf(AuthPublishError);
    const sunset = await adapter('202001').fetchMetrics!(metricsOf(org, post)).catch(
      (e: unknown) => e,
    );
    expect(sunset).toBeInstanceOf(PermanentPublishError);
    expect((sunset as Error).message).toMatch(/LINKEDIN_API_VERSION/);
  });
});
