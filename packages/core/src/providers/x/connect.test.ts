// Connecting X accounts through the sandbox's consent page, over HTTP: the authorize URL with its
// S256 challenge, the person picking the account, the code exchange with the verifier (a wrong
// one refused by the token endpoint), /2/users/me, a token that publishes, and the adapter's
// refresh of the connected account rotating its refresh token.
import { createHash, randomBytes } from 'node:crypto';
import { startSandbox, type Sandbox } from '@herald/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthPublishError, type PublishError } from '../errors.ts';
import { submitConsent } from '../testing/consent.ts';
import type { GrantedIdentity } from '../types.ts';
import { createXAdapter } from './adapter.ts';
import { createXConnector, type XConnectorConfig } from './connect.ts';

const REDIRECT = 'http://127.0.0.1:1/oauth/x/callback';
const AT = new Date('2026-12-03T12:00:00Z');

function pkce() {
  const codeVerifier = randomBytes(48).toString('base64url');
  const codeChallenge = createHash('sha256').update(codeVerifier).digest('base64url');
  return { codeVerifier, codeChallenge };
}

async function failure(promise: Promise<unknown>): Promise<PublishError> {
  try {
    await promise;
  } catch (error) {
    return error as PublishError;
  }
  throw new Error('expected a failure');
}

describe('the X connector', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
  });
  afterAll(() => sandbox.close());

  const connector = (extra: Partial<XConnectorConfig> = {}) =>
    createXConnector({
      clientId: 'herald-test',
      clientSecret: 'secret',
      baseUrl: sandbox.baseUrl('x'),
      oauthUrl: sandbox.baseUrl('x'),
      now: () => AT,
      ...extra,
    });

  /** The person authorizes as `userId`; the code and what they were sent back with. */
  async function authorize(userId: string, state = 'st-x') {
    const { codeVerifier, codeChallenge } = pkce();
    const url = connector().authorizeUrl({
      redirectUri: REDIRECT,
      state,
      codeVerifier,
      codeChallenge,
    });
    const { page, back } = await submitConsent(url, { user_id: [userId] });
    return { url: new URL(url), page, back, code: back.searchParams.get('code')!, codeVerifier };
  }

  const publishWith = (identity: GrantedIdentity, caption: string) =>
    createXAdapter({ baseUrl: sandbox.baseUrl('x') }).publish({
      account: { externalId: identity.externalId, accessToken: identity.accessToken },
      content: { caption, media: [] },
      progress: null,
      saveProgress: () => Promise.resolve(),
    });

  it('connects the X user the person authorized, with a two-hour token that publishes', async () => {
    const { url, page, back, code, codeVerifier } = await authorize('2000000004');
    expect(`${url.origin}${url.pathname}`).toBe(`${sandbox.baseUrl('x')}/i/oauth2/authorize`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'herald-test',
      redirect_uri: REDIRECT,
      state: 'st-x',
      scope: 'tweet.read tweet.write users.read media.write offline.access',
      code_challenge_method: 'S256',
      code_challenge: createHash('sha256').update(codeVerifier).digest('base64url'),
    });
    expect(page).toContain('Herald wants to access your X account');
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get('state')).toBe('st-x');

    const [identity, ...others] = await connector().complete({
      code,
      redirectUri: REDIRECT,
      codeVerifier,
    });
    expect(others).toEqual([]);
    expect(identity).toMatchObject({
      externalId: '2000000004',
      handle: '@sandbox_bakery',
      expiresAt: new Date(AT.getTime() + 7200_000),
    });
    expect(identity!.refreshToken).toMatch(/^sbxr-x-2000000004-/);
    await publishWith(identity!, 'Connected through OAuth');
    expect(sandbox.posts().filter((p) => p.accountId === '2000000004')).toMatchObject([
      { platform: 'x', message: 'Connected through OAuth' },
    ]);
  });

  it('refuses a wrong code_verifier and a code used twice, as X words it', async () => {
    const { code, codeVerifier } = await authorize('2000000001');
    const wrong = await failure(
      connector().complete({ code, redirectUri: REDIRECT, codeVerifier: pkce().codeVerifier }),
    );
    expect(wrong).toBeInstanceOf(AuthPublishError);
    expect(wrong.message).toBe(
      'X refused the authorization code (Value passed for the authorization code was invalid.). Start connecting the account again.',
    );
    const elsewhere = await failure(
      connector().complete({ code, redirectUri: 'http://127.0.0.1:1/elsewhere', codeVerifier }),
    );
    expect(elsewhere).toBeInstanceOf(AuthPublishError);
    // Refusals do not spend the code; using it does.
    await expect(
      connector().complete({ code, redirectUri: REDIRECT, codeVerifier }),
    ).resolves.toHaveLength(1);
    const again = await failure(
      connector().complete({ code, redirectUri: REDIRECT, codeVerifier }),
    );
    expect(again).toBeInstanceOf(AuthPublishError);
  });

  it('refreshes the connected account by rotation: the old refresh token is spent', async () => {
    const { code, codeVerifier } = await authorize('2000000002');
    const [identity] = await connector().complete({ code, redirectUri: REDIRECT, codeVerifier });
    const adapter = createXAdapter({
      baseUrl: sandbox.baseUrl('x'),
      clientId: 'herald-test',
      clientSecret: 'secret',
      now: () => AT,
    });
    const fresh = await adapter.refreshToken!({
      accessToken: identity!.accessToken,
      refreshToken: identity!.refreshToken,
    });
    expect(fresh.refreshToken).toMatch(/^sbxr-x-2000000002-/);
    expect(fresh.refreshToken).not.toBe(identity!.refreshToken);
    expect(fresh.expiresAt).toEqual(new Date(AT.getTime() + 7200_000));
    await publishWith({ ...identity!, accessToken: fresh.accessToken }, 'After a refresh');
    const spent = await failure(
      adapter.refreshToken!({
        accessToken: fresh.accessToken,
        refreshToken: identity!.refreshToken,
      }),
    );
    expect(spent).toBeInstanceOf(AuthPublishError);
    expect(spent.message).toMatch(/Value passed for the token was invalid/);
  });
});

describe('X access tokens from the sandbox', () => {
  it('live as long as the sandbox is told, and are refused once expired', async () => {
    const sandbox = await startSandbox({ port: 0, accessTokenTtlSeconds: { x: 0 } });
    try {
      const connector = createXConnector({
        clientId: 'herald-test',
        clientSecret: 'secret',
        baseUrl: sandbox.baseUrl('x'),
        oauthUrl: sandbox.baseUrl('x'),
      });
      const { codeVerifier, codeChallenge } = pkce();
      const url = connector.authorizeUrl({
        redirectUri: REDIRECT,
        state: 's',
        codeVerifier,
        codeChallenge,
      });
      const { back } = await submitConsent(url);
      // The token lives 0 s: /2/users/me, right after the exchange, refuses it.
      const expired = await failure(
        connector.complete({
          code: back.searchParams.get('code')!,
          redirectUri: REDIRECT,
          codeVerifier,
        }),
      );
      expect(expired).toBeInstanceOf(AuthPublishError);
    } finally {
      await sandbox.close();
    }
  });
});
