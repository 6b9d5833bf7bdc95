// Google's error envelope as the YouTube Data API sends it:
//   {"error":{"code":403,"message":"…","errors":[{"message","domain","reason","location"?,
//   "locationType"?}],"status"?}}
// `code` is the HTTP status; `errors[].reason` says what happened (developers.google.com/youtube
// /v3/docs/errors and each method's error table). Auth failures also carry the canonical
// `status` and a WWW-Authenticate header. The OAuth endpoints answer RFC 6749's
// `{"error","error_description"}` instead. Wording marked "sandbox wording" is ours where
// Google's exact text is not documented.
import type { GraphErrorFault } from '../../faults.ts';
import { json, type Reply } from '../../http.ts';

export interface GoogleError {
  /** HTTP status, echoed as error.code. */
  status: number;
  message: string;
  reason: string;
  domain: string;
  location?: string;
  locationType?: 'header' | 'parameter' | 'other';
  /** Canonical status name (UNAUTHENTICATED, PERMISSION_DENIED, …) where Google sends one. */
  statusName?: string;
  headers?: Record<string, string>;
}

export function googleErrorReply(error: GoogleError): Reply {
  const item = {
    message: error.message,
    domain: error.domain,
    reason: error.reason,
    ...(error.location ? { location: error.location } : {}),
    ...(error.locationType ? { locationType: error.locationType } : {}),
  };
  return json(
    error.status,
    {
      error: {
        code: error.status,
        message: error.message,
        errors: [item],
        ...(error.statusName ? { status: error.statusName } : {}),
      },
    },
    error.headers,
  );
}

const REALM = 'Bearer realm="https://accounts.google.com/"';
const CREDENTIALS_HINT =
  'Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';
const QUOTA_MESSAGE =
  'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">quota</a>.';

const video = (status: number, reason: string, message: string): GoogleError => ({
  status,
  reason,
  message,
  domain: 'youtube.video',
});

