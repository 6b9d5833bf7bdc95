// Google's error bodies. The APIs answer the google.rpc.Status envelope
// (`{"error":{"code","message","status","details":[…]}}`, AIP-193): `details` may hold an
// ErrorInfo (reason, domain, metadata), a BadRequest (fieldViolations) or, from the My Business
// v4 API, a ValidationError whose errorDetails carry an ErrorCode (Shared.Types/ErrorCode:
// 1–199 common, 1000–1099 photos, 1300–1399 operations; numbers are the enum's proto values,
// ◐ from answers seen in the wild). The OAuth endpoints answer RFC 6749 bodies
// (`{"error","error_description"}`). Wording follows Google's answers where they are known;
// sentences marked "sandbox wording" are ours.
import type { GraphErrorFault } from '../../faults.ts';
import { json, type Reply } from '../../http.ts';

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'NOT_IMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

export const statusName = (code: number) =>
  STATUS_NAMES[code] ?? (code >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION');

export interface GoogleError {
  code: number;
  message: string;
  status?: string;
  details?: unknown[];
  headers?: Record<string, string>;
}

export function googleErrorReply(error: GoogleError): Reply {
  const { code, message, details, headers } = error;
  return json(
    code,
    {
      error: {
        code,
        message,
        status: error.status ?? statusName(code),
        ...(details && details.length > 0 ? { details } : {}),
      },
    },
    headers,
  );
}

/** ErrorCode values (Shared.Types/ErrorCode) the sandbox answers. */
export const ERROR_CODE = {
  MISSING_VALUE: 1,
  INVALID_VALUE: 2,
  TOO_MANY_ITEMS: 4,
  INVERTED_RANGE: 7,
  VALUE_OUTSIDE_ALLOWED_RANGE: 8,
  UNSUPPORTED_VALUE: 11,
  PHOTO_FETCH_FAILED: 1000,
  PHOTO_UPLOAD_FAILED: 1001,
} as const;

export interface ErrorDetail {
  code: number;
  field?: string;
  message: string;
}

const errorInfo = (reason: string, metadata: Record<string, string>) => ({
  '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
  reason,
  domain: 'googleapis.com',
  metadata,
});

const SERVICE = 'mybusiness.googleapis.com';
const AUTH_HELP =
  'Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';
const WWW_AUTHENTICATE = {
  'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"',
};

export const googleErrors = {
  /** No bearer token at all. */
  credentialsMissing: (): GoogleError => ({
    code: 401,
    message: `Request is missing required authentication credential. ${AUTH_HELP}`,
    details: [errorInfo('CREDENTIALS_MISSING', { service: SERVICE })],
    headers: { 'www-authenticate': 'Bearer realm="https://accounts.google.com/"' },
  }),
  /** A token Google does not accept: unknown, expired or revoked. */
  invalidCredentials: (reason = 'ACCESS_TOKEN_TYPE_UNSUPPORTED'): GoogleError => ({
    code: 401,
    message: `Request had invalid authentication credentials. ${AUTH_HELP}`,
    details: [errorInfo(reason, { service: SERVICE })],
    headers: WWW_AUTHENTICATE,
  }),
  permissionDenied: (): GoogleError => ({
    code: 403,
    message: 'The caller does not have permission',
  }),
  notFound: (): GoogleError => ({ code: 404, message: 'Requested entity was not found.' }),
  /** Google's answer to a path no method serves. */
  noMethod: (path: string): GoogleError => ({
    code: 404,
    message: `Method not found. (sandbox: nothing is emulated at ${path})`,
  }),
  /** A body Google cannot map onto the request message (malformed JSON, unknown or mistyped fields). */
  badPayload: (message: string, field?: string): GoogleError => ({
    code: 400,
    message,
    details: [
      {
        '@type': 'type.googleapis.com/google.rpc.BadRequest',
        fieldViolations: [{ ...(field ? { field } : {}), description: message }],
      },
    ],
  }),
  /** A required query parameter or field missing (BadRequest field violation). */
  requiredField: (field: string): GoogleError => ({
    code: 400,
    message: 'Request contains an invalid argument.',
    details: [
      {
        '@type': 'type.googleapis.com/google.rpc.BadRequest',
        fieldViolations: [{ field, description: 'Field is required' }],
      },
    ],
  }),
  /** The v4 API's field-level refusal. */
  validation: (errorDetails: ErrorDetail[]): GoogleError => ({
    code: 400,
    message: 'Request contains an invalid argument.',
    details: [
      { '@type': 'type.googleapis.com/google.mybusiness.v4.ValidationError', errorDetails },
    ],
  }),
  /** ◐ What the v4 API answers when a local post carries a video: a bare server error. */
  internal: (): GoogleError => ({ code: 500, message: 'Internal error encountered.' }),
  /** The project's per-minute quota (Google's default: 300 requests per minute). */
  perMinuteQuota: (limit: number): GoogleError => ({
    code: 429,
    message: `Quota exceeded for quota metric 'Requests' and limit 'Requests per minute' of service '${SERVICE}' for consumer 'project_number:000000000000'.`,
    details: [
      errorInfo('RATE_LIMIT_EXCEEDED', {
        service: SERVICE,
        consumer: 'projects/000000000000',
        quota_metric: `${SERVICE}/default_requests`,
        quota_limit: 'DefaultRequestsPerMinutePerProject',
        quota_limit_value: String(limit),
        quota_location: 'global',
      }),
    ],
  }),
  /** Sandbox wording: a per-location daily cap on new local posts, set through the settings. */
  dailyPostQuota: (limit: number): GoogleError => ({
    code: 429,
    message: `Quota exceeded for quota metric 'Local posts' and limit 'Local posts per day per location' of service '${SERVICE}' for consumer 'project_number:000000000000'.`,
    details: [
      errorInfo('RATE_LIMIT_EXCEEDED', {
        service: SERVICE,
        consumer: 'projects/000000000000',
        quota_metric: `${SERVICE}/local_posts`,
        quota_limit: 'LocalPostsPerDayPerLocation',
        quota_limit_value: String(limit),
      }),
    ],
  }),
};

/** A `graph_error` fault, shaped as Google shapes its errors (the fault's message as `message`). */
export function injectedError(fault: GraphErrorFault): Reply {
  return googleErrorReply({
    code: fault.status,
    message: fault.message ?? defaultMessage(fault.status),
    ...(fault.headers ? { headers: fault.headers } : {}),
  });
}

function defaultMessage(status: number): string {
  if (status === 429) return 'Resource has been exhausted (e.g. check quota).';
  if (status === 503) return 'The service is currently unavailable.';
  if (status >= 500) return 'Internal error encountered.';
  if (status === 401) return `Request had invalid authentication credentials. ${AUTH_HELP}`;
  if (status === 403) return 'The caller does not have permission';
  if (status === 404) return 'Requested entity was not found.';
  return 'Request contains an invalid argument.';
}

/** Google's OAuth endpoints' errors (RFC 6749 §5.2), as Google words them (◐ where observed). */
export function oauthErrorReply(error: string, description: string, status = 400): Reply {
  return json(status, { error, error_description: description });
}
