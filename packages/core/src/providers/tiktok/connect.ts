// Connecting a TikTok account (Login Kit for Web, OAuth v2): the person is sent to
// www.tiktok.com/v2/auth/authorize/ with Herald's client_key and scopes, picks the one account to
// grant, and comes back with a code; Herald exchanges it at open.tiktokapis.com/v2/oauth/token/
// and reads who it is from /v2/user/info/. TikTok documents PKCE as required for desktop and
// mobile apps; a web app may send it too, and Herald does (S256, RFC 7636), so a stolen code is
// useless without the verifier. The token calls are hand-rolled (./oauth.ts says why).
import { z } from 'zod';
import { RetryablePublishError } from '../errors.ts';
import type { GrantedIdentity, PlatformConnector } from '../types.ts';
import { classifyTikTokError, classifyTikTokNetworkError, envelopeCode } from './errors.ts';
import {
  requestTikTokTokens,
  revokeTikTokToken,
  TIKTOK_SCOPES,
  type TikTokTokenEndpoint,
} from './oauth.ts';

export interface TikTokConnectorConfig {
  clientKey: string;
  clientSecret: string;
  /** The API: https://open.tiktokapis.com, or the sandbox's /tiktok. */
  baseUrl: string;
  /** Where the consent page is: https://www.tiktok.com, or the sandbox's /tiktok. */
  authorizeBaseUrl: string;
  apiVersion?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  now?: () => Date;
}

export interface TikTokConnector extends PlatformConnector {
  /** Disconnects Herald from the account: the access token (and the grant's refresh tokens) stop working. */
  revoke(accessToken: string, signal?: AbortSignal): Promise<void>;
}

const UserInfo = z.object({
  data: z.object({
    user: z.object({
      open_id: z.string().min(1),
      display_name: z.string().optional(),
      username: z.string().optional(),
    }),
  }),
});

export function createTikTokConnector(config: TikTokConnectorConfig): TikTokConnector {
  const version = config.apiVersion ?? 'v2';
  const api = `${config.baseUrl.replace(/\/+$/, '')}/${version}`;
  const timeoutMs = config.timeoutMs ?? 30_000;
  const clock = config.now ?? (() => new Date());
  const tokenEndpoint: TikTokTokenEndpoint = {
    baseUrl: config.baseUrl,
    apiVersion: version,
    clientKey: config.clientKey,
    clientSecret: config.clientSecret,
    timeoutMs,
    now: clock,
    ...(config.fetch ? { fetch: config.fetch } : {}),
  };

  async function whoIs(accessToken: string, signal?: AbortSignal) {
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    let body: unknown;
    try {
      response = await (config.fetch ?? fetch)(
        `${api}/user/info/?fields=open_id,union_id,avatar_url,display_name,username`,
        {
          headers: { authorization: `Bearer ${accessToken}` },
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        },
      );
      body = JSON.parse(await response.text()) as unknown;
    } catch (error) {
      throw classifyTikTokNetworkError(error, { timeoutMs, final: false });
    }
    if (!response.ok || envelopeCode(body) !== 'ok') {
      throw classifyTikTokError(response.status, body, response.headers, { final: false }, clock());
    }
    const parsed = UserInfo.safeParse(body);
    if (!parsed.success) {
      throw new RetryablePublishError(
        'TikTok answered who the account is in a form Herald does not understand.',
      );
    }
    return parsed.data.data.user;
  }

  return {
    platform: 'tiktok',
    authorizeUrl({ redirectUri, state, codeChallenge }) {
      const query = new URLSearchParams({
        client_key: config.clientKey,
        scope: TIKTOK_SCOPES.join(','),
        response_type: 'code',
        redirect_uri: redirectUri,
        state,
        code_challenge: codeChallenge,
        code_challenge_method: 'S256',
      });
      return `${config.authorizeBaseUrl.replace(/\/+$/, '')}/${version}/auth/authorize/?${query.toString()}`;
    },
    async complete({ code, redirectUri, codeVerifier, signal }): Promise<GrantedIdentity[]> {
      const tokens = await requestTikTokTokens(
        tokenEndpoint,
        {
          code,
          grant_type: 'authorization_code',
          redirect_uri: redirectUri,
          code_verifier: codeVerifier,
        },
        'the sign-in',
        signal,
      );
      const user = await whoIs(tokens.access_token, signal);
      // TikTok grants one account per authorization.
      return [
        {
          externalId: user.open_id,
          handle: user.username ? `@${user.username}` : (user.display_name ?? user.open_id),
          accessToken: tokens.access_token,
          refreshToken: tokens.refresh_token,
          expiresAt: new Date(clock().getTime() + tokens.expires_in * 1000),
        },
      ];
    },
    revoke: (accessToken, signal) => revokeTikTokToken(tokenEndpoint, accessToken, signal),
  };
}