export const youtubeErrors = {
  loginRequired: (): GoogleError => ({
    status: 401,
    message: `Request is missing required authentication credential. ${CREDENTIALS_HINT}`,
    reason: 'required',
    domain: 'global',
    location: 'Authorization',
    locationType: 'header',
    statusName: 'UNAUTHENTICATED',
    headers: { 'www-authenticate': REALM },
  }),
  invalidCredentials: (): GoogleError => ({
    status: 401,
    message: `Request had invalid authentication credentials. ${CREDENTIALS_HINT}`,
    reason: 'authError',
    domain: 'global',
    location: 'Authorization',
    locationType: 'header',
    statusName: 'UNAUTHENTICATED',
    headers: { 'www-authenticate': `${REALM}, error="invalid_token"` },
  }),
  insufficientScopes: (needed: string): GoogleError => ({
    status: 403,
    message: 'Request had insufficient authentication scopes.',
    reason: 'insufficientPermissions',
    domain: 'global',
    statusName: 'PERMISSION_DENIED',
    headers: { 'www-authenticate': `${REALM}, error="insufficient_scope", scope="${needed}"` },
  }),
  quotaExceeded: (): GoogleError => ({
    status: 403,
    message: QUOTA_MESSAGE,
    reason: 'quotaExceeded',
    domain: 'youtube.quota',
  }),
  uploadLimitExceeded: () =>
    video(
      400,
      'uploadLimitExceeded',
      'The user has exceeded the number of videos they may upload.',
    ),
  invalidTitle: () =>
    video(400, 'invalidTitle', 'The request metadata specifies an invalid or empty video title.'),
  invalidDescription: () =>
    video(
      400,
      'invalidDescription',
      'The request metadata specifies an invalid video description.',
    ),
  invalidTags: () =>
    video(400, 'invalidTags', 'The request metadata specifies invalid video keywords.'),
  invalidCategoryId: () =>
    video(
      400,
      'invalidCategoryId',
      'The snippet.categoryId property specifies an invalid category ID. Use the videoCategories.list method to retrieve supported categories.',
    ),
  invalidVideoMetadata: () =>
    video(400, 'invalidVideoMetadata', 'The request metadata is invalid.'),
  mediaBodyRequired: () =>
    video(400, 'mediaBodyRequired', 'The request does not include the video content.'),
  required: (parameter: string): GoogleError => ({
    status: 400,
    message: `Required parameter: ${parameter}`,
    reason: 'required',
    domain: 'global',
    location: parameter,
    locationType: 'parameter',
  }),
  unknownPart: (part: string): GoogleError => ({
    status: 400,
    message: `'${part}'`,
    reason: 'unknownPart',
    domain: 'youtube.part',
    location: 'part',
    locationType: 'parameter',
  }),
  missingFilter: (filters: string): GoogleError => ({
    status: 400,
    message: `No filter selected. Expected one of: ${filters}`,
    reason: 'missingRequiredParameter',
    domain: 'youtube.parameter',
  }),
  invalidPageToken: (): GoogleError => ({
    status: 400,
    message: 'The request specifies an invalid page token.',
    reason: 'invalidPageToken',
    domain: 'youtube.parameter',
    location: 'pageToken',
    locationType: 'parameter',
  }),
  /** ◐ Google's answer to a media type it does not take. */
  badContent: (type: string, valid: string): GoogleError => ({
    status: 400,
    message: `Media type '${type}' is not supported. Valid media types: [${valid}]`,
    reason: 'badContent',
    domain: 'global',
  }),
  /** Sandbox wording, for requests the sandbox refuses where YouTube's text is not documented. */
  badRequest: (message: string): GoogleError => ({
    status: 400,
    message,
    reason: 'badRequest',
    domain: 'global',
  }),
  /** Sandbox wording: an upload session that never existed or expired (a week after it began). */
  sessionNotFound: (): GoogleError => ({
    status: 404,
    message: 'The upload session was not found or has expired. Start a new upload.',
    reason: 'notFound',
    domain: 'global',
  }),
  /** Sandbox wording: a chunk whose Content-Range does not fit the upload. */
  badContentRange: (detail: string): GoogleError => ({
    status: 400,
    message: `Invalid Content-Range: ${detail}`,
    reason: 'badRequest',
    domain: 'global',
    location: 'Content-Range',
    locationType: 'header',
  }),
  /** Sandbox wording: a media upload larger than the sandbox takes in one request. */
  uploadTooLarge: (maxBytes: number): GoogleError => ({
    status: 413,
    message: `Media larger than ${maxBytes} bytes cannot be sent in one request.`,
    reason: 'uploadTooLarge',
    domain: 'global',
  }),
  videoNotFound: (domain = 'youtube.video'): GoogleError => ({
    status: 404,
    message:
      "The video that you are trying to insert a thumbnail image for cannot be found. Check the value of the request's videoId parameter to ensure that it is correct.",
    reason: 'videoNotFound',
    domain,
  }),
  thumbnailForbidden: (): GoogleError => ({
    status: 403,
    message:
      "The thumbnail can't be set for the specified video. The request might not be properly authorized.",
    reason: 'forbidden',
    domain: 'youtube.thumbnail',
  }),
  invalidImage: (): GoogleError => ({
    status: 400,
    message: 'The provided image content is invalid.',
    reason: 'invalidImage',
    domain: 'youtube.thumbnail',
  }),
  imageBodyRequired: (): GoogleError => ({
    status: 400,
    message: 'The request does not include the image content.',
    reason: 'mediaBodyRequired',
    domain: 'youtube.thumbnail',
  }),
  playlistNotFound: (): GoogleError => ({
    status: 404,
    message:
      "The playlist identified with the request's <code>playlistId</code> parameter cannot be found.",
    reason: 'playlistNotFound',
    domain: 'youtube.playlistItem',
    location: 'playlistId',
    locationType: 'parameter',
  }),
  /** Sandbox wording: Google answers an unknown path with an HTML page. */
  notFound: (path: string): GoogleError => ({
    status: 404,
    message: `The sandbox's YouTube has no endpoint ${path}.`,
    reason: 'notFound',
    domain: 'global',
  }),
};

/**
 * Reasons a `graph_error` fault may name in its `message`, with the domain and text YouTube
 * sends for each (a fault `{status: 403, code: 403, message: 'quotaExceeded'}` answers exactly
 * what YouTube answers when the quota is spent).
 */
