// Connecting X accounts (docs.x.com, "OAuth 2.0 Authorization Code Flow with PKCE"): the person
// authorizes Herald on x.com/i/oauth2/authorize (S256 challenge), Herald exchanges the code with
// its verifier at `POST /2/oauth2/token` as a confidential client (Basic credentials), and reads
// who they are from `GET /2/users/me`. One grant is one X user. Access tokens live two hours;
// the refresh token (scope offline.access) rotates on every refresh (adapter.ts refreshToken).
// arctic's generic OAuth2Client builds the URL and makes the exchange: it takes the endpoints,
// so the sandbox works, where arctic's Twitter class hardcodes X's hosts.
import { CodeChallengeMethod, OAuth2Client } from 'arctic';
import { z } from 'zod';
import { AuthPublishError } from '../errors.ts';
import { classifyCodeExchangeError, withDeadline } from '../oauth.ts';
import type { GrantedIdentity, PlatformConnector } from '../types.ts';
import { classifyXError, classifyXNetworkError } from './errors.ts';

export interface XConnectorConfig {
  /** The app's OAuth 2.0 client (a confidential client: it has a secret). */
  clientId: string;
  clientSecret: string;
  /** The API: https://api.x.com, or the sandbox's /x (token endpoint and /2/users/me). */
  baseUrl: string;
  /** Where the consent page is, as browsers reach it: https://x.com, or the sandbox's /x. */
  oauthUrl: string;
  /** For /2/users/me; arctic's token request uses the global fetch. */
  fetch?: typeof fetch;
  timeoutMs?: number;
  now?: () => Date;
}

/** Reading and writing posts, uploading media, and a refresh token (offline.access). */
export const X_SCOPES = [
  'tweet.read',
  'tweet.write',
  'users.read',
  'media.write',
  'offline.access',
];

const Tokens = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive().optional(),
  refresh_token: z.string().min(1).optional(),
});
const Me = z.object({ data: z.object({ id: z.string().min(1), username: z.string().min(1) }) });

export function createXConnector(config: XConnectorConfig): PlatformConnector {
  const api = config.baseUrl.replace(/\/+$/, '');
  const authorizeEndpoint = `${config.oauthUrl.replace(/\/+$/, '')}/i/oauth2/authorize`;
  const timeoutMs = config.timeoutMs ?? 30_000;
  const clock = config.now ?? (() => new Date());
  const client = (redirectUri: string) =>
    new OAuth2Client(config.clientId, config.clientSecret, redirectUri);

  async function me(accessToken: string, signal?: AbortSignal) {
    let response: Response;
    let body: unknown;
    try {
      const timeout = AbortSignal.timeout(timeoutMs);
      response = await (config.fetch ?? fetch)(`${api}/2/users/me`, {
        headers: { authorization: `Bearer ${accessToken}` },
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      body = JSON.parse(await response.text()) as unknown;
    } catch (error) {
      throw classifyXNetworkError(error, { timeoutMs, final: false });
    }
    if (!response.ok)
      throw classifyXError(response.status, body, response.headers, { final: false });
    const parsed = Me.safeParse(body);
    if (!parsed.success)
      throw new AuthPublishError('X answered /2/users/me in a form Herald does not understand.');
    return parsed.data.data;
  }

  return {
    platform: 'x',
    authorizeUrl({ redirectUri, state, codeVerifier }) {
      // arctic derives the S256 challenge from the verifier (the same one the service computed).
      return client(redirectUri)
        .createAuthorizationURLWithPKCE(
          authorizeEndpoint,
          state,
          CodeChallengeMethod.S256,
          codeVerifier,
          X_SCOPES,
        )
        .toString();
    },
    async complete({ code, redirectUri, codeVerifier, signal }): Promise<GrantedIdentity[]> {
      let data: object;
      try {
        const tokens = await withDeadline(
          client(redirectUri).validateAuthorizationCode(
            `${api}/2/oauth2/token`,
            code,
            codeVerifier,
          ),
          timeoutMs,
          signal,
        );
        data = tokens.data;
      } catch (error) {
        throw classifyCodeExchangeError(error, { platform: 'X', timeoutMs });
      }
      const tokens = Tokens.safeParse(data);
      if (!tokens.success) {
        throw new AuthPublishError('X answered the code exchange without an access token.');
      }
      const { access_token: accessToken, expires_in: expiresIn, refresh_token } = tokens.data;
      const user = await me(accessToken, signal);
      return [
        {
          externalId: user.id,
          handle: `@${user.username}`,
          accessToken,
          refreshToken: refresh_token ?? null,
          expiresAt:
            expiresIn === undefined ? null : new Date(clock().getTime() + expiresIn * 1000),
        },
      ];
    },
  };
}
