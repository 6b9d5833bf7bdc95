// Connecting Business Profile locations through the sandbox's Google sign-in, over HTTP: the
// consent page a person clicks through, the PKCE code exchange, the account and location
// listings, then the grant's life: refreshes (Google keeps the refresh token; when the sandbox
// is told to rotate, the new one is kept and the spent one refused) and revocation.
import { createHash } from 'node:crypto';
import { GOOGLE_BUSINESS_USERS, startSandbox, type Sandbox } from '@herald/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthPublishError, type PublishError } from '../errors.ts';
import { createGoogleBusinessAdapter } from './adapter.ts';
import { createGoogleBusinessConnector, type GoogleBusinessConnector } from './connect.ts';
import { GOOGLE_BUSINESS_SCOPE } from './oauth.ts';

const REDIRECT = 'http://127.0.0.1:1/oauth/google_business/callback';
const VERIFIER = 'connect-test-verifier-0123456789-abcdefghijklmnopqrstuvwxyz';
const [AVERY, SAM] = GOOGLE_BUSINESS_USERS.map((u) => u.id) as [string, string];
const NOW = new Date('2026-12-03T10:00:00Z');

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox.close());
afterEach(() => settings({ rotateRefreshTokens: false }));

const base = () => sandbox.baseUrl('google_business');
const settings = async (body: object) => {
  const response = await fetch(`${base()}/__sandbox/settings`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
};

const connector = (): GoogleBusinessConnector =>
  createGoogleBusinessConnector({
    clientId: 'herald-test',
    clientSecret: 'secret',
    oauthUrl: base(),
    tokenUrl: base(),
    accountManagementUrl: base(),
    businessInformationUrl: base(),
    now: () => NOW,
  });
const adapter = (now = NOW) =>
  createGoogleBusinessAdapter({
    baseUrl: base(),
    tokenUrl: base(),
    clientId: 'herald-test',
    clientSecret: 'secret',
    now: () => now,
  });

const authorize = (state = 'st-1', verifier = VERIFIER) =>
  connector().authorizeUrl({
    redirectUri: REDIRECT,
    state,
    codeVerifier: verifier,
    codeChallenge: createHash('sha256').update(verifier).digest('base64url'),
  });

/** What a person does on Google's page: pick a Google account, press Allow (or Cancel). */
async function consent(url: string, user: string, decision = 'allow'): Promise<URL> {
  const page = await fetch(url);
  expect(page.status).toBe(200);
  const markup = await page.text();
  const action = /<form method="post" action="([^"]+)">/.exec(markup)![1]!;
  const form = new URLSearchParams();
  for (const [, name, value] of markup.matchAll(
    /<input type="hidden" name="([^"]+)" value="([^"]*)">/g,
  )) {
    form.set(
      name!,
      value!.replaceAll('&amp;', '&').replaceAll('&quot;', '"').replaceAll('&#39;', "'"),
    );
  }
  form.set('user', user);
  form.set('decision', decision);
  const back = await fetch(new URL(action, url), {
    method: 'POST',
    body: form,
    redirect: 'manual',
  });
  expect(back.status).toBe(302);
  return new URL(back.headers.get('location')!);
}

async function connect(user: string) {
  const back = await consent(authorize(), user);
  return connector().complete({
    code: back.searchParams.get('code')!,
    redirectUri: REDIRECT,
    codeVerifier: VERIFIER,
  });
}

async function failure(promise: Promise<unknown>): Promise<PublishError> {
  return (await promise.then(
    () => expect.unreachable('the call should have failed'),
    (e: unknown) => e,
  )) as PublishError;
}

