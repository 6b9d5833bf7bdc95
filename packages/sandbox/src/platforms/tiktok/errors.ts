// TikTok API v2 answers: every response is `{"data":{…},"error":{"code","message","log_id"}}`
// with `error.code` "ok" on success (developers.tiktok.com "Error Handling"; the Content Posting
// API reference adds its own codes such as spam_risk_too_many_posts and
// privacy_level_option_mismatch). The OAuth endpoints answer `{"error","error_description",
// "log_id"}` instead. Messages follow TikTok's where it publishes them; "sandbox wording" marks ours.
import { randomBytes } from 'node:crypto';
import type { GraphErrorFault } from '../../faults.ts';
import { json, type Reply } from '../../http.ts';

export interface TikTokError {
  status: number;
  code: string;
  message: string;
}

/** TikTok's request id: a UTC timestamp and hex, as its answers show them. */
export function logId(now = Date.now()): string {
  const stamp = new Date(now).toISOString().replace(/\D/g, '').slice(0, 14);
  return `${stamp}${randomBytes(10).toString('hex').toUpperCase()}`;
}

/** A success: the data and `error.code` "ok". */
export function okReply(data: unknown, headers?: Record<string, string>): Reply {
  return json(200, { data, error: { code: 'ok', message: '', log_id: logId() } }, headers);
}

export function errorReply(error: TikTokError): Reply {
  return json(error.status, {
    data: {},
    error: { code: error.code, message: error.message, log_id: logId() },
  });
}

const error = (status: number, code: string, message: string): TikTokError => ({
  status,
  code,
  message,
});

/** TikTok's own descriptions of its codes, used where a fault or a check gives no message. */
const DEFAULT_MESSAGES: Record<string, string> = {
  access_token_invalid: 'The access token is invalid or not found in the request.',
  scope_not_authorized:
    'The user did not authorize the scope required for completing this request.',
  scope_permission_missed: 'Access token is invalid, some fields need additional scopes.',
  rate_limit_exceeded: 'The API rate limit was exceeded. Please try again later.',
  internal_error: 'Something went wrong. Please try again later.',
  invalid_params: 'One or more fields in request is invalid.',
  invalid_file_upload: 'The uploaded file does not meet API specifications.',
  spam_risk_too_many_posts: 'The daily post cap from the API is reached for the current user.',
  spam_risk_user_banned_from_posting: 'The user is banned from making new posts.',
  reached_active_user_cap:
    'The daily quota for active publishing users from your client is reached.',
  unaudited_client_can_only_post_to_private_accounts:
    'Unaudited clients can only post to a private account.',
  url_ownership_unverified:
    'To use your URL as a video source, you must verify ownership of the URL prefix or domain.',
  privacy_level_option_mismatch:
    'The privacy_level is not one of the privacy_level_options the creator may use.',
};

export const tiktokErrors = {
  tokenInvalid: () => error(401, 'access_token_invalid', DEFAULT_MESSAGES.access_token_invalid!),
  scopeNotAuthorized: (scope: string) =>
    error(
      401,
      'scope_not_authorized',
      `${DEFAULT_MESSAGES.scope_not_authorized} Missing scope: ${scope}.`,
    ),
  scopePermissionMissed: (fields: string[]) =>
    error(
      400,
      'scope_permission_missed',
      `${DEFAULT_MESSAGES.scope_permission_missed} Fields needing more scopes: ${fields.join(',')}.`,
    ),
  rateLimited: () => error(429, 'rate_limit_exceeded', DEFAULT_MESSAGES.rate_limit_exceeded!),
  invalid: (message: string) => error(400, 'invalid_params', message),
  notFound: (path: string) =>
    error(404, 'invalid_params', `No endpoint ${path} (sandbox wording).`),
  tooManyPosts: () =>
    error(403, 'spam_risk_too_many_posts', DEFAULT_MESSAGES.spam_risk_too_many_posts!),
  unaudited: () =>
    error(
      403,
      'unaudited_client_can_only_post_to_private_accounts',
      DEFAULT_MESSAGES.unaudited_client_can_only_post_to_private_accounts!,
    ),
  urlUnverified: () =>
    error(403, 'url_ownership_unverified', DEFAULT_MESSAGES.url_ownership_unverified!),
  privacyMismatch: (options: readonly string[]) =>
    error(
      403,
      'privacy_level_option_mismatch',
      `${DEFAULT_MESSAGES.privacy_level_option_mismatch} Options: ${options.join(', ')}.`,
    ),
};

/** A `graph_error` fault in TikTok's envelope: `platform_code` is the code, else one fits the status. */
export function injectedError(fault: GraphErrorFault): Reply {
  const code =
    fault.platform_code ??
    (fault.status === 401
      ? 'access_token_invalid'
      : fault.status === 429
        ? 'rate_limit_exceeded'
        : fault.status >= 500
          ? 'internal_error'
          : 'invalid_params');
  const reply = errorReply({
    status: fault.status,
    code,
    message: fault.message ?? DEFAULT_MESSAGES[code] ?? code,
  });
  return { ...reply, headers: { ...reply.headers, ...fault.headers } };
}

/** The OAuth endpoints' error body (RFC 6749 §5.2 names, TikTok's `log_id`). */
export function oauthErrorReply(code: string, description: string): Reply {
  return json(code === 'invalid_client' ? 401 : 400, {
    error: code,
    error_description: description,
    log_id: logId(),
  });
}
