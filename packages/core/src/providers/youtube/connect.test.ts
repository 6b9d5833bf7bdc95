// Connecting a YouTube channel through the sandbox's Google consent page: the authorize URL
// arctic builds (PKCE S256, offline access), the person's choice of channel and permissions,
// the code exchange, channels?mine=true, and what is refused — over HTTP.
import { createHash } from 'node:crypto';
import { startSandbox, type Sandbox } from '@herald/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthPublishError } from '../errors.ts';
import { createConnectorRegistry } from '../connectors.ts';
import { platformSettingsSchema } from '../settings.ts';
import { createYouTubeAdapter } from './adapter.ts';
import { createYouTubeConnector } from './connect.ts';

const REDIRECT = 'http://127.0.0.1:1/oauth/youtube/callback';
const UPLOAD = 'https://www.googleapis.com/auth/youtube.upload';
const READONLY = 'https://www.googleapis.com/auth/youtube.readonly';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox.close());

const connector = () =>
  createYouTubeConnector({
    clientId: 'herald-test',
    clientSecret: 'secret',
    authorizeUrl: sandbox.baseUrl('youtube'),
    tokenUrl: sandbox.baseUrl('youtube'),
    baseUrl: sandbox.baseUrl('youtube'),
  });

const verifier = (label: string) => `${label}-${'v'.repeat(60)}`;

function start(label: string) {
  const codeVerifier = verifier(label);
  const codeChallenge = createHash('sha256').update(codeVerifier).digest('base64url');
  const url = connector().authorizeUrl({
    redirectUri: REDIRECT,
    state: label,
    codeVerifier,
    codeChallenge,
  });
  return { url, codeVerifier, codeChallenge };
}

/** What a person does on Google's page: choose a channel, keep (or untick) permissions, continue. */
async function consent(url: string, channel: string, grant = [UPLOAD, READONLY]): Promise<URL> {
  const page = await fetch(url);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('Choose an account or brand account');
  expect(html).toContain(channel);
  const confirm = new URL(`${new URL(url).pathname}/confirm`, url);
  for (const [key, value] of new URL(url).searchParams) confirm.searchParams.set(key, value);
  confirm.searchParams.set('channel', channel);
  for (const scope of grant) confirm.searchParams.append('grant', scope);
  const back = await fetch(confirm, { redirect: 'manual' });
  expect(back.status).toBe(302);
  return new URL(back.headers.get('location')!);
}