describe('the Google Business Profile connector', () => {
  it('asks for business.manage with offline access, a fresh consent and a PKCE S256 challenge', () => {
    const url = new URL(authorize('st-9'));
    expect(`${url.origin}${url.pathname}`).toBe(`${base()}/o/oauth2/v2/auth`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'herald-test',
      redirect_uri: REDIRECT,
      state: 'st-9',
      scope: GOOGLE_BUSINESS_SCOPE,
      code_challenge_method: 'S256',
      code_challenge: createHash('sha256').update(VERIFIER).digest('base64url'),
      access_type: 'offline',
      prompt: 'consent',
      include_granted_scopes: 'true',
    });
  });

  it('offers every location the Google account manages, each named as the posts API names it', async () => {
    const back = await consent(authorize('st-2'), AVERY);
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get('state')).toBe('st-2');
    const identities = await connector().complete({
      code: back.searchParams.get('code')!,
      redirectUri: REDIRECT,
      codeVerifier: VERIFIER,
    });
    expect(identities.map(({ externalId, handle }) => ({ externalId, handle }))).toEqual([
      {
        externalId: 'accounts/1100000000000000001/locations/2200000000000000001',
        handle: 'Northwind Coffee (Strandgaten 12)',
      },
      {
        externalId: 'accounts/1100000000000000001/locations/2200000000000000002',
        handle: 'Northwind Coffee (Torgallmenningen 3)',
      },
      {
        externalId: 'accounts/1100000000000000002/locations/2200000000000000003',
        handle: 'Northwind Roastery',
      },
    ]);
    // One grant: every location carries the same tokens, expiring in Google's hour.
    const [first] = identities;
    expect(first!.refreshToken).toMatch(/^1\/\//);
    expect(first!.expiresAt).toEqual(new Date(NOW.getTime() + 3599_000));
    for (const identity of identities) {
      expect(identity).toMatchObject({
        accessToken: first!.accessToken,
        refreshToken: first!.refreshToken,
      });
    }
    // The token works for posting to those locations.
    const published = await adapter().publish({
      account: { externalId: identities[2]!.externalId, accessToken: first!.accessToken },
      content: { caption: 'Connected and posting', media: [] },
      progress: null,
      saveProgress: () => Promise.resolve(),
    });
    expect(published.externalId).toMatch(/\/localPosts\/\d+$/);
  });

  it('refuses a tampered code verifier and a different redirect, as Google words them', async () => {
    const code = (await consent(authorize(), SAM)).searchParams.get('code')!;
    const tampered = await failure(
      connector().complete({ code, redirectUri: REDIRECT, codeVerifier: `${VERIFIER}-tampered` }),
    );
    expect(tampered).toBeInstanceOf(AuthPublishError);
    expect(tampered.message).toBe(
      'Google refused the sign-in (invalid_grant: Invalid code verifier.). Connect the account again.',
    );
    const elsewhere = await failure(
      connector().complete({
        code,
        redirectUri: 'http://127.0.0.1:1/elsewhere',
        codeVerifier: VERIFIER,
      }),
    );
    expect(elsewhere.platformCode).toBe('redirect_uri_mismatch');
    // Neither spent the code; the right exchange still works, once.
    const identities = await connector().complete({
      code,
      redirectUri: REDIRECT,
      codeVerifier: VERIFIER,
    });
    expect(identities.map((i) => i.handle)).toEqual([
      'Northwind Roastery',
      'Fjord Outdoor',
      'Sandbox Bakery',
    ]);
    const again = await failure(
      connector().complete({ code, redirectUri: REDIRECT, codeVerifier: VERIFIER }),
    );
    expect(again).toBeInstanceOf(AuthPublishError);
  });

  it('brings a person who cancels back with access_denied', async () => {
    const back = await consent(authorize('st-3'), AVERY, 'cancel');
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('state')).toBe('st-3');
  });
});

describe('the grant’s tokens', () => {
  it('refreshes an access token that works, keeping Google’s refresh token', async () => {
    const [identity] = await connect(SAM);
    const later = new Date(NOW.getTime() + 55 * 60_000);
    const fresh = await adapter(later).refreshToken!({
      accessToken: identity!.accessToken,
      refreshToken: identity!.refreshToken,
    });
    expect(fresh.accessToken).not.toBe(identity!.accessToken);
    expect(fresh.expiresAt).toEqual(new Date(later.getTime() + 3599_000));
    expect(fresh.refreshToken).toBeUndefined();
    const accounts = await fetch(`${base()}/v1/accounts`, {
      headers: { authorization: `Bearer ${fresh.accessToken}` },
    });
    expect(accounts.status).toBe(200);
    // The same refresh token serves every location of the grant again.
    await expect(
      adapter().refreshToken!({
        accessToken: fresh.accessToken,
        refreshToken: identity!.refreshToken,
      }),
    ).resolves.toMatchObject({ accessToken: expect.any(String) as string });
  });

  it('keeps a rotated refresh token; the spent one is refused afterwards', async () => {
    await settings({ rotateRefreshTokens: true });
    const [identity] = await connect(AVERY);
    const fresh = await adapter().refreshToken!({
      accessToken: identity!.accessToken,
      refreshToken: identity!.refreshToken,
    });
    expect(fresh.refreshToken).toMatch(/^1\/\//);
    expect(fresh.refreshToken).not.toBe(identity!.refreshToken);
    const spent = await failure(
      adapter().refreshToken!({
        accessToken: fresh.accessToken,
        refreshToken: identity!.refreshToken,
      }),
    );
    expect(spent).toBeInstanceOf(AuthPublishError);
    expect(spent.platformCode).toBe('invalid_grant');
    expect(spent.message).toContain('Token has been expired or revoked.');
    await expect(
      adapter().refreshToken!({
        accessToken: fresh.accessToken,
        refreshToken: fresh.refreshToken!,
      }),
    ).resolves.toMatchObject({ refreshToken: expect.stringMatching(/^1\/\//) as string });
  });

  it('revokes the whole grant at Google: posting and refreshing stop for every location', async () => {
    const identities = await connect(AVERY);
    await connector().revoke(identities[0]!.accessToken);
    const refused = await failure(
      adapter().refreshToken!({
        accessToken: identities[1]!.accessToken,
        refreshToken: identities[1]!.refreshToken,
      }),
    );
    expect(refused).toBeInstanceOf(AuthPublishError);
    const posting = await failure(
      adapter().publish({
        account: { externalId: identities[1]!.externalId, accessToken: identities[1]!.accessToken },
        content: { caption: 'After revocation', media: [] },
        progress: null,
        saveProgress: () => Promise.resolve(),
      }),
    );
    expect(posting).toBeInstanceOf(AuthPublishError);
    expect(posting.message).toMatch(/Reconnect the location/);
  });
});
