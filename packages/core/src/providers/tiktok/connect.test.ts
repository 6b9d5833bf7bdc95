// Connecting a TikTok account through the sandbox's consent page, over HTTP: the authorize URL,
// the page a person clicks through (one account per authorization), the code exchange with PKCE,
// the identity from /v2/user/info/, and what is refused: a wrong verifier, another redirect_uri.
import { createHash } from 'node:crypto';
import { startSandbox, type Sandbox } from '@herald/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthPublishError } from '../errors.ts';
import { createTikTokAdapter } from './adapter.ts';
import { createTikTokConnector } from './connect.ts';

const REDIRECT = 'http://127.0.0.1:1/oauth/tiktok/callback';
const NOW = new Date('2026-12-03T10:00:00Z');

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox.close());

const connector = () =>
  createTikTokConnector({
    clientKey: 'herald-test',
    clientSecret: 'secret',
    baseUrl: sandbox.baseUrl('tiktok'),
    authorizeBaseUrl: sandbox.baseUrl('tiktok'),
    now: () => NOW,
  });

let n = 0;
function pkce() {
  const codeVerifier = `verifier-${++n}-${'v'.repeat(43)}`;
  return {
    codeVerifier,
    codeChallenge: createHash('sha256').update(codeVerifier).digest('base64url'),
  };
}

/** What a person does on TikTok's page: choose the account, then Authorize (the form's GET). */
async function consent(url: string, openId: string): Promise<URL> {
  const page = await fetch(url);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('Herald would like to access your TikTok account');
  expect(html).toContain('@northwind.coffee');
  const action = /<form method="get" action="([^"]+)">/.exec(html)![1]!;
  const confirm = new URL(action, url);
  for (const [, name, value] of html.matchAll(
    /<input type="hidden" name="([^"]+)" value="([^"]*)">/g,
  )) {
    confirm.searchParams.set(name!, value!.replace(/&amp;/g, '&'));
  }
  confirm.searchParams.set('open_id', openId);
  const back = await fetch(confirm, { redirect: 'manual' });
  expect(back.status).toBe(302);
  return new URL(back.headers.get('location')!);
}

describe('the TikTok connector', () => {
  it('sends the person to TikTok with client_key, scopes and an S256 challenge, and returns the one account granted', async () => {
    const { codeVerifier, codeChallenge } = pkce();
    const url = connector().authorizeUrl({
      redirectUri: REDIRECT,
      state: 'st-1',
      codeVerifier,
      codeChallenge,
    });
    const params = new URL(url).searchParams;
    expect(new URL(url).pathname).toBe('/tiktok/v2/auth/authorize/');
    expect(Object.fromEntries(params)).toEqual({
      client_key: 'herald-test',
      scope: 'user.info.basic,user.info.profile,video.publish,video.list',
      response_type: 'code',
      redirect_uri: REDIRECT,
      state: 'st-1',
      code_challenge: codeChallenge,
      code_challenge_method: 'S256',
    });
    const back = await consent(url, '_000NorthwindSbx02');
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get('state')).toBe('st-1');
    const identities = await connector().complete({
      code: back.searchParams.get('code')!,
      redirectUri: REDIRECT,
      codeVerifier,
    });
    expect(identities).toHaveLength(1);
    expect(identities[0]).toMatchObject({
      externalId: '_000NorthwindSbx02',
      handle: '@northwind.coffee',
      expiresAt: new Date(NOW.getTime() + 86_400_000),
    });
    expect(identities[0]!.accessToken).toMatch(/^sbx-tiktok-_000NorthwindSbx02-/);
    expect(identities[0]!.refreshToken).toMatch(/^sbxr-tiktok-_000NorthwindSbx02-/);

    // The token publishes: creator_info answers for the account granted.
    const answer = await fetch(`${sandbox.baseUrl('tiktok')}/v2/post/publish/creator_info/query/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${identities[0]!.accessToken}` },
    });
    expect(
      ((await answer.json()) as { data: { creator_username: string } }).data.creator_username,
    ).toBe('northwind.coffee');
  });

  it('refuses a tampered code_verifier and another redirect_uri, without spending the code', async () => {
    const { codeVerifier, codeChallenge } = pkce();
    const url = connector().authorizeUrl({
      redirectUri: REDIRECT,
      state: 'st-2',
      codeVerifier,
      codeChallenge,
    });
    const code = (await consent(url, '_000FjordOutdoorSbx01')).searchParams.get('code')!;

    const tampered = await connector()
      .complete({ code, redirectUri: REDIRECT, codeVerifier: `${codeVerifier}x` })
      .catch((error: unknown) => error);
    expect(tampered).toBeInstanceOf(AuthPublishError);
    expect((tampered as Error).message).toBe(
      'TikTok refused the sign-in (Code verifier or code challenge is invalid.). Reconnect the account.',
    );
    await expect(
      connector().complete({ code, redirectUri: 'http://127.0.0.1:1/elsewhere', codeVerifier }),
    ).rejects.toThrow(/redirect_uri must be the same/);

    const [identity] = await connector().complete({ code, redirectUri: REDIRECT, codeVerifier });
    expect(identity).toMatchObject({
      externalId: '_000FjordOutdoorSbx01',
      handle: '@fjordoutdoor',
    });
    await expect(
      connector().complete({ code, redirectUri: REDIRECT, codeVerifier }),
    ).rejects.toThrow(/Authorization code is expired or invalid/);
  });

  it('revokes: the access token is refused afterwards, and so is its refresh token', async () => {
    const { codeVerifier, codeChallenge } = pkce();
    const url = connector().authorizeUrl({
      redirectUri: REDIRECT,
      state: 'st-3',
      codeVerifier,
      codeChallenge,
    });
    const code = (await consent(url, '_000FjordOutdoorSbx01')).searchParams.get('code')!;
    const [identity] = await connector().complete({ code, redirectUri: REDIRECT, codeVerifier });
    await connector().revoke(identity!.accessToken);

    const answer = await fetch(`${sandbox.baseUrl('tiktok')}/v2/user/info/?fields=open_id`, {
      headers: { authorization: `Bearer ${identity!.accessToken}` },
    });
    expect(answer.status).toBe(401);
    expect(await answer.json()).toMatchObject({ error: { code: 'access_token_invalid' } });
    const adapter = createTikTokAdapter({
      baseUrl: sandbox.baseUrl('tiktok'),
      clientKey: 'herald-test',
      clientSecret: 'secret',
    });
    await expect(
      adapter.refreshToken!({
        accessToken: identity!.accessToken,
        refreshToken: identity!.refreshToken,
      }),
    ).rejects.toBeInstanceOf(AuthPublishError);
  });
});
