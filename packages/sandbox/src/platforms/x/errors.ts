// X API v2 error bodies. Most errors are RFC 7807 problem details
// (`{"title","detail","type","status"}`); a request with invalid parameters answers
// `{"errors":[{"message","parameters"}],"title","detail","type"}`. Wording follows the v2 docs
// ("Error troubleshooting", docs.x.com) and answers X has been seen to give (◐ where observed
// only); a sentence marked "sandbox wording" is ours.
import type { GraphErrorFault } from '../../faults.ts';
import { json, type Reply } from '../../http.ts';

export interface XProblem {
  status: number;
  title: string;
  detail: string;
  type: string;
  /** Per-parameter messages: the `errors` array of an invalid request. */
  errors?: Array<{ message: string; parameters?: Record<string, string[]> }>;
  headers?: Record<string, string>;
}

export function problemReply(problem: XProblem, headers: Record<string, string> = {}): Reply {
  const { errors, status, title, detail, type } = problem;
  const body = errors ? { errors, title, detail, type } : { title, detail, type, status };
  return json(status, body, { ...headers, ...problem.headers });
}

const INVALID_REQUEST = 'https://api.twitter.com/2/problems/invalid-request';

const invalid = (message: string, parameter?: string, value?: string): XProblem => ({
  status: 400,
  title: 'Invalid Request',
  detail: 'One or more parameters to your request was invalid.',
  type: INVALID_REQUEST,
  errors: [
    {
      message,
      ...(parameter ? { parameters: { [parameter]: value === undefined ? [] : [value] } } : {}),
    },
  ],
});

const forbidden = (detail: string): XProblem => ({
  status: 403,
  title: 'Forbidden',
  detail,
  type: 'about:blank',
});

export const xErrors = {
  unauthorized: (): XProblem => ({
    status: 401,
    title: 'Unauthorized',
    detail: 'Unauthorized',
    type: 'about:blank',
  }),
  tooManyRequests: (): XProblem => ({
    status: 429,
    title: 'Too Many Requests',
    detail: 'Too Many Requests',
    type: 'about:blank',
  }),
  notFound: (path: string): XProblem => ({
    status: 404,
    title: 'Not Found Error',
    detail: `Could not find ${path}`,
    type: 'https://api.twitter.com/2/problems/resource-not-found',
  }),
  invalid,
  /** ◐ observed answer to a post over 280 weighted characters. */
  textTooLong: () =>
    forbidden(
      'Your Tweet text is too long. For more information on how X determines text length see https://github.com/twitter/twitter-text.',
    ),
  duplicate: () => forbidden('You are not allowed to create a Tweet with duplicate content.'),
  /** ◐ observed answer to a reply to a post that is gone or hidden. */
  replyTargetGone: () =>
    forbidden('You attempted to reply to a Tweet that is deleted or not visible to you.'),
  /** Another user's media, or media that is not ready (sandbox wording). */
  mediaNotUsable: (id: string) => invalid(`Your media IDs are invalid.`, 'media.media_ids', id),
  /** Sandbox wording: an upload whose bytes are not what it says. */
  badMedia: (message: string): XProblem => invalid(message),
};

/** A `graph_error` fault, shaped as X shapes its problems (the fault's message as `detail`). */
export function injectedProblem(fault: GraphErrorFault): Reply {
  const title =
    fault.status === 429
      ? 'Too Many Requests'
      : fault.status === 503
        ? 'Service Unavailable'
        : fault.status >= 500
          ? 'Internal Server Error'
          : 'Forbidden';
  return problemReply({
    status: fault.status,
    title,
    detail: fault.message ?? title,
    type: 'about:blank',
    ...(fault.headers ? { headers: fault.headers } : {}),
  });
}

/** OAuth 2.0 token endpoint errors (RFC 6749 §5.2), as X words them (◐). */
export function oauthErrorReply(error: string, description: string, status = 400): Reply {
  return json(status, { error, error_description: description });
}
