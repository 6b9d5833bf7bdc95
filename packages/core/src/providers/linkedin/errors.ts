// Turns a failed LinkedIn REST call into a PublishError. LinkedIn answers errors with
// `{"status","serviceErrorCode","code","message"}` (Microsoft Learn, "Error Handling"), or for a
// refused value `{"errorDetailType","message","errorDetails":{"inputErrors":[{"code"}]},"status"}`.
// 401 is the token (EXPIRED_ACCESS_TOKEN, REVOKED_ACCESS_TOKEN, INVALID_ACCESS_TOKEN), 403 a
// missing scope or Page role, 426 a sunset `LinkedIn-Version`, 429 a throttle (no reset header;
// daily limits reset at midnight UTC, per LinkedIn's rate-limit docs), 422 DUPLICATE_POST a post
// that already exists.
import { z } from 'zod';
import {
  AmbiguousPublishError,
  AuthPublishError,
  PermanentPublishError,
  PublishError,
  RateLimitedPublishError,
  RetryablePublishError,
} from '../errors.ts';

const LinkedInEnvelope = z.object({
  status: z.number().optional(),
  serviceErrorCode: z.number().optional(),
  code: z.string().optional(),
  message: z.string().optional(),
  errorDetails: z
    .object({
      inputErrors: z
        .array(z.object({ code: z.string().optional(), description: z.string().optional() }))
        .optional(),
    })
    .optional(),
});

/** LinkedIn prefixes validation messages with the Java exception's name: people need the rest. */
const EXCEPTION_PREFIX = /^[\w.]+Exception:\s*/;
const DUPLICATE = /Content is a duplicate of (urn:li:(?:share|ugcPost):\S+)/;

/** The post a DUPLICATE_POST error names, if `error` is one. */
export function duplicateOf(error: PublishError): string | undefined {
  return error.platformCode === 'DUPLICATE_POST' ? DUPLICATE.exec(error.message)?.[1] : undefined;
}

export function classifyLinkedInError(
  status: number,
  body: unknown,
  headers: Headers,
  now: Date = new Date(),
): PublishError {
  const parsed = LinkedInEnvelope.safeParse(body);
  const envelope = parsed.success && parsed.data.message !== undefined ? parsed.data : undefined;
  const inputCode = envelope?.errorDetails?.inputErrors?.find((e) => e.code)?.code;
  const platformCode = inputCode ?? envelope?.code ?? `http_${status}`;
  const detail = envelope?.message?.replace(EXCEPTION_PREFIX, '').trim();
  const options = { platformCode };

  if (status === 429) {
    const retryAt =
      retryAfter(headers, now) ?? (isDaily(detail) ? nextUtcMidnight(now) : undefined);
    return new RateLimitedPublishError(
      `LinkedIn is limiting requests for now${detail ? `: ${detail}` : ' (HTTP 429)'}.`,
      { ...options, ...(retryAt ? { retryAt } : {}) },
    );
  }
  if (status === 401) {
    const problem =
      envelope?.code === 'EXPIRED_ACCESS_TOKEN'
        ? 'the access token expired'
        : envelope?.code === 'REVOKED_ACCESS_TOKEN'
          ? "the member revoked Herald's access"
          : (detail ?? 'LinkedIn rejected the access token');
    return new AuthPublishError(
      `LinkedIn no longer accepts Herald's access to this account (${problem}). Reconnect the account to keep publishing.`,
      options,
    );
  }
  if (status === 403) {
    return new AuthPublishError(
      `Herald is missing a LinkedIn permission for this account (${detail ?? 'HTTP 403'}). Reconnect it and grant posting (w_member_social, or w_organization_social as a Page administrator).`,
      options,
    );
  }
  if (status === 426 || envelope?.code === 'NONEXISTENT_VERSION') {
    // Herald's configuration, not the post: retrying after the version is updated will work.
    return new RetryablePublishError(
      `LinkedIn no longer serves the API version Herald asks for (${detail ?? 'HTTP 426'}): update the LinkedIn API version setting.`,
      options,
    );
  }
  if (status === 422 && inputCode === 'DUPLICATE_POST') {
    // The same text is already on LinkedIn, perhaps from an attempt whose answer was lost.
    return new AmbiguousPublishError(
      `LinkedIn says this post already exists: ${detail ?? 'duplicate post'}`,
      options,
    );
  }
  if (status >= 500) {
    return new AmbiguousPublishError(
      `LinkedIn answered HTTP ${status}${detail ? `: ${detail}` : ' without details'}.`,
      options,
    );
  }
  return new PermanentPublishError(
    detail || `LinkedIn rejected the request (HTTP ${status}).`,
    options,
  );
}

/** Daily throttles name the window: "… APPLICATION DAY limit …", "… MEMBER DAY limit …". */
const isDaily = (message: string | undefined) => /\bDAY\b/i.test(message ?? '');

function nextUtcMidnight(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}

/** `Retry-After` as seconds or an HTTP date (RFC 9110 §10.2.3), should LinkedIn ever send one. */
function retryAfter(headers: Headers, now: Date): Date | undefined {
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return new Date(now.getTime() + Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : new Date(at);
}

const NEVER_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** A fetch that threw: retryable only when the request provably never left this machine. */
export function classifyNetworkError(error: unknown, options: { timeoutMs: number }): PublishError {
  if (error instanceof PublishError) return error;
  const codes = errorCodes(error);
  if (codes.length > 0 && codes.every((c) => NEVER_SENT.has(c))) {
    return new RetryablePublishError(`Could not connect to LinkedIn (${codes[0]}).`, {
      cause: error,
    });
  }
  const name = error instanceof Error ? error.name : '';
  const message =
    name === 'TimeoutError'
      ? `LinkedIn did not answer within ${options.timeoutMs / 1000} s.`
      : name === 'AbortError'
        ? 'Publishing was interrupted before LinkedIn answered.'
        : `The connection to LinkedIn failed before an answer arrived (${codes[0] ?? String(error)}).`;
  return new AmbiguousPublishError(message, { cause: error });
}

/** Node's fetch wraps the socket error in `cause` (an AggregateError when it tried several addresses). */
function errorCodes(error: unknown, depth = 0): string[] {
  if (typeof error !== 'object' || error === null || depth > 5) return [];
  const own = 'code' in error && typeof error.code === 'string' ? [error.code] : [];
  const nested = [
    ...('cause' in error ? errorCodes(error.cause, depth + 1) : []),
    ...(error instanceof AggregateError
      ? error.errors.flatMap((e) => errorCodes(e, depth + 1))
      : []),
  ];
  return nested.length > 0 ? nested : own;
}
