// Turns a failed LinkedIn REST call into a PublishError. LinkedIn answers errors with
// `{"status","serviceErrorCode","code","message"}` (Microsoft Learn, "Error Handling"), or for a
// refused value `{"errorDetailType","message","errorDetails":{"inputErrors":[{"code"}]},"status"}`.
// 401 is the token (EXPIRED_ACCESS_TOKEN, REVOKED_ACCESS_TOKEN, INVALID_ACCESS_TOKEN), 403 a
// missing scope or Page role, 426 a sunset `LinkedIn-Version`, 429 a throttle (no reset header;
// daily limits reset at midnight UTC, per LinkedIn's rate-limit docs), 422 DUPLICATE_POST a post
// that already exists.
import { classifyNetworkFailure, retryAfter } from '../network-errors.ts';
import { z } from 'zod';
import {
  AmbiguousPublishError,
  AuthPublishError,
  PermanentPublishError,
  type PublishError,
  RateLimitedPublishError,
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
    // Herald's configuration, not the post: every call fails alike until the setting changes,
    // so retrying on a schedule only delays the failure a person has to act on.
    return new PermanentPublishError(
      `LinkedIn no longer serves the API version Herald asks for (${detail ?? 'HTTP 426'}). Set LINKEDIN_API_VERSION to a current month (YYYYMM; LinkedIn keeps each version about a year) and restart Herald.`,
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

/** A fetch that threw: retryable only when the request provably never left this machine. */
export function classifyNetworkError(error: unknown, options: { timeoutMs: number }): PublishError {
  return classifyNetworkFailure(error, { platform: 'LinkedIn', ...options });
}