const KNOWN_REASONS: Record<string, { domain: string; message: string }> = {
  quotaExceeded: { domain: 'youtube.quota', message: QUOTA_MESSAGE },
  rateLimitExceeded: { domain: 'usageLimits', message: 'Rate Limit Exceeded' },
  userRateLimitExceeded: { domain: 'usageLimits', message: 'User Rate Limit Exceeded' },
  uploadLimitExceeded: youtubeErrors.uploadLimitExceeded(),
  uploadRateLimitExceeded: {
    domain: 'youtube.thumbnail',
    message:
      'The channel has uploaded too many thumbnails recently. Please try the request again later.',
  },
  authError: { domain: 'global', message: 'Invalid Credentials' },
  insufficientPermissions: { domain: 'global', message: 'Insufficient Permission' },
  forbidden: {
    domain: 'youtube.video',
    message: 'Access forbidden. The request may not be properly authorized.',
  },
  forbiddenPrivacySetting: {
    domain: 'youtube.video',
    message: 'The request attempts to set an invalid privacy setting for the video.',
  },
  youtubeSignupRequired: {
    domain: 'youtube.header',
    message:
      'This error indicates that the user has an unlinked Google Account, which means that the user has a Google Account but does not have a YouTube channel.',
  },
  authenticatedUserAccountSuspended: {
    domain: 'youtube.header',
    message: 'The YouTube account of the authenticated user is suspended.',
  },
  invalidTitle: youtubeErrors.invalidTitle(),
  invalidDescription: youtubeErrors.invalidDescription(),
  invalidTags: youtubeErrors.invalidTags(),
  invalidCategoryId: youtubeErrors.invalidCategoryId(),
  invalidVideoMetadata: youtubeErrors.invalidVideoMetadata(),
  mediaBodyRequired: youtubeErrors.mediaBodyRequired(),
  invalidImage: youtubeErrors.invalidImage(),
  videoNotFound: youtubeErrors.videoNotFound(),
  backendError: { domain: 'global', message: 'Backend Error' },
};

const STATUS_REASONS: Record<number, { reason: string; domain: string; message: string }> = {
  400: { reason: 'badRequest', domain: 'global', message: 'Bad Request' },
  401: { reason: 'authError', domain: 'global', message: 'Invalid Credentials' },
  403: { reason: 'forbidden', domain: 'global', message: 'Forbidden' },
  404: { reason: 'notFound', domain: 'global', message: 'Not Found' },
  429: { reason: 'rateLimitExceeded', domain: 'global', message: 'Resource has been exhausted' },
  500: { reason: 'backendError', domain: 'global', message: 'Backend Error' },
  503: {
    reason: 'backendError',
    domain: 'global',
    message: 'The service is currently unavailable.',
  },
};

const CANONICAL: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

/**
 * A `graph_error` fault in Google's envelope: HTTP `status` (also error.code), the reason the
 * fault's message names when it is one of YouTube's (with YouTube's text for it), else the usual
 * reason for the status with the fault's message. The fault's numeric `code` is not used: Google
 * has no code besides the HTTP status.
 */
export function injectedGoogleError(fault: GraphErrorFault): Reply {
  const known = fault.message ? KNOWN_REASONS[fault.message] : undefined;
  const fallback = STATUS_REASONS[fault.status] ?? STATUS_REASONS[fault.status >= 500 ? 500 : 400]!;
  const reason = known ? fault.message! : fallback.reason;
  return googleErrorReply({
    status: fault.status,
    reason,
    domain: known?.domain ?? fallback.domain,
    message: known?.message ?? fault.message ?? fallback.message,
    ...(CANONICAL[fault.status] ? { statusName: CANONICAL[fault.status] } : {}),
    ...(fault.headers ? { headers: fault.headers } : {}),
  });
}

/** The OAuth endpoints' errors (RFC 6749 §5.2), as oauth2.googleapis.com words them (◐). */
export const oauthError = (error: string, description: string, status = 400): Reply =>
  json(status, { error, error_description: description });
