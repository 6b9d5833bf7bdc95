import { describe, expect, it } from 'vitest';
import { PermanentPublishError } from './errors.ts';
import { createAdapterRegistry } from './registry.ts';

describe('createAdapterRegistry', () => {
  const adapterFor = createAdapterRegistry({
    facebook: { baseUrl: 'http://127.0.0.1:9/facebook' },
  });

  it('returns the Facebook adapter', () => {
    expect(adapterFor('facebook').platform).toBe('facebook');
    expect(adapterFor('facebook')).toBe(adapterFor('facebook'));
  });

  it('refuses, by name, a platform that has no adapter yet', () => {
    expect(() => adapterFor('instagram')).toThrow(PermanentPublishError);
    expect(() => adapterFor('instagram')).toThrow(/Instagram.*no adapter for "instagram"/);
  });

  it('returns the Instagram adapter when it is configured', () => {
    const configured = createAdapterRegistry({
      facebook: { baseUrl: 'http://127.0.0.1:9/facebook' },
      instagram: { baseUrl: 'http://127.0.0.1:9/instagram' },
    });
    expect(configured('instagram').platform).toBe('instagram');
    expect(configured('facebook').platform).toBe('facebook');
  });
});

describe('TikTok in the registries', () => {
  it('registers the TikTok adapter from the settings, and its connector only with app credentials', async () => {
    const { adapterConfigFromSettings, platformSettingsSchema } = await import('./settings.ts');
    const { createConnectorRegistry } = await import('./connectors.ts');
    const without = platformSettingsSchema.parse({});
    expect(createAdapterRegistry(adapterConfigFromSettings(without))('tiktok').platform).toBe(
      'tiktok',
    );
    expect(adapterConfigFromSettings(without).tiktok).toEqual({
      baseUrl: 'https://open.tiktokapis.com',
      apiVersion: 'v2',
      pullFromUrl: false,
    });
    expect(createConnectorRegistry(without)('tiktok')).toBeNull();
    const withApp = platformSettingsSchema.parse({
      TIKTOK_CLIENT_KEY: 'key',
      TIKTOK_CLIENT_SECRET: 'secret',
      TIKTOK_PULL_FROM_URL: 'true',
    });
    expect(adapterConfigFromSettings(withApp).tiktok).toMatchObject({
      clientKey: 'key',
      clientSecret: 'secret',
      pullFromUrl: true,
    });
    const url = createConnectorRegistry(withApp)('tiktok')!.authorizeUrl({
      redirectUri: 'https://herald.example/oauth/tiktok/callback',
      state: 's',
      codeVerifier: 'v',
      codeChallenge: 'c',
    });
    expect(url).toMatch(/^https:\/\/www\.tiktok\.com\/v2\/auth\/authorize\/\?client_key=key&/);
  });
});
