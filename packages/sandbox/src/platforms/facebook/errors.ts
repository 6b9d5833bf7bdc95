// Graph API error envelopes, worded as the real API words them (as far as its docs and
// observed responses tell). Graph answers most errors with HTTP 400, server trouble with 5xx.
import { randomBytes } from 'node:crypto';
import type { GraphErrorFault } from '../../faults.ts';
import { json, type Reply } from '../../http.ts';

export interface GraphError {
  status: number;
  code: number;
  type: string;
  message: string;
  subcode?: number;
  userTitle?: string;
  userMsg?: string;
  isTransient?: boolean;
  headers?: Record<string, string>;
}

export function graphErrorReply(error: GraphError): Reply {
  return json(
    error.status,
    {
      error: {
        message: error.message,
        type: error.type,
        code: error.code,
        error_subcode: error.subcode,
        error_user_title: error.userTitle,
        error_user_msg: error.userMsg,
        is_transient: error.isTransient,
        fbtrace_id: randomBytes(8).toString('base64url'),
      },
    },
    error.headers,
  );
}

const oauth = (code: number, message: string, extra: Partial<GraphError> = {}): GraphError => ({
  status: 400,
  code,
  type: 'OAuthException',
  message,
  ...extra,
});

const NO_SUCH_OBJECT =
  'does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api';

const REVOKED_MESSAGES: Record<number, string> = {
  458: 'Error validating access token: The user has not authorized application.',
  460: 'Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.',
  463: 'Error validating access token: Session has expired.',
  467: 'Error validating access token: The session is invalid because the user logged out.',
};

export const graphErrors = {
  missingToken: () => oauth(104, 'An access token is required to request this resource.'),
  invalidToken: () => oauth(190, 'Invalid OAuth access token - Cannot parse access token'),
  revokedToken: (subcode: number) =>
    oauth(190, REVOKED_MESSAGES[subcode] ?? 'Error validating access token.', { subcode }),
  missingMessage: () => oauth(100, '(#100) Missing message or attachment'),
  badLink: () => oauth(100, '(#100) link URL is not properly formatted'),
  // Sandbox wording: Graph's own reply to a malformed JSON body is not documented.
  badJson: () => oauth(100, '(#100) The request body is not valid JSON'),
  nonexistingField: (field: string) =>
    oauth(100, `(#100) Tried accessing nonexisting field (${field}) on node type (PagePost)`),
  invalidParameter: (name: string) => oauth(100, `(#100) Invalid parameter: ${name}`),
  unknownPath: (path: string) => oauth(2500, `Unknown path components: ${path}`),
  requiredParameter: (name: string) => oauth(100, `(#100) The parameter ${name} is required`),
  // Photos and videos Graph fetches from a URL (Page Photos and Page Videos reference, and
  // what Graph has been seen to answer).
  /** No file in the request: Graph's answer to a photo without `url` (or `source`). */
  requiresUploadFile: () => oauth(324, '(#324) Requires upload file'),
  /** Graph could not download `url` at all. */
  unfetchablePhotoUrl: () => oauth(100, '(#100) url should represent a valid URL'),
  /** Not an image Graph takes (wrong type, not what it claims, over the size limit). */
  invalidImage: () => oauth(324, '(#324) Missing or invalid image file'),
  unfetchableVideoUrl: () => oauth(389, 'Unable to fetch video file from URL.'),
  unsupportedVideo: () =>
    oauth(352, "The video file you selected is in a format that we don't support."),
  /** Graph's generic "this file will not do" for videos; the sandbox uses it for one over 1 GB. */
  videoUploadProblem: () =>
    oauth(
      6000,
      'There was a problem uploading your video file. Please try again with another file.',
    ),
  attachedMediaNotArray: () => oauth(100, '(#100) param attached_media must be an array.'),
  invalidAttachedMedia: (index: number) =>
    oauth(100, `(#100) Param attached_media[${index}][media_fbid] must be a valid media id`),
  unsupported: (method: string, id: string): GraphError => ({
    status: 400,
    code: 100,
    subcode: 33,
    type: 'GraphMethodException',
    message: `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' ${NO_SUCH_OBJECT}`,
  }),
};

const DEFAULT_MESSAGES: Record<number, string> = {
  1: 'An unknown error occurred',
  2: 'An unexpected error has occurred. Please retry your request later.',
  4: '(#4) Application request limit reached',
  10: '(#10) Application does not have permission for this action',
  17: '(#17) User request limit reached',
  32: '(#32) Page request limit reached',
  100: '(#100) Invalid parameter',
  190: 'Invalid OAuth access token - Cannot parse access token',
  200: '(#200) Permissions error',
  368: '(#368) The action attempted has been deemed abusive or is otherwise disallowed',
  506: '(#506) Duplicate status message',
  613: '(#613) Calls to this api have exceeded the rate limit.',
  80001:
    '(#80001) There have been too many calls to this Page account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.',
};

export function injectedGraphError(fault: GraphErrorFault): Reply {
  return graphErrorReply({
    status: fault.status,
    code: fault.code,
    type: 'OAuthException',
    message: fault.message ?? DEFAULT_MESSAGES[fault.code] ?? `(#${fault.code}) Injected error`,
    subcode: fault.subcode,
    userTitle: fault.error_user_title,
    userMsg: fault.error_user_msg,
    // Graph marks its "retry later" error transient.
    isTransient: fault.is_transient ?? (fault.code === 2 ? true : undefined),
    headers: fault.headers,
  });
}