describe('the YouTube connector', () => {
  it('asks Google for upload and read access, offline, with an S256 challenge', () => {
    const { url, codeChallenge } = start('st-0');
    const params = new URL(url).searchParams;
    expect(new URL(url).pathname).toBe('/youtube/o/oauth2/v2/auth');
    expect(Object.fromEntries(params)).toEqual({
      response_type: 'code',
      client_id: 'herald-test',
      redirect_uri: REDIRECT,
      state: 'st-0',
      code_challenge_method: 'S256',
      code_challenge: codeChallenge,
      scope: `${UPLOAD} ${READONLY}`,
      access_type: 'offline',
      prompt: 'consent',
    });
  });

  it('returns the channel chosen, with tokens that publish and refresh', async () => {
    const { url, codeVerifier } = start('st-1');
    const back = await consent(url, 'UCnorthwindroastery_s001');
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get('state')).toBe('st-1');
    const before = Date.now();
    const identities = await connector().complete({
      code: back.searchParams.get('code')!,
      redirectUri: REDIRECT,
      codeVerifier,
    });
    expect(identities).toHaveLength(1);
    const [channel] = identities;
    expect(channel).toMatchObject({
      externalId: 'UCnorthwindroastery_s001',
      handle: 'Northwind Roastery',
    });
    expect(channel!.accessToken).toMatch(/^sbx-youtube-UCnorthwindroastery_s001-/);
    expect(channel!.refreshToken).toMatch(/^sbxr-youtube-UCnorthwindroastery_s001-/);
    expect(channel!.expiresAt!.getTime()).toBeGreaterThanOrEqual(before + 3_590_000);

    // The refresh token works through the adapter, and rotates.
    const adapter = createYouTubeAdapter({
      baseUrl: sandbox.baseUrl('youtube'),
      oauth: {
        clientId: 'herald-test',
        clientSecret: 'secret',
        tokenUrl: sandbox.baseUrl('youtube'),
      },
    });
    const refreshed = await adapter.refreshToken!({
      accessToken: channel!.accessToken,
      refreshToken: channel!.refreshToken,
    });
    expect(refreshed.refreshToken).not.toBe(channel!.refreshToken);
    await expect(
      adapter.refreshToken!({
        accessToken: channel!.accessToken,
        refreshToken: channel!.refreshToken,
      }),
    ).rejects.toBeInstanceOf(AuthPublishError);
  });

  it('refuses a tampered verifier and another redirect, and a code used twice', async () => {
    const { url, codeVerifier } = start('st-2');
    const code = (await consent(url, 'UCnorthwindcoffee_sbx001')).searchParams.get('code')!;
    const tampered = connector().complete({
      code,
      redirectUri: REDIRECT,
      codeVerifier: verifier('other'),
    });
    await expect(tampered).rejects.toThrow(/invalid_grant: Invalid code verifier/);
    const elsewhere = connector().complete({
      code,
      redirectUri: 'http://127.0.0.1:1/elsewhere',
      codeVerifier,
    });
    await expect(elsewhere).rejects.toThrow(/redirect_uri_mismatch/);
    await expect(
      connector().complete({ code, redirectUri: REDIRECT, codeVerifier }),
    ).resolves.toHaveLength(1);
    const again = await connector()
      .complete({ code, redirectUri: REDIRECT, codeVerifier })
      .catch((e: unknown) => e);
    expect(again).toBeInstanceOf(AuthPublishError);
    expect((again as AuthPublishError).platformCode).toBe('invalid_grant');
  });

  it('says which permission was left out', async () => {
    const { url, codeVerifier } = start('st-3');
    const back = await consent(url, 'UCnorthwindcoffee_sbx001', [UPLOAD]);
    const error = await connector()
      .complete({ code: back.searchParams.get('code')!, redirectUri: REDIRECT, codeVerifier })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthPublishError);
    expect((error as AuthPublishError).message).toMatch(/youtube\.readonly/);
  });

  it('revokes the grant at Google: its tokens stop working', async () => {
    const { url, codeVerifier } = start('st-4');
    const back = await consent(url, 'UCfjordoutdoor_sbx000001');
    const [channel] = await connector().complete({
      code: back.searchParams.get('code')!,
      redirectUri: REDIRECT,
      codeVerifier,
    });
    await connector().revoke(channel!.refreshToken!);
    const mine = await fetch(
      `${sandbox.baseUrl('youtube')}/youtube/v3/channels?part=id&mine=true`,
      {
        headers: { authorization: `Bearer ${channel!.accessToken}` },
      },
    );
    expect(mine.status).toBe(401);
    // Revoking again is no error: there is nothing left to end.
    await expect(connector().revoke(channel!.refreshToken!)).resolves.toBeUndefined();
  });

  it('is offered only when the Google client is configured', () => {
    const defaults = platformSettingsSchema.parse({});
    expect(createConnectorRegistry(defaults)('youtube')).toBeNull();
    const configured = platformSettingsSchema.parse({
      YOUTUBE_CLIENT_ID: 'id',
      YOUTUBE_CLIENT_SECRET: 'secret',
    });
    const youtube = createConnectorRegistry(configured)('youtube');
    expect(youtube?.platform).toBe('youtube');
    expect(
      new URL(
        youtube!.authorizeUrl({
          redirectUri: REDIRECT,
          state: 's',
          codeVerifier: verifier('x'),
          codeChallenge: 'c',
        }),
      ).origin,
    ).toBe('https://accounts.google.com');
  });
});
