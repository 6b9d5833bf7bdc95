// LinkedIn's error envelopes, as its REST (Rest.li) APIs send them: `{"status","serviceErrorCode",
// "code","message"}` for platform errors (Microsoft Learn, "Error Handling"), the validation
// shapes seen in the field (`ERROR :: /field :: …` for a missing field, `BadRequestResponseException`
// with `errorDetails.inputErrors` for a refused value or a duplicate post), and the OAuth
// endpoint's `{"error","error_description"}`. Wording marked "sandbox wording" is ours where
// LinkedIn's exact text is not documented.
import type { GraphErrorFault } from '../../faults.ts';
import { json, type Reply } from '../../http.ts';

export interface LinkedInError {
  status: number;
  message: string;
  serviceErrorCode?: number;
  code?: string;
  /** The `BadRequestResponseException` shape: detail type and input errors. */
  inputError?: { description: string; code: string; maxLength?: number };
  headers?: Record<string, string>;
}

export function linkedinErrorReply(error: LinkedInError): Reply {
  const body: Record<string, unknown> = {};
  if (error.inputError) {
    body.errorDetailType = 'com.linkedin.common.error.BadRequest';
    body.message = error.message;
    body.errorDetails = { inputErrors: [{ ...error.inputError, input: {} }] };
    body.status = error.status;
  } else {
    body.status = error.status;
    if (error.serviceErrorCode !== undefined) body.serviceErrorCode = error.serviceErrorCode;
    if (error.code !== undefined) body.code = error.code;
    body.message = error.message;
  }
  return json(error.status, body, { 'x-restli-protocol-version': '2.0.0', ...error.headers });
}

const badRequest = (status: number, detail: string, inputError: LinkedInError['inputError']) => ({
  status,
  message: `com.linkedin.content.common.exception.BadRequestResponseException: ${detail}`,
  inputError,
});

