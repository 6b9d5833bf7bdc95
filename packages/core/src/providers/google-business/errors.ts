// Turns a failed Google Business Profile call into a PublishError. Google answers the
// google.rpc.Status envelope `{"error":{"code","message","status","details"}}` (AIP-193):
//   UNAUTHENTICATED (401)     the token is dead or revoked → reconnect
//   PERMISSION_DENIED (403)   the Google account no longer manages the location → reconnect;
//                             unless ErrorInfo says the API is off for Herald's Cloud project
//                             (SERVICE_DISABLED, ACCESS_NOT_CONFIGURED) → Herald's setup
//   NOT_FOUND (404)           the location is gone or moved to another account → reconnect
//   INVALID_ARGUMENT (400)    the post itself: v4's ValidationError lists fields and ErrorCodes;
//                             PHOTO_FETCH_FAILED (1000) means Google could not get the photo and
//                             made nothing, so it is worth another try
//   RESOURCE_EXHAUSTED (429)  a quota: per minute (300 QPM by default) or per day (days reset at
//                             midnight Pacific Time); Retry-After or RetryInfo when Google sends one
//   INTERNAL/UNAVAILABLE (5xx) may have acted: ambiguous for the call that creates the post
import { z } from 'zod';
import { nextDay, startOfZonedDay, zonedDay } from '../../domain/zoned-time.ts';
import {
  AmbiguousPublishError,
  AuthPublishError,
  PermanentPublishError,
  type PublishError,
  RateLimitedPublishError,
  RetryablePublishError,
} from '../errors.ts';
import { classifyNetworkFailure, retryAfter } from '../network-errors.ts';

const PLATFORM = 'Google Business Profile';

const Detail = z
  .object({
    '@type': z.string().optional(),
    reason: z.string().optional(),
    metadata: z.record(z.string(), z.string()).optional(),
    retryDelay: z.string().optional(),
    errorDetails: z
      .array(
        z.object({
          code: z.number().optional(),
          field: z.string().optional(),
          message: z.string().optional(),
        }),
      )
      .optional(),
    fieldViolations: z
      .array(z.object({ field: z.string().optional(), description: z.string().optional() }))
      .optional(),
  })
  .loose();

const Envelope = z.object({
  error: z.object({
    code: z.number().optional(),
    message: z.string().optional(),
    status: z.string().optional(),
    details: z.array(Detail).optional(),
  }),
});

/** ErrorCode values (Shared.Types/ErrorCode) that change what Herald does. */
const PHOTO_FETCH_FAILED = 1000;
const PHOTO_UPLOAD_FAILED = 1001;

export interface GoogleCallKind {
  /**
   * The call that makes the post: an unanswered or 5xx one may have made it (ambiguous). Reads
   * and lookups are safe to repeat (retryable).
   */
  final: boolean;
}

