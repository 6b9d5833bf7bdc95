// Connecting YouTube channels (Google OAuth 2.0 for web server apps, with PKCE): the person
// picks a channel on Google's account chooser (their own, or a brand account's) and allows
// uploading and reading; Herald exchanges the code and lists what the grant speaks for with
// `channels?part=snippet&mine=true`. A grant speaks for the one channel chosen, so connecting
// several channels means one trip each; were a grant ever to list several, every one of them
// is returned and they share its tokens — revoking or rotating them affects all of them
// (docs/decisions/0029).
import { CodeChallengeMethod, OAuth2RequestError } from 'arctic';
import { z } from 'zod';
import { AuthPublishError, PermanentPublishError, RetryablePublishError } from '../errors.ts';
import type { GrantedIdentity, PlatformConnector } from '../types.ts';
import { classifyYouTubeError, classifyYouTubeNetworkError } from './errors.ts';
import {
  classifyGoogleOAuthError,
  googleClient,
  googleEndpoints,
  readTokens,
  YOUTUBE_SCOPES,
  type GoogleOAuthConfig,
} from './google-oauth.ts';

export interface YouTubeConnectorConfig extends GoogleOAuthConfig {
  /** The Data API: https://www.googleapis.com, or the sandbox's /youtube. */
  baseUrl: string;
  apiVersion?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  now?: () => Date;
}

export interface YouTubeConnector extends PlatformConnector {
  /** Ends a grant at Google (its access and refresh tokens alike), e.g. when a channel is removed. */
  revoke(token: string): Promise<void>;
}

const Channels = z.object({
  items: z
    .array(z.object({ id: z.string().min(1), snippet: z.object({ title: z.string() }) }))
    .default([]),
});

export function createYouTubeConnector(config: YouTubeConnectorConfig): YouTubeConnector {
  const endpoints = googleEndpoints(config);
  const api = `${config.baseUrl.replace(/\/+$/, '')}/youtube/${config.apiVersion ?? 'v3'}`;
  const timeoutMs = config.timeoutMs ?? 30_000;
  const clock = config.now ?? (() => new Date());

  async function channelsOf(accessToken: string, signal?: AbortSignal) {
    let response: Response;
    let body: unknown;
    try {
      const timeout = AbortSignal.timeout(timeoutMs);
      response = await (config.fetch ?? fetch)(
        `${api}/channels?${new URLSearchParams({ part: 'snippet', mine: 'true' }).toString()}`,
        {
          headers: { authorization: `Bearer ${accessToken}` },
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        },
      );
      body = JSON.parse(await response.text()) as unknown;
    } catch (error) {
      throw classifyYouTubeNetworkError(error, { timeoutMs, final: false });
    }
    if (!response.ok) {
      throw classifyYouTubeError(
        response.status,
        body,
        response.headers,
        { final: false },
        clock(),
      );
    }
    const parsed = Channels.safeParse(body);
    if (!parsed.success) {
      throw new RetryablePublishError(
        'YouTube answered the channel list in a form Herald does not understand.',
      );
    }
    return parsed.data.items;
  }

  return {
    platform: 'youtube',
    authorizeUrl({ redirectUri, state, codeVerifier }) {
      const url = googleClient(config, redirectUri).createAuthorizationURLWithPKCE(
        endpoints.authorize,
        state,
        CodeChallengeMethod.S256,
        codeVerifier,
        YOUTUBE_SCOPES,
      );
      // A refresh token, and one on every consent (not only the first).
      url.searchParams.set('access_type', 'offline');
      url.searchParams.set('prompt', 'consent');
      return url.toString();
    },
    async complete({ code, redirectUri, codeVerifier, signal }): Promise<GrantedIdentity[]> {
      let tokens;
      try {
        tokens = readTokens(
          await googleClient(config, redirectUri).validateAuthorizationCode(
            endpoints.token,
            code,
            codeVerifier,
          ),
          clock(),
        );
      } catch (error) {
        throw classifyGoogleOAuthError(error, 'finish connecting the YouTube channel');
      }
      const missing = YOUTUBE_SCOPES.filter((s) => !tokens.scopes.includes(s));
      if (tokens.scopes.length > 0 && missing.length > 0) {
        throw new AuthPublishError(
          `Google did not grant every permission Herald needs (${missing.map((s) => s.split('/').pop()).join(', ')}). Connect again and allow Herald to manage your videos and view your YouTube account.`,
          { platformCode: 'scope_missing' },
        );
      }
      if (!tokens.refreshToken) {
        throw new PermanentPublishError(
          'Google gave no refresh token, so Herald could not keep publishing after an hour. Connect again.',
          { platformCode: 'no_refresh_token' },
        );
      }
      const channels = await channelsOf(tokens.accessToken, signal);
      if (channels.length === 0) {
        throw new AuthPublishError(
          'The Google account chosen has no YouTube channel. Create the channel on YouTube, or choose the brand account that owns it, and connect again.',
          { platformCode: 'no_channel' },
        );
      }
      return channels.map((channel) => ({
        externalId: channel.id,
        handle: channel.snippet.title,
        accessToken: tokens.accessToken,
        refreshToken: tokens.refreshToken,
        expiresAt: tokens.expiresAt,
      }));
    },
    async revoke(token) {
      try {
        await googleClient(config, null).revokeToken(endpoints.revoke, token);
      } catch (error) {
        // Already revoked (or expired): there is nothing left to end.
        if (error instanceof OAuth2RequestError && error.code === 'invalid_token') return;
        throw classifyGoogleOAuthError(error, 'revoke Herald’s access to the YouTube channel');
      }
    },
  };
}