export const linkedinErrors = {
  emptyToken: (): LinkedInError => ({
    status: 401,
    serviceErrorCode: 401,
    message: 'Empty oauth2_access_token',
  }),
  invalidToken: (): LinkedInError => ({
    status: 401,
    serviceErrorCode: 65600,
    code: 'INVALID_ACCESS_TOKEN',
    message: 'Invalid access token',
  }),
  revokedToken: (): LinkedInError => ({
    status: 401,
    serviceErrorCode: 65601,
    code: 'REVOKED_ACCESS_TOKEN',
    message: 'The token used in the request has been revoked by the user',
  }),
  expiredToken: (): LinkedInError => ({
    status: 401,
    serviceErrorCode: 65602,
    code: 'EXPIRED_ACCESS_TOKEN',
    message: 'The token used in the request has expired',
  }),
  /** The token's member may not act as this author (a Page they do not administer). */
  accessDenied: (method: string, resource: string): LinkedInError => ({
    status: 403,
    serviceErrorCode: 100,
    code: 'ACCESS_DENIED',
    message: `Not enough permissions to access: ${method} ${resource}`,
  }),
  /** Sandbox wording: LinkedIn's text for a request without the header is not documented. */
  versionMissing: (): LinkedInError => ({
    status: 400,
    code: 'VERSION_MISSING',
    message:
      'A version must be present. Please specify a version by adding the LinkedIn-Version header.',
  }),
  /** `LinkedIn-Version: 202504` that is sunset (or not yet released) answers with 20250401. */
  nonexistentVersion: (version: string): LinkedInError => ({
    status: 426,
    code: 'NONEXISTENT_VERSION',
    message: `Requested version ${/^\d{6}$/.test(version) ? `${version}01` : version} is not active`,
  }),
  /** Sandbox wording: versioned APIs need Rest.li 2.0.0 (its URN-encoded query syntax). */
  restliProtocol: (): LinkedInError => ({
    status: 400,
    code: 'ILLEGAL_ARGUMENT',
    message: 'X-Restli-Protocol-Version 2.0.0 is required by versioned APIs',
  }),
  notJson: (): LinkedInError => ({
    status: 400,
    code: 'ILLEGAL_ARGUMENT',
    message: 'Request body could not be converted to data map',
  }),
  /** Rest.li's schema validation: one line per problem. */
  schema: (problems: readonly string[]): LinkedInError => ({
    status: 422,
    message: problems.map((p) => `ERROR :: ${p}\n`).join(''),
  }),
  requiredField: (path: string) =>
    `${path} :: field is required but not found and has no default value`,
  /** `value` as JSON (a string quoted). */
  invalidValue: (path: string, value: string) => `${path} :: ${value} is not an enum symbol`,
  commentaryTooLong: (length: number): LinkedInError =>
    badRequest(
      400,
      `ShareCommentary text length (${length} characters) exceeded the maximum allowed (3000 characters)`,
      {
        description: 'Size of array cannot be higher than the maxLength',
        code: 'FIELD_ARRAY_SIZE_TOO_HIGH',
        maxLength: 3000,
      },
    ),
  duplicate: (urn: string): LinkedInError =>
    badRequest(422, `Content is a duplicate of ${urn}`, {
      description: 'Duplicate post is detected',
      code: 'DUPLICATE_POST',
    }),
  /** Sandbox wording: an image whose bytes never arrived (or another owner's image). */
  mediaNotReady: (urn: string, status: string): LinkedInError =>
    badRequest(400, `Media ${urn} is not AVAILABLE (status ${status}) and cannot be posted`, {
      description: 'Media asset is not ready',
      code: 'INVALID_MEDIA',
    }),
  unknownMedia: (urn: string): LinkedInError =>
    badRequest(400, `Media ${urn} does not exist`, {
      description: 'Media asset not found',
      code: 'INVALID_MEDIA',
    }),
  multiImageCount: (count: number): LinkedInError =>
    badRequest(400, `MultiImage must contain between 2 and 20 images, found ${count}`, {
      description: 'Size of array is out of range',
      code: 'FIELD_ARRAY_SIZE_OUT_OF_RANGE',
    }),
  /** Sandbox wording for an upload whose bytes are not a JPEG, PNG or GIF. */
  unsupportedImage: (): LinkedInError => ({
    status: 400,
    code: 'ILLEGAL_ARGUMENT',
    message: 'Unsupported image format: upload a JPG, GIF or PNG file',
  }),
  uploadTooLarge: (): LinkedInError => ({
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    message: 'The uploaded image is larger than the sandbox accepts (36 MB)',
  }),
  /** The Videos API's documented answer when the caller may not act for the video's owner. */
  videoForbidden: (): LinkedInError => ({
    status: 403,
    message:
      'Accessing this video resource is forbidden. Please check your permissions for this resource',
  }),
  /** Sandbox wording: captions and custom thumbnails of videos are not emulated. */
  videoExtrasNotEmulated: (field: string): LinkedInError => ({
    status: 400,
    code: 'ILLEGAL_ARGUMENT',
    message: `The sandbox does not emulate ${field}: send it as false`,
  }),
  /** Sandbox wording for a part whose bytes do not match its byte range. */
  videoPartSize: (expected: number, got: number): LinkedInError => ({
    status: 400,
    code: 'ILLEGAL_ARGUMENT',
    message: `This part must be ${expected} bytes (its firstByte to lastByte), but ${got} arrived`,
  }),
  /** Sandbox wording: an upload URL past `uploadUrlsExpireAt`, or one whose signature is wrong. */
  videoUploadUrlRefused: (): LinkedInError => ({
    status: 403,
    code: 'ACCESS_DENIED',
    message: 'The upload URL is expired or invalid',
  }),
  /** Sandbox wording for a finalize that does not name every part's ETag, in order. */
  videoPartsIncomplete: (detail: string): LinkedInError => ({
    status: 400,
    code: 'ILLEGAL_ARGUMENT',
    message: `Video upload cannot be finalized: ${detail}`,
  }),
  /** Sandbox wording for a second finalize of the same video. */
  videoAlreadyFinalized: (urn: string, status: string): LinkedInError => ({
    status: 400,
    code: 'ILLEGAL_ARGUMENT',
    message: `Video ${urn} is not waiting for an upload (status ${status})`,
  }),
  notFound: (resource: string): LinkedInError => ({
    status: 404,
    code: 'NOT_FOUND',
    message: `No virtual resource found for ${resource}`,
  }),
  methodNotAllowed: (method: string, resource: string): LinkedInError => ({
    status: 405,
    code: 'METHOD_NOT_ALLOWED',
    message: `Method ${method} is not supported for ${resource}`,
  }),
  badFinderParameter: (name: string): LinkedInError => ({
    status: 400,
    code: 'ILLEGAL_ARGUMENT',
    message: `Invalid value for query parameter ${name}`,
  }),
};

const DEFAULT_MESSAGES: Record<number, { code: string; message: string }> = {
  400: { code: 'ILLEGAL_ARGUMENT', message: 'Bad request' },
  401: { code: 'INVALID_ACCESS_TOKEN', message: 'Invalid access token' },
  403: { code: 'ACCESS_DENIED', message: 'Not enough permissions to access: POST /posts' },
  422: { code: 'UNPROCESSABLE_ENTITY', message: 'Unprocessable entity' },
  429: {
    code: 'TOO_MANY_REQUESTS',
    message: 'Resource level throttle APPLICATION DAY limit for calls to this resource is reached.',
  },
  500: { code: 'INTERNAL_SERVER_ERROR', message: 'Internal Server Error' },
  503: { code: 'SERVICE_UNAVAILABLE', message: 'Service Unavailable' },
};

/**
 * A `graph_error` fault (the control API's one structured error) in LinkedIn's envelope:
 * `status` as is, `code` as `serviceErrorCode`, and the message (LinkedIn's usual text for the
 * status when none is given).
 */
export function injectedLinkedInError(fault: GraphErrorFault): Reply {
  const known = DEFAULT_MESSAGES[fault.status];
  return linkedinErrorReply({
    status: fault.status,
    serviceErrorCode: fault.code,
    code: known?.code ?? 'ERROR',
    message: fault.message ?? known?.message ?? `Injected error ${fault.code}`,
    ...(fault.headers ? { headers: fault.headers } : {}),
  });
}

/** The OAuth endpoint's errors (RFC 6749 §5.2), as www.linkedin.com/oauth/v2 words them. */
export const oauthError = (error: string, description: string): Reply =>
  json(400, { error, error_description: description });
