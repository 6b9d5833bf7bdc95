// X's OAuth 2.0 in the sandbox over HTTP: the consent page's checks, PKCE (S256 and plain) at
// the token endpoint, a refresh token only with offline.access, revocation, and /2/users/me.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../index.ts';

const REDIRECT = 'http://127.0.0.1:1/callback';
const VERIFIER = 'v'.repeat(20) + 'erifier-with-enough-characters-for-pkce';

let sandbox: Sandbox;
let base: string;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  base = sandbox.baseUrl('x');
});
afterAll(() => sandbox.close());

function authorizeQuery(extra: Record<string, string> = {}) {
  return new URLSearchParams({
    response_type: 'code',
    client_id: 'app-1',
    redirect_uri: REDIRECT,
    scope: 'tweet.read users.read offline.access',
    state: 'st',
    code_challenge: createHash('sha256').update(VERIFIER).digest('base64url'),
    code_challenge_method: 'S256',
    ...extra,
  });
}

/** Submits the consent form as the person would, for `userId`; answers the code. */
async function consent(query: URLSearchParams, userId = '2000000001'): Promise<string> {
  const form = new URLSearchParams(query);
  form.set('user_id', userId);
  const answer = await fetch(`${base}/i/oauth2/authorize`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
    redirect: 'manual',
  });
  expect(answer.status).toBe(302);
  const back = new URL(answer.headers.get('location')!);
  expect(back.searchParams.get('state')).toBe(query.get('state'));
  return back.searchParams.get('code')!;
}

const token = (form: Record<string, string>, client = 'app-1') =>
  fetch(`${base}/2/oauth2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${client}:secret`).toString('base64')}`,
    },
    body: new URLSearchParams(form),
  });

const me = (accessToken: string) =>
  fetch(`${base}/2/users/me`, { headers: { authorization: `Bearer ${accessToken}` } });

describe('the consent page', () => {
  it('lists the sandbox users to sign in as', async () => {
    const page = await fetch(`${base}/i/oauth2/authorize?${authorizeQuery().toString()}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('@fjord_outdoor');
    expect(html).toContain('error=access_denied');
  });

  it('refuses a request without PKCE or a redirect_uri, saying which', async () => {
    const noPkce = authorizeQuery();
    noPkce.delete('code_challenge');
    const refused = await fetch(`${base}/i/oauth2/authorize?${noPkce.toString()}`);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('code_challenge is missing (X requires PKCE).');
    const noRedirect = authorizeQuery({ redirect_uri: 'not-a-url' });
    expect((await fetch(`${base}/i/oauth2/authorize?${noRedirect.toString()}`)).status).toBe(400);
  });
});

describe('POST /2/oauth2/token, authorization_code', () => {
  it('checks the verifier against the S256 challenge, and answers X’s tokens', async () => {
    const code = await consent(authorizeQuery());
    const exchange = (verifier: string, client?: string) =>
      token(
        { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier },
        client,
      );
    const wrong = await exchange(`${VERIFIER}x`);
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual({
      error: 'invalid_request',
      error_description: 'Value passed for the authorization code was invalid.',
    });
    expect((await exchange(VERIFIER, 'another-app')).status).toBe(400);
    const right = await exchange(VERIFIER);
    expect(right.status).toBe(200);
    const body = (await right.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      token_type: 'bearer',
      expires_in: 7200,
      scope: 'tweet.read users.read offline.access',
    });
    expect(body.refresh_token).toMatch(/^sbxr-x-2000000001-/);
    expect(await (await me(body.access_token as string)).json()).toEqual({
      data: { id: '2000000001', username: 'northwind_coffee', name: 'Northwind Coffee' },
    });
    // Single use.
    expect((await exchange(VERIFIER)).status).toBe(400);
  });

  it('takes a plain challenge, and gives no refresh token without offline.access', async () => {
    const code = await consent(
      authorizeQuery({
        code_challenge: VERIFIER,
        code_challenge_method: 'plain',
        scope: 'tweet.read users.read',
      }),
    );
    const answer = await token({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: VERIFIER,
    });
    expect(answer.status).toBe(200);
    expect(await answer.json()).not.toHaveProperty('refresh_token');
  });

  it('names a missing parameter', async () => {
    const answer = await token({
      grant_type: 'authorization_code',
      code: 'x',
      redirect_uri: REDIRECT,
    });
    expect(await answer.json()).toEqual({
      error: 'invalid_request',
      error_description: 'Missing required parameter [code_verifier].',
    });
  });
});

describe('POST /2/oauth2/revoke', () => {
  it('makes an access token stop working', async () => {
    const code = await consent(authorizeQuery(), '2000000002');
    const tokens = (await (
      await token({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT,
        code_verifier: VERIFIER,
      })
    ).json()) as { access_token: string };
    expect((await me(tokens.access_token)).status).toBe(200);
    const revoked = await fetch(`${base}/2/oauth2/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token: tokens.access_token,
        token_type_hint: 'access_token',
        client_id: 'app-1',
      }),
    });
    expect(await revoked.json()).toEqual({ revoked: true });
    const after = await me(tokens.access_token);
    expect(after.status).toBe(401);
    expect(await after.json()).toMatchObject({ title: 'Unauthorized', status: 401 });
  });
});