export function classifyGoogleBusinessError(
  status: number,
  body: unknown,
  headers: Headers,
  now: Date,
  kind: GoogleCallKind = { final: false },
): PublishError {
  const parsed = Envelope.safeParse(body);
  const error = parsed.success ? parsed.data.error : undefined;
  const details = error?.details ?? [];
  const reasons = details.map((d) => d.reason).filter((r): r is string => r !== undefined);
  const statusName = error?.status ?? `HTTP_${status}`;
  // Google's messages end in a full stop; Herald's sentences add their own.
  const message = error?.message?.trim().replace(/\.+$/, '');
  const platformCode = reasons[0] ? `${statusName}/${reasons[0]}` : statusName;
  const options = { platformCode };

  if (
    status === 429 ||
    statusName === 'RESOURCE_EXHAUSTED' ||
    reasons.includes('RATE_LIMIT_EXCEEDED')
  ) {
    const retryAt = quotaResetAt(details, headers, now);
    return new RateLimitedPublishError(
      `Google Business Profile is limiting requests for now${message ? ` (${message})` : ''}.`,
      { ...options, retryAt },
    );
  }
  if (status === 401 || statusName === 'UNAUTHENTICATED') {
    return new AuthPublishError(
      'Google no longer accepts Herald’s access to this Business Profile (the sign-in expired or was revoked). Reconnect the location to keep publishing.',
      options,
    );
  }
  if (status === 403 || statusName === 'PERMISSION_DENIED') {
    if (reasons.some((r) => r === 'SERVICE_DISABLED' || r === 'ACCESS_NOT_CONFIGURED')) {
      return new PermanentPublishError(
        `Herald’s Google Cloud project cannot use the Business Profile APIs yet: ${message ?? 'the API is disabled'}. An administrator must enable them (and have API access approved by Google).`,
        options,
      );
    }
    return new AuthPublishError(
      'The Google account that connected this location can no longer manage it. Reconnect it with a Google account that is an owner or manager of the Business Profile.',
      options,
    );
  }
  if (status === 404 || statusName === 'NOT_FOUND') {
    return new AuthPublishError(
      'Google cannot find this location any more: it may have been removed or moved to another Business Profile account. Reconnect the location.',
      options,
    );
  }
  if (status >= 500) {
    const text = `Google Business Profile answered HTTP ${status}${message ? `: ${message}` : ' without details'}.`;
    return kind.final
      ? new AmbiguousPublishError(text, options)
      : new RetryablePublishError(text, options);
  }
  const fields = details.flatMap((d) => d.errorDetails ?? []);
  if (fields.some((f) => f.code === PHOTO_FETCH_FAILED || f.code === PHOTO_UPLOAD_FAILED)) {
    const problem = fields.find(
      (f) => f.code === PHOTO_FETCH_FAILED || f.code === PHOTO_UPLOAD_FAILED,
    )!;
    // Nothing was made; the link may work on a later try (our media server was down, say).
    if (problem.code === PHOTO_FETCH_FAILED) {
      return new RetryablePublishError(
        `Google could not fetch the photo from Herald (${problem.message ?? 'fetch failed'}); Herald will try again.`,
        { platformCode: `${statusName}/PHOTO_FETCH_FAILED` },
      );
    }
    return new PermanentPublishError(
      `Google could not use the photo: ${problem.message ?? 'upload failed'}. Use a JPEG or PNG photo.`,
      { platformCode: `${statusName}/PHOTO_UPLOAD_FAILED` },
    );
  }
  const listed = [
    ...fields.map((f) => (f.field ? `${f.field}: ${f.message ?? 'invalid'}` : (f.message ?? ''))),
    ...details
      .flatMap((d) => d.fieldViolations ?? [])
      .map((v) => (v.field ? `${v.field}: ${v.description ?? 'invalid'}` : (v.description ?? ''))),
  ]
    .map((text) => text.replace(/\.+$/, ''))
    .filter(Boolean);
  const why = listed.length > 0 ? listed.join('; ') : (message ?? `HTTP ${status}`);
  return new PermanentPublishError(`Google Business Profile refused the post: ${why}.`, {
    platformCode: fields[0]?.code !== undefined ? `${statusName}/${fields[0].code}` : statusName,
  });
}

/**
 * When a quota lets Herald in again: Retry-After or RetryInfo when Google gives one; else a
 * daily quota's next midnight in Pacific Time (when Google resets them), else the next minute.
 */
function quotaResetAt(details: z.infer<typeof Detail>[], headers: Headers, now: Date): Date {
  const header = retryAfter(headers, now);
  if (header) return header;
  const delay = details.map((d) => d.retryDelay).find((d) => d !== undefined);
  const seconds = delay ? /^(\d+(?:\.\d+)?)s$/.exec(delay)?.[1] : undefined;
  if (seconds) return new Date(now.getTime() + Number(seconds) * 1000);
  const limit = details.map((d) => d.metadata?.quota_limit ?? '').join(' ');
  if (/day/i.test(limit)) return nextPacificMidnight(now);
  return new Date(now.getTime() + 60_000);
}

const PACIFIC = 'America/Los_Angeles';

/** The next midnight in Pacific Time after `now`. */
export function nextPacificMidnight(now: Date): Date {
  return startOfZonedDay(nextDay(zonedDay(now, PACIFIC)), PACIFIC);
}

/** A fetch that threw: retryable when it provably never left, or when it could not make the post. */
export function classifyNetworkError(
  error: unknown,
  options: { timeoutMs: number; final: boolean },
): PublishError {
  return classifyNetworkFailure(error, { platform: PLATFORM, ...options });
}
