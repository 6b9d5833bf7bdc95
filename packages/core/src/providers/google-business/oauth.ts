// Google's OAuth 2.0 endpoints as the Business Profile connector and adapter use them, through
// arctic's generic OAuth2Client (Google's is standard OAuth 2.0 with PKCE): the consent page at
// `{oauthUrl}/o/oauth2/v2/auth` (accounts.google.com), the token and revoke endpoints at
// `{tokenUrl}/token` and `{tokenUrl}/revoke` (oauth2.googleapis.com). arctic cannot take an
// AbortSignal or a fetch, so a call is raced against Herald's timeout (the request itself may
// finish later, harmlessly: a token nobody stores is never used).
import {
  ArcticFetchError,
  OAuth2RequestError,
  type OAuth2Tokens,
  UnexpectedErrorResponseBodyError,
  UnexpectedResponseError,
} from 'arctic';
import {
  AuthPublishError,
  PermanentPublishError,
  type PublishError,
  RetryablePublishError,
} from '../errors.ts';

/** The one scope Business Profile needs: manage locations, including their posts. */
export const GOOGLE_BUSINESS_SCOPE = 'https://www.googleapis.com/auth/business.manage';

const trim = (url: string) => url.replace(/\/+$/, '');
export const authorizeEndpoint = (oauthUrl: string) => `${trim(oauthUrl)}/o/oauth2/v2/auth`;
export const tokenEndpoint = (tokenUrl: string) => `${trim(tokenUrl)}/token`;
export const revokeEndpoint = (tokenUrl: string) => `${trim(tokenUrl)}/revoke`;

/**
 * Runs one call to Google's token or revoke endpoint, its failures as PublishErrors: a refused
 * grant (invalid_grant: expired, revoked, a wrong PKCE verifier) needs the person again;
 * Herald's own client being refused is configuration; anything unanswered can be retried.
 */
export async function googleOAuthCall<T>(
  what: string,
  call: () => Promise<T>,
  timeoutMs: number,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new RetryablePublishError(`Google did not answer ${what} within ${timeoutMs / 1000} s.`),
        ),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([call(), timeout]);
  } catch (error) {
    throw oauthFailure(what, error);
  } finally {
    clearTimeout(timer);
  }
}

function oauthFailure(what: string, error: unknown): PublishError {
  if (error instanceof RetryablePublishError) return error;
  if (error instanceof OAuth2RequestError) {
    const detail = error.description ? `${error.code}: ${error.description}` : error.code;
    if (error.code === 'invalid_client') {
      return new PermanentPublishError(
        `Google does not accept Herald’s OAuth client (${detail}): check the Google Business Profile client id and secret.`,
        { platformCode: error.code, cause: error },
      );
    }
    return new AuthPublishError(`Google refused ${what} (${detail}). Connect the account again.`, {
      platformCode: error.code,
      cause: error,
    });
  }
  if (error instanceof ArcticFetchError) {
    return new RetryablePublishError(`Herald could not reach Google for ${what}.`, {
      cause: error,
    });
  }
  if (
    error instanceof UnexpectedResponseError ||
    error instanceof UnexpectedErrorResponseBodyError
  ) {
    const text = `Google answered ${what} with HTTP ${error.status}.`;
    return error.status >= 500
      ? new RetryablePublishError(text, { platformCode: `http_${error.status}`, cause: error })
      : new PermanentPublishError(text, { platformCode: `http_${error.status}`, cause: error });
  }
  return new RetryablePublishError(`Google’s answer to ${what} was not understood.`, {
    cause: error,
  });
}

/** The access token, its expiry and any refresh token out of a token answer. */
export function readTokens(
  tokens: OAuth2Tokens,
  now: Date,
): { accessToken: string; expiresAt: Date | null; refreshToken: string | null; scopes: string[] } {
  const data = tokens.data as { expires_in?: unknown };
  return {
    accessToken: tokens.accessToken(),
    expiresAt:
      typeof data.expires_in === 'number' ? new Date(now.getTime() + data.expires_in * 1000) : null,
    refreshToken: tokens.hasRefreshToken() ? tokens.refreshToken() : null,
    scopes: tokens.hasScopes() ? tokens.scopes() : [],
  };
}
