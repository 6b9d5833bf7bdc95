// TikTok's OAuth v2 token endpoints ("Manage User Access Tokens"): `POST /v2/oauth/token/` for a
// code or a refresh token, `POST /v2/oauth/revoke/`, form bodies throughout. Hand-rolled rather
// than arctic's OAuth2Client: TikTok names the client `client_key`, not `client_id`, and wants it
// (with client_secret) in the form body, which the generic client cannot send; arctic's own TikTok
// provider has TikTok's hosts built in, so it cannot reach the sandbox. Refresh tokens rotate:
// every refresh answers a new one, and the old one stops working.
import { z } from 'zod';
import { AuthPublishError, RetryablePublishError, type PublishError } from '../errors.ts';
import { classifyTikTokError, classifyTikTokNetworkError } from './errors.ts';

export interface TikTokAppCredentials {
  /** TikTok's name for the OAuth client id. */
  clientKey: string;
  clientSecret: string;
}

export interface TikTokTokenEndpoint extends TikTokAppCredentials {
  /** https://open.tiktokapis.com, or the sandbox's /tiktok. */
  baseUrl: string;
  apiVersion?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  now?: () => Date;
}

const TokenAnswer = z.object({
  access_token: z.string().min(1),
  expires_in: z.number(),
  open_id: z.string().min(1),
  refresh_token: z.string().min(1),
  refresh_expires_in: z.number().optional(),
  scope: z.string().optional(),
});
export type TikTokTokens = z.infer<typeof TokenAnswer>;

const OAuthError = z.object({ error: z.string(), error_description: z.string().optional() });

/** What Herald asks a TikTok creator for: who they are, posting, reading their videos back. */
export const TIKTOK_SCOPES = [
  'user.info.basic',
  // The username (the account's @handle) is a user.info.profile field ("Get User Info").
  'user.info.profile',
  'video.publish',
  'video.list',
];

const endpoint = (config: TikTokTokenEndpoint, path: string) =>
  `${config.baseUrl.replace(/\/+$/, '')}/${config.apiVersion ?? 'v2'}${path}`;

async function postForm(
  config: TikTokTokenEndpoint,
  path: string,
  form: Record<string, string>,
  signal?: AbortSignal,
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const timeoutMs = config.timeoutMs ?? 30_000;
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const response = await (config.fetch ?? fetch)(endpoint(config, path), {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'cache-control': 'no-cache',
      },
      body: new URLSearchParams({
        client_key: config.clientKey,
        client_secret: config.clientSecret,
        ...form,
      }),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: kept as text for the error message.
    }
    return { status: response.status, body, headers: response.headers };
  } catch (error) {
    // Nothing a retry could spoil: a token exchange creates nothing anyone sees.
    throw classifyTikTokNetworkError(error, { timeoutMs, final: false });
  }
}

/** An OAuth error body as a PublishError: a refused grant means reconnecting. */
function oauthFailure(
  config: TikTokTokenEndpoint,
  answer: { status: number; body: unknown; headers: Headers },
  what: string,
): PublishError {
  const oauth = OAuthError.safeParse(answer.body);
  if (oauth.success && answer.status < 500) {
    return new AuthPublishError(
      `TikTok refused ${what} (${oauth.data.error_description ?? oauth.data.error}). Reconnect the account.`,
      { platformCode: oauth.data.error },
    );
  }
  return classifyTikTokError(
    answer.status,
    answer.body,
    answer.headers,
    { final: false },
    (config.now ?? (() => new Date()))(),
  );
}

/** `grant_type=authorization_code` or `refresh_token`: the tokens TikTok answers. */
export async function requestTikTokTokens(
  config: TikTokTokenEndpoint,
  form: Record<string, string>,
  what: string,
  signal?: AbortSignal,
): Promise<TikTokTokens> {
  const answer = await postForm(config, '/oauth/token/', form, signal);
  // An error body fails the exchange whatever the status says.
  if (answer.status !== 200 || OAuthError.safeParse(answer.body).success) {
    throw oauthFailure(config, answer, what);
  }
  const parsed = TokenAnswer.safeParse(answer.body);
  if (!parsed.success) {
    throw new RetryablePublishError(
      `TikTok answered ${what} in a form Herald does not understand.`,
    );
  }
  return parsed.data;
}

/** `POST /v2/oauth/revoke/`: the access token stops working and the app leaves the account. */
export async function revokeTikTokToken(
  config: TikTokTokenEndpoint,
  accessToken: string,
  signal?: AbortSignal,
): Promise<void> {
  const answer = await postForm(config, '/oauth/revoke/', { token: accessToken }, signal);
  if (answer.status !== 200 || OAuthError.safeParse(answer.body).success) {
    throw oauthFailure(config, answer, 'to revoke the token');
  }
}
