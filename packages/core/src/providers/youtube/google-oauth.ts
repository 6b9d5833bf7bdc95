// Google's OAuth 2.0 for YouTube, as Herald's connector and adapter use it, through arctic's
// generic OAuth2Client (Google is standard OAuth 2 with PKCE, so nothing is hand-rolled):
//   authorize  {authorizeUrl}/o/oauth2/v2/auth   (accounts.google.com)
//   token      {tokenUrl}/token                  (oauth2.googleapis.com)
//   revoke     {tokenUrl}/revoke
// Access tokens live about an hour; `access_type=offline` (with `prompt=consent`, so one comes
// back on every consent) yields a refresh token. Google may answer a refresh with a new refresh
// token: Herald keeps whichever is newest.
import {
  ArcticFetchError,
  OAuth2Client,
  OAuth2RequestError,
  UnexpectedErrorResponseBodyError,
  UnexpectedResponseError,
  type OAuth2Tokens,
} from 'arctic';
import { z } from 'zod';
import {
  AuthPublishError,
  PermanentPublishError,
  RetryablePublishError,
  type PublishError,
} from '../errors.ts';

/** What Herald asks for: uploading videos, and reading the channel (identity, status, stats). */
export const YOUTUBE_SCOPES = [
  'https://www.googleapis.com/auth/youtube.upload',
  'https://www.googleapis.com/auth/youtube.readonly',
];

export const GOOGLE_AUTHORIZE_URL = 'https://accounts.google.com';
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com';

export interface GoogleOAuthConfig {
  clientId: string;
  clientSecret: string;
  /** Where the consent page is: https://accounts.google.com, or the sandbox's /youtube. */
  authorizeUrl?: string;
  /** Where the token and revoke endpoints are: https://oauth2.googleapis.com, or the sandbox's /youtube. */
  tokenUrl?: string;
}

const trim = (url: string) => url.replace(/\/+$/, '');

export const googleEndpoints = (config: GoogleOAuthConfig) => ({
  authorize: `${trim(config.authorizeUrl ?? GOOGLE_AUTHORIZE_URL)}/o/oauth2/v2/auth`,
  token: `${trim(config.tokenUrl ?? GOOGLE_TOKEN_URL)}/token`,
  revoke: `${trim(config.tokenUrl ?? GOOGLE_TOKEN_URL)}/revoke`,
});

/** A confidential client (arctic sends its credentials as HTTP Basic, which Google takes). */
export const googleClient = (config: GoogleOAuthConfig, redirectUri: string | null) =>
  new OAuth2Client(config.clientId, config.clientSecret, redirectUri);

const TokenAnswer = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
});

export interface GoogleTokens {
  accessToken: string;
  expiresAt: Date;
  refreshToken: string | null;
  scopes: string[];
}

/** The token answer, with the expiry counted from `now` (Herald's clock, not arctic's). */
export function readTokens(tokens: OAuth2Tokens, now: Date): GoogleTokens {
  const parsed = TokenAnswer.safeParse(tokens.data);
  if (!parsed.success) {
    throw new RetryablePublishError(
      'Google answered the token request in a form Herald does not understand.',
    );
  }
  return {
    accessToken: parsed.data.access_token,
    expiresAt: new Date(now.getTime() + parsed.data.expires_in * 1000),
    refreshToken: parsed.data.refresh_token ?? null,
    scopes: (parsed.data.scope ?? '').split(' ').filter(Boolean),
  };
}

/**
 * What a failed token, refresh or revoke call means for Herald. `invalid_grant` (the grant was
 * revoked, expired, or the code was spent) needs the person to connect again; a refused client
 * is Herald's configuration; no answer or a 5xx is worth another try.
 */
export function classifyGoogleOAuthError(error: unknown, what: string): PublishError {
  if (error instanceof OAuth2RequestError) {
    const detail = error.description ? `${error.code}: ${error.description}` : error.code;
    if (error.code === 'invalid_client' || error.code === 'unauthorized_client') {
      return new PermanentPublishError(
        `Google refused Herald's OAuth client while trying to ${what} (${detail}). Check YOUTUBE_CLIENT_ID and YOUTUBE_CLIENT_SECRET.`,
        { platformCode: error.code },
      );
    }
    return new AuthPublishError(
      `Google refused to ${what} (${detail}). Reconnect the YouTube account.`,
      { platformCode: error.code },
    );
  }
  if (error instanceof ArcticFetchError) {
    return new RetryablePublishError(`Could not reach Google to ${what}.`, { cause: error.cause });
  }
  const status =
    error instanceof UnexpectedResponseError || error instanceof UnexpectedErrorResponseBodyError
      ? error.status
      : null;
  if (status !== null && status < 500) {
    return new AuthPublishError(
      `Google answered HTTP ${status} when asked to ${what}. Reconnect the YouTube account.`,
      { platformCode: `http_${status}` },
    );
  }
  if (error instanceof RetryablePublishError) return error;
  return new RetryablePublishError(
    `Google could not ${what} just now${status !== null ? ` (HTTP ${status})` : ''}.`,
    { ...(status !== null ? { platformCode: `http_${status}` } : {}), cause: error },
  );
}
