// Connecting a LinkedIn member and the organizations they administer through the sandbox's
// consent page, over HTTP: the authorize URL (no PKCE), the member choosing organizations, the
// code exchange with the app's secret, /v2/userinfo, organizationAcls and the organizations'
// names — every identity sharing the member's token, which posts as each granted author and as
// no other; the refresh keeps the refresh token and its remaining lifetime.
import { startSandbox, type Sandbox } from '@herald/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthPublishError, type PublishError } from '../errors.ts';
import { submitConsent } from '../testing/consent.ts';
import type { GrantedIdentity } from '../types.ts';
import { createLinkedInAdapter } from './adapter.ts';
import { createLinkedInConnector } from './connect.ts';

const REDIRECT = 'http://127.0.0.1:1/oauth/linkedin/callback';
const AT = new Date('2026-12-03T12:00:00Z');
const DAY_MS = 86_400_000;

async function failure(promise: Promise<unknown>): Promise<PublishError> {
  return (await promise.then(
    () => expect.unreachable('it should have failed'),
    (e: unknown) => e,
  )) as PublishError;
}

describe('the LinkedIn connector', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
  });
  afterAll(() => sandbox.close());

  const connector = () =>
    createLinkedInConnector({
      clientId: 'herald-test',
      clientSecret: 'secret',
      baseUrl: sandbox.baseUrl('linkedin'),
      authUrl: sandbox.baseUrl('linkedin'),
      now: () => AT,
    });
  const adapter = () =>
    createLinkedInAdapter({
      baseUrl: sandbox.baseUrl('linkedin'),
      clientId: 'herald-test',
      clientSecret: 'secret',
      now: () => AT,
    });

  async function authorize(organizations: string[], state = 'st-li') {
    const url = connector().authorizeUrl({
      redirectUri: REDIRECT,
      state,
      codeVerifier: 'unused',
      codeChallenge: 'unused',
    });
    const { page, back } = await submitConsent(url, { organization: organizations });
    return { url: new URL(url), page, back, code: back.searchParams.get('code')! };
  }

  const post = (identity: GrantedIdentity, caption: string, accessToken = identity.accessToken) =>
    adapter().publish({
      account: { externalId: identity.externalId, accessToken },
      content: { caption, media: [] },
      progress: null,
      saveProgress: () => Promise.resolve(),
    });

  it('lists the member and the organizations they granted, all on the member’s token', async () => {
    const { url, page, back, code } = await authorize(['3000002', '3000004']);
    expect(`${url.origin}${url.pathname}`).toBe(
      `${sandbox.baseUrl('linkedin')}/oauth/v2/authorization`,
    );
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'herald-test',
      redirect_uri: REDIRECT,
      state: 'st-li',
      scope:
        'openid profile w_member_social r_organization_social w_organization_social rw_organization_admin',
    });
    expect(page).toContain('Herald would like to access your LinkedIn account');
    expect(back.searchParams.get('state')).toBe('st-li');

    const identities = await connector().complete({
      code,
      redirectUri: REDIRECT,
      codeVerifier: 'unused',
    });
    expect(identities.map(({ externalId, handle }) => ({ externalId, handle }))).toEqual([
      { externalId: 'urn:li:person:sbxDana42', handle: 'Dana Demo' },
      { externalId: 'urn:li:organization:3000002', handle: 'Fjord Outdoor AS' },
      { externalId: 'urn:li:organization:3000004', handle: 'Sandbox Bakery Ltd' },
    ]);
    const [member] = identities;
    for (const identity of identities) {
      expect(identity).toMatchObject({
        accessToken: member!.accessToken,
        refreshToken: member!.refreshToken,
        expiresAt: new Date(AT.getTime() + 60 * DAY_MS),
      });
    }
    expect(member!.refreshToken).toMatch(/^sbx-linkedin-refresh-urn:li:person:sbxDana42-/);

    // The member's token posts as each granted author, and not as an organization left out.
    for (const identity of identities) await post(identity, `Hello from ${identity.handle}`);
    expect(
      sandbox
        .posts()
        .filter((p) => p.platform === 'linkedin')
        .map((p) => p.accountId),
    ).toEqual(identities.map((i) => i.externalId));
    const notGranted = await failure(
      post(
        { ...member!, externalId: 'urn:li:organization:3000001' },
        'Not granted',
        member!.accessToken,
      ),
    );
    expect(notGranted).toBeInstanceOf(AuthPublishError);
    expect(notGranted.platformCode).toBe('ACCESS_DENIED');
  });

  it('refuses a code sent with another redirect_uri or used twice, as LinkedIn words it', async () => {
    const { code } = await authorize([]);
    const elsewhere = await failure(
      connector().complete({
        code,
        redirectUri: 'http://127.0.0.1:1/elsewhere',
        codeVerifier: 'unused',
      }),
    );
    expect(elsewhere).toBeInstanceOf(AuthPublishError);
    expect(elsewhere.message).toMatch(
      /^LinkedIn refused the authorization code \(Unable to retrieve access token: appid\/redirect uri/,
    );
    // Only the member, since no organization was ticked.
    expect(
      await connector().complete({ code, redirectUri: REDIRECT, codeVerifier: 'unused' }),
    ).toHaveLength(1);
    const again = await failure(
      connector().complete({ code, redirectUri: REDIRECT, codeVerifier: 'unused' }),
    );
    expect(again.platformCode).toBe('invalid_request');
  });

  it('refreshes the shared token: a new access token, the same refresh token', async () => {
    const { code } = await authorize(['3000002']);
    const [member, organization] = await connector().complete({
      code,
      redirectUri: REDIRECT,
      codeVerifier: 'unused',
    });
    const refreshed = await adapter().refreshToken!({
      accessToken: organization!.accessToken,
      refreshToken: organization!.refreshToken,
    });
    expect(refreshed.accessToken).not.toBe(organization!.accessToken);
    expect(refreshed.refreshToken).toBe(organization!.refreshToken);
    expect(refreshed.expiresAt).toEqual(new Date(AT.getTime() + 60 * DAY_MS));
    // The new token still speaks for the granted organization, and the member can refresh too.
    await post(organization!, 'After a refresh', refreshed.accessToken);
    await expect(
      adapter().refreshToken!({
        accessToken: member!.accessToken,
        refreshToken: member!.refreshToken,
      }),
    ).resolves.toMatchObject({ refreshToken: member!.refreshToken });
  });
});
