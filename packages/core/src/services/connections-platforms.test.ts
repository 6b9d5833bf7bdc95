// Connecting X, LinkedIn, Instagram, TikTok, YouTube and Google Business accounts end to end below the browser: the connectors the
// settings register, pointed at the real sandbox over HTTP, driven through the connection
// service against a real database — start, the platform's consent form, a callback whose state
// was tampered with (refused, nothing exchanged), the real callback, and the chosen identities
// becoming the client's accounts with their tokens encrypted.
import { decryptSecret } from '@herald/db';
import {
  createAgency,
  createTestDatabase,
  TEST_TOKEN_KEY,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { startSandbox, type Sandbox } from '@herald/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../domain/platforms.ts';
import { createConnectorRegistry } from '../providers/connectors.ts';
import { platformSettingsSchema } from '../providers/settings.ts';
import { submitConsent } from '../providers/testing/consent.ts';
import { actorOf } from '../testing.ts';
import type { Actor } from './actor.ts';
import {
  connectAccounts,
  finishAuthorization,
  grantedIdentities,
  startConnection,
  type ConnectionDeps,
} from './connections.ts';

const REDIRECT = (platform: string) => `https://herald.test/oauth/${platform}/callback`;

describe('connecting accounts on every OAuth platform through the sandbox', () => {
  let t: TestDatabase;
  let sandbox: Sandbox;
  let agency: AgencyFixture;
  let actor: Actor;
  let deps: ConnectionDeps;

  beforeAll(async () => {
    [t, sandbox] = await Promise.all([createTestDatabase(), startSandbox({ port: 0 })]);
    agency = await createAgency(t.db);
    actor = actorOf(agency);
    // What `pnpm dev` sets: every platform at the sandbox, with app credentials it accepts.
    const settings = platformSettingsSchema.parse({
      FACEBOOK_GRAPH_URL: sandbox.facebookBaseUrl,
      FACEBOOK_DIALOG_URL: sandbox.facebookBaseUrl,
      INSTAGRAM_GRAPH_URL: sandbox.baseUrl('instagram'),
      META_APP_ID: 'herald-test',
      META_APP_SECRET: 'secret',
      X_API_URL: sandbox.baseUrl('x'),
      X_OAUTH_URL: sandbox.baseUrl('x'),
      X_CLIENT_ID: 'herald-test',
      X_CLIENT_SECRET: 'secret',
      LINKEDIN_API_URL: sandbox.baseUrl('linkedin'),
      LINKEDIN_AUTH_URL: sandbox.baseUrl('linkedin'),
      LINKEDIN_CLIENT_ID: 'herald-test',
      LINKEDIN_CLIENT_SECRET: 'secret',
      TIKTOK_API_URL: sandbox.baseUrl('tiktok'),
      TIKTOK_AUTH_URL: sandbox.baseUrl('tiktok'),
      TIKTOK_CLIENT_KEY: 'herald-test',
      TIKTOK_CLIENT_SECRET: 'secret',
      YOUTUBE_API_URL: sandbox.baseUrl('youtube'),
      YOUTUBE_OAUTH_URL: sandbox.baseUrl('youtube'),
      YOUTUBE_TOKEN_URL: sandbox.baseUrl('youtube'),
      YOUTUBE_CLIENT_ID: 'herald-test',
      YOUTUBE_CLIENT_SECRET: 'secret',
      ...Object.fromEntries(
        ['API', 'ACCOUNT_MANAGEMENT', 'INFORMATION', 'OAUTH', 'TOKEN'].map((host) => [
          `GOOGLE_BUSINESS_${host}_URL`,
          sandbox.baseUrl('google_business'),
        ]),
      ),
      GOOGLE_BUSINESS_CLIENT_ID: 'herald-test',
      GOOGLE_BUSINESS_CLIENT_SECRET: 'secret',
    });
    deps = { db: t.db, tokenKey: TEST_TOKEN_KEY, connectorFor: createConnectorRegistry(settings) };
  });
  afterAll(async () => {
    await sandbox?.close();
    await t?.drop();
  });

  const cases: {
    platform: Platform;
    choices: Record<string, string[]>;
    /** Exactly what is offered to choose from; unset: at least the chosen ones. */
    granted?: { externalId: string; handle: string }[];
    choose: string[];
  }[] = [
    {
      platform: 'x',
      choices: { user_id: ['2000000004'] },
      granted: [{ externalId: '2000000004', handle: '@sandbox_bakery' }],
      choose: ['2000000004'],
    },
    {
      platform: 'linkedin',
      choices: { organization: ['3000004'] },
      granted: [
        { externalId: 'urn:li:person:sbxDana42', handle: 'Dana Demo' },
        { externalId: 'urn:li:organization:3000004', handle: 'Sandbox Bakery Ltd' },
      ],
      choose: ['urn:li:organization:3000004'],
    },
    {
      platform: 'instagram',
      choices: { page: ['1000000004', '1000000003'] },
      granted: [{ externalId: '17841400000000004', handle: '@sandboxbakery' }],
      choose: ['17841400000000004'],
    },
    {
      platform: 'tiktok',
      choices: { open_id: ['_000NorthwindSbx02'] },
      choose: ['_000NorthwindSbx02'],
    },
    {
      platform: 'youtube',
      choices: { channel: ['UCfjordoutdoor_sbx000001'] },
      choose: ['UCfjordoutdoor_sbx000001'],
    },
    {
      platform: 'google_business',
      choices: {},
      choose: ['accounts/1100000000000000001/locations/2200000000000000001'],
    },
  ];

  it.each(cases)(
    '$platform: a tampered state is refused, the real one connects what was chosen',
    async ({ platform, choices, granted, choose }) => {
      const { url, connectionId } = await startConnection(deps, actor, {
        clientId: agency.clientId,
        platform,
        redirectUri: REDIRECT(platform),
      });
      const { back } = await submitConsent(url, choices);
      expect(`${back.origin}${back.pathname}`).toBe(REDIRECT(platform));
      const state = back.searchParams.get('state')!;
      const code = back.searchParams.get('code');
      const callback = (withState: string) =>
        finishAuthorization(deps, actor, {
          platform,
          state: withState,
          code,
          redirectUri: REDIRECT(platform),
        });

      const tampered = `${state.slice(0, -1)}${state.endsWith('A') ? 'B' : 'A'}`;
      await expect(callback(tampered)).rejects.toThrow(
        'This sign-in link has expired or was already used. Start connecting the account again.',
      );
      expect(await callback(state)).toEqual({ connectionId, clientId: agency.clientId });

      const listed = await grantedIdentities(deps, actor, { connectionId });
      if (granted) {
        expect(listed.identities).toEqual(granted.map((g) => ({ ...g, connected: false })));
      } else {
        expect(listed.identities.map((i) => i.externalId)).toEqual(expect.arrayContaining(choose));
      }
      const { accounts } = await connectAccounts(deps, actor, {
        connectionId,
        externalIds: choose,
      });
      const rows = await t.db.socialAccount.findMany({
        where: { id: { in: accounts.map((a) => a.id) }, organizationId: agency.organizationId },
      });
      expect(rows.map((r) => [r.platform, r.externalId, r.status])).toEqual(
        choose.map((externalId) => [platform, externalId, 'active']),
      );
      // The token at rest is ciphertext of the sandbox's token for the account.
      const token = decryptSecret(rows[0]!.accessTokenEncrypted, TEST_TOKEN_KEY);
      expect(rows[0]!.accessTokenEncrypted).not.toContain(token);
      expect(token).toMatch(/^sbx-/);
    },
  );
});
