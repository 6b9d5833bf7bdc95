// Connecting Instagram accounts through the sandbox's Facebook Login dialog, over HTTP: the
// dialog with Instagram scopes shows each Page's Instagram account, the code and long-lived
// exchanges, /me/accounts with instagram_business_account — one identity per linked account,
// each with the long-lived user token, which the Instagram adapter publishes with and renews.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSandbox, type Sandbox } from '@herald/sandbox';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthPublishError, type PublishError } from '../errors.ts';
import { submitConsent } from '../testing/consent.ts';
import type { GrantedIdentity } from '../types.ts';
import { createInstagramAdapter } from './adapter.ts';
import { createInstagramConnector } from './connect.ts';

const REDIRECT = 'http://127.0.0.1:1/oauth/instagram/callback';
const AT = new Date('2026-12-03T12:00:00Z');
const LONG_LIVED_MS = 60 * 86_400_000;

async function failure(promise: Promise<unknown>): Promise<PublishError> {
  return (await promise.then(
    () => expect.unreachable('it should have failed'),
    (e: unknown) => e,
  )) as PublishError;
}

describe('the Instagram connector', () => {
  let sandbox: Sandbox;
  let media: Server;
  let photoUrl: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    const photo = await sharp({
      create: { width: 1080, height: 1080, channels: 3, background: '#c0ffee' },
    })
      .jpeg()
      .toBuffer();
    media = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': photo.length });
      res.end(photo);
    });
    await new Promise<void>((resolve) => media.listen(0, '127.0.0.1', resolve));
    photoUrl = `http://127.0.0.1:${(media.address() as AddressInfo).port}/photo.jpg`;
  });
  afterAll(async () => {
    await sandbox.close();
    await new Promise((resolve) => media.close(resolve));
  });

  const connector = () =>
    createInstagramConnector({
      appId: 'herald-test',
      appSecret: 'secret',
      baseUrl: sandbox.baseUrl('instagram'),
      dialogUrl: sandbox.facebookBaseUrl,
      now: () => AT,
    });
  const adapter = () =>
    createInstagramAdapter({
      baseUrl: sandbox.baseUrl('instagram'),
      appId: 'herald-test',
      appSecret: 'secret',
      now: () => AT,
    });

  async function connect(pages: string[]) {
    const url = connector().authorizeUrl({
      redirectUri: REDIRECT,
      state: 'st-ig',
      codeVerifier: 'unused',
      codeChallenge: 'unused',
    });
    const { page, back } = await submitConsent(url, { page: pages });
    const identities = await connector().complete({
      code: back.searchParams.get('code')!,
      redirectUri: REDIRECT,
      codeVerifier: 'unused',
    });
    return { url: new URL(url), page, back, identities };
  }

  const publishPhoto = (identity: GrantedIdentity, caption: string, accessToken?: string) =>
    adapter().publish({
      account: {
        externalId: identity.externalId,
        accessToken: accessToken ?? identity.accessToken,
      },
      content: {
        caption,
        media: [
          {
            assetId: 'a1',
            kind: 'image',
            name: 'photo.jpg',
            url: photoUrl,
            contentType: 'image/jpeg',
            sizeBytes: 1,
            width: 1080,
            height: 1080,
            durationMs: null,
          },
        ],
      },
      progress: null,
      saveProgress: () => Promise.resolve(),
    });

  it('lists the Instagram accounts of the granted Pages, each with the long-lived user token', async () => {
    // Northwind Roastery (1000000003) has no Instagram account: it gives no identity.
    const { url, page, back, identities } = await connect([
      '1000000001',
      '1000000003',
      '1000000002',
    ]);
    expect(`${url.origin}${url.pathname}`).toBe(`${sandbox.facebookBaseUrl}/v21.0/dialog/oauth`);
    expect(url.searchParams.get('scope')).toBe(
      'instagram_basic,instagram_content_publish,pages_show_list,pages_read_engagement,business_management',
    );
    expect(page).toContain('Herald wants to manage your Instagram accounts');
    expect(page).toContain('Instagram @fjordoutdoor');
    expect(back.searchParams.get('state')).toBe('st-ig');
    expect(
      identities.map(({ externalId, handle, refreshToken, expiresAt }) => ({
        externalId,
        handle,
        refreshToken,
        expiresAt,
      })),
    ).toEqual([
      {
        externalId: '17841400000000001',
        handle: '@northwindcoffee',
        refreshToken: null,
        expiresAt: new Date(AT.getTime() + LONG_LIVED_MS),
      },
      {
        externalId: '17841400000000002',
        handle: '@fjordoutdoor',
        refreshToken: null,
        expiresAt: new Date(AT.getTime() + LONG_LIVED_MS),
      },
    ]);
    expect(identities[0]!.accessToken).toBe(identities[1]!.accessToken);
    expect(identities[0]!.accessToken).toMatch(/^sbx-user-/);

    const published = await publishPhoto(identities[1]!, 'Connected through Facebook Login');
    expect(sandbox.posts().find((p) => p.id === published.externalId)).toMatchObject({
      platform: 'instagram',
      accountId: '17841400000000002',
    });
    // The user token speaks only for the accounts of the Pages granted.
    const other = await failure(
      publishPhoto({ ...identities[0]!, externalId: '17841400000000004' }, 'Not granted'),
    );
    expect(other.message).toMatch(/17841400000000004/);
  });

  it('renews the user token with fb_exchange_token; a revoked one is an auth error', async () => {
    const { identities } = await connect(['1000000004']);
    const [bakery] = identities;
    expect(bakery!.externalId).toBe('17841400000000004');
    const renewed = await adapter().refreshToken!({
      accessToken: bakery!.accessToken,
      refreshToken: null,
    });
    expect(renewed.accessToken).not.toBe(bakery!.accessToken);
    expect(renewed.expiresAt).toEqual(new Date(AT.getTime() + LONG_LIVED_MS));
    await publishPhoto(bakery!, 'With the renewed token', renewed.accessToken);

    sandbox.revokeToken(renewed.accessToken, 460);
    const revoked = await failure(publishPhoto(bakery!, 'Revoked', renewed.accessToken));
    expect(revoked).toBeInstanceOf(AuthPublishError);
  });

  it('refuses a code sent with another redirect_uri, as Facebook words it', async () => {
    const url = connector().authorizeUrl({
      redirectUri: REDIRECT,
      state: 's',
      codeVerifier: 'unused',
      codeChallenge: 'unused',
    });
    const { back } = await submitConsent(url);
    const wrong = await failure(
      connector().complete({
        code: back.searchParams.get('code')!,
        redirectUri: 'http://127.0.0.1:1/elsewhere',
        codeVerifier: 'unused',
      }),
    );
    expect(wrong.message).toMatch(/redirect_uri is identical/);
  });
});
