// The engine publishing to every platform that has an adapter, configured the way the apps
// configure it (settings → registry), against the sandbox over HTTP: a text post to X and
// LinkedIn, a photo to Instagram, each exactly once.
import { encryptSecret } from '@herald/db';
import {
  createAgency,
  createTestDatabase,
  TEST_TOKEN_KEY,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { sandboxToken, startSandbox, type Sandbox } from '@herald/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../domain/platforms.ts';
import { createAdapterRegistry } from '../../providers/registry.ts';
import { adapterConfigFromSettings, platformSettingsSchema } from '../../providers/settings.ts';
import { actorOf, addReadyImage, startMediaServer } from '../../testing.ts';
import { schedulePost } from '../posts.ts';
import { publishTarget, type PublishingDeps } from './index.ts';

describe('publishing to each platform through the settings the apps use', () => {
  let t: TestDatabase;
  let agency: AgencyFixture;
  let sandbox: Sandbox;
  let media: Awaited<ReturnType<typeof startMediaServer>>;
  let deps: PublishingDeps;
  const clock = new Date();

  beforeAll(async () => {
    t = await createTestDatabase();
    agency = await createAgency(t.db, { pages: 3 });
    sandbox = await startSandbox({ port: 0 });
    media = await startMediaServer();
    const settings = platformSettingsSchema.parse({
      FACEBOOK_GRAPH_URL: sandbox.facebookBaseUrl,
      INSTAGRAM_GRAPH_URL: sandbox.baseUrl('instagram'),
      X_API_URL: sandbox.baseUrl('x'),
      LINKEDIN_API_URL: sandbox.baseUrl('linkedin'),
    });
    deps = {
      db: t.db,
      adapterFor: createAdapterRegistry(adapterConfigFromSettings(settings)),
      tokenKey: TEST_TOKEN_KEY,
      storage: media.storage,
      now: () => new Date(clock.getTime() + 3_600_000),
    };
  });
  afterAll(async () => {
    await sandbox.close();
    await media.close();
    await t.drop();
  });

  /** Turns fixture account `i` into an account of `platform` with a sandbox token. */
  async function accountOn(i: number, platform: Platform, externalId: string) {
    const account = agency.accounts[i]!;
    await t.db.socialAccount.update({
      where: { id: account.id },
      data: {
        platform,
        externalId,
        accessTokenEncrypted: encryptSecret(sandboxToken(platform, externalId), TEST_TOKEN_KEY),
      },
    });
    return account.id;
  }

  async function publishOne(accountId: string, caption: string, mediaIds: string[] = []) {
    const post = await schedulePost(
      t.db,
      actorOf(agency),
      {
        clientId: agency.clientId,
        caption,
        accountIds: [accountId],
        scheduledFor: new Date(clock.getTime() + 3_600_000),
        mediaIds,
      },
      clock,
    );
    return publishTarget(deps, post.targets[0]!.id);
  }

  it('publishes to X, LinkedIn and Instagram, each once', async () => {
    const x = await accountOn(0, 'x', '2000000009');
    const linkedin = await accountOn(1, 'linkedin', 'urn:li:organization:3000009');
    const instagram = await accountOn(2, 'instagram', '17841400000000009');
    const photo = await addReadyImage(t.db, media.storage, agency, { name: 'square.jpg' });

    const results = [
      await publishOne(x, 'Hello from Herald on X'),
      await publishOne(linkedin, 'Hello from Herald on LinkedIn (with reserved characters)'),
      await publishOne(instagram, 'Hello from Herald on Instagram', [photo]),
    ];
    expect(results.map((r) => [r.platform, r.outcome])).toEqual([
      ['x', 'published'],
      ['linkedin', 'published'],
      ['instagram', 'published'],
    ]);
    const received = sandbox
      .posts()
      .map((p) => p.platform)
      .sort();
    expect(received).toEqual(['instagram', 'linkedin', 'x']);
    // Each link opens the post on the sandbox.
    for (const result of results) {
      if (result.outcome !== 'published') continue;
      expect((await fetch(result.url)).status).toBe(200);
    }
  });
});
