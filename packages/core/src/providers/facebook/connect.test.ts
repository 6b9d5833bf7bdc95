// Connecting Pages through the sandbox's Facebook Login: the dialog a person clicks through,
// the code and long-lived token exchanges, and /me/accounts with a Page token each — over HTTP.
import { startSandbox, type Sandbox } from '@herald/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFacebookConnector } from './connect.ts';

const REDIRECT = 'http://127.0.0.1:1/oauth/facebook/callback';

describe('the Facebook connector', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
  });
  afterAll(() => sandbox.close());

  const connector = () =>
    createFacebookConnector({
      appId: 'herald-test',
      appSecret: 'secret',
      baseUrl: sandbox.facebookBaseUrl,
      dialogUrl: sandbox.facebookBaseUrl,
    });

  /** What a person does on the dialog: tick these Pages and continue. */
  async function consent(url: string, pages: string[]): Promise<URL> {
    const dialog = await fetch(url);
    expect(dialog.status).toBe(200);
    const page = await dialog.text();
    expect(page).toContain('Herald wants to manage your Pages');
    const confirm = new URL(`${new URL(url).pathname}/confirm`, url);
    for (const [key, value] of new URL(url).searchParams) {
      if (['client_id', 'redirect_uri', 'state'].includes(key))
        confirm.searchParams.set(key, value);
    }
    for (const id of pages) confirm.searchParams.append('page', id);
    const back = await fetch(confirm, { redirect: 'manual' });
    expect(back.status).toBe(302);
    return new URL(back.headers.get('location')!);
  }

  it('lists the Pages the person granted, each with a Page token that never expires', async () => {
    const url = connector().authorizeUrl({
      redirectUri: REDIRECT,
      state: 'st-1',
      codeVerifier: 'v',
      codeChallenge: 'x',
    });
    expect(new URL(url).searchParams.get('scope')).toBe(
      'pages_show_list,pages_manage_posts,pages_read_engagement',
    );
    const back = await consent(url, ['1000000001', '1000000004']);
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get('state')).toBe('st-1');
    const identities = await connector().complete({
      code: back.searchParams.get('code')!,
      redirectUri: REDIRECT,
      codeVerifier: 'unused',
    });
    expect(
      identities.map(({ externalId, handle, refreshToken, expiresAt }) => ({
        externalId,
        handle,
        refreshToken,
        expiresAt,
      })),
    ).toEqual([
      { externalId: '1000000001', handle: 'Northwind Coffee', refreshToken: null, expiresAt: null },
      { externalId: '1000000004', handle: 'Sandbox Bakery', refreshToken: null, expiresAt: null },
    ]);
    expect(identities[0]!.accessToken).toMatch(/^sbx-page-1000000001-/);
  });

  it('refuses a code used twice or sent with another redirect_uri, as Facebook words it', async () => {
    const url = connector().authorizeUrl({
      redirectUri: REDIRECT,
      state: 'st-2',
      codeVerifier: 'v',
      codeChallenge: 'x',
    });
    const code = (await consent(url, ['1000000002'])).searchParams.get('code')!;
    const wrong = connector().complete({
      code,
      redirectUri: 'http://127.0.0.1:1/elsewhere',
      codeVerifier: 'unused',
    });
    await expect(wrong).rejects.toThrow(/redirect_uri is identical/);
    // The refused exchange did not spend the code.
    await expect(
      connector().complete({ code, redirectUri: REDIRECT, codeVerifier: 'unused' }),
    ).resolves.toHaveLength(1);
    await expect(
      connector().complete({ code, redirectUri: REDIRECT, codeVerifier: 'unused' }),
    ).rejects.toThrow('This authorization code has been used.');
  });
});
