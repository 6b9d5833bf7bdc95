// Turns a failed YouTube Data API call into a PublishError. YouTube answers Google's envelope
// `{"error":{"code","message","errors":[{"domain","reason","message"}],"status"?}}`; the reason
// says what happened (developers.google.com/youtube/v3/docs/errors, videos.insert's and
// thumbnails.set's error tables, the quota guide). The daily quota resets at midnight Pacific
// Time; a channel over its upload cap may try again after 24 hours.
import { z } from 'zod';
import { nextDay, startOfZonedDay, zonedDay } from '../../domain/zoned-time.ts';
import {
  AmbiguousPublishError,
  AuthPublishError,
  PermanentPublishError,
  RateLimitedPublishError,
  RetryablePublishError,
  type PublishError,
} from '../errors.ts';
import { classifyNetworkFailure, retryAfter } from '../network-errors.ts';

const Envelope = z.object({
  error: z.object({
    code: z.number().optional(),
    message: z.string().optional(),
    status: z.string().optional(),
    errors: z
      .array(
        z.object({
          reason: z.string().optional(),
          domain: z.string().optional(),
          message: z.string().optional(),
        }),
      )
      .optional(),
  }),
});

export interface YouTubeCallKind {
  /**
   * The call whose success makes the video exist (the upload's last bytes). Its 5xx and lost
   * answers are ambiguous; for every other call they are retryable, since nothing shows yet.
   */
  final: boolean;
}

export interface GoogleErrorDetail {
  status: number;
  reason: string | null;
  domain: string | null;
  /** Google's message without its HTML (the quota message links to the docs). */
  message: string;
}

/** The reason and message of a Google error body, whatever its shape. */
export function googleErrorDetail(status: number, body: unknown): GoogleErrorDetail {
  const parsed = Envelope.safeParse(body);
  const first = parsed.success ? parsed.data.error.errors?.[0] : undefined;
  const raw =
    (parsed.success ? parsed.data.error.message : undefined) ??
    first?.message ??
    (typeof body === 'string' && body.length < 200 ? body : `HTTP ${status}`);
  return {
    status,
    reason: first?.reason ?? null,
    domain: first?.domain ?? null,
    message: raw.replace(/<[^>]*>/g, '').trim() || `HTTP ${status}`,
  };
}

const PACIFIC = 'America/Los_Angeles';

/** The next midnight Pacific Time after `now`, when YouTube's daily quotas reset. */
export function nextPacificMidnight(now: Date): Date {
  return startOfZonedDay(nextDay(zonedDay(now, PACIFIC)), PACIFIC);
}

const RATE_LIMITS = new Set([
  'rateLimitExceeded',
  'userRateLimitExceeded',
  'uploadRateLimitExceeded',
]);
/** The channel or Google account cannot act until a person does something about it. */
const ACCOUNT_PROBLEMS = new Set([
  'authError',
  'youtubeSignupRequired',
  'authenticatedUserAccountClosed',
  'authenticatedUserAccountSuspended',
  'authenticatedUserNotChannel',
  'accountDelegationForbidden',
  'channelClosed',
  'channelSuspended',
]);

export function classifyYouTubeError(
  status: number,
  body: unknown,
  headers: Headers,
  call: YouTubeCallKind,
  now: Date,
): PublishError {
  const detail = googleErrorDetail(status, body);
  const { reason, message } = detail;
  const platformCode = reason ?? `http_${status}`;

  if (reason === 'quotaExceeded') {
    return new RateLimitedPublishError(
      "YouTube's daily API quota for Herald's Google project is spent; it resets at midnight Pacific Time, and Herald tries again then.",
      { platformCode, retryAt: nextPacificMidnight(now) },
    );
  }
  if (reason === 'uploadLimitExceeded') {
    return new RateLimitedPublishError(
      'This channel has uploaded as many videos as YouTube allows for now; Herald tries again in 24 hours.',
      { platformCode, retryAt: new Date(now.getTime() + 24 * 3600_000) },
    );
  }
  if (status === 429 || (reason !== null && RATE_LIMITS.has(reason))) {
    const at = retryAfter(headers, now);
    return new RateLimitedPublishError(`YouTube is limiting requests for now: ${message}`, {
      platformCode,
      ...(at ? { retryAt: at } : {}),
    });
  }
  if (status === 401 || (reason !== null && ACCOUNT_PROBLEMS.has(reason))) {
    return new AuthPublishError(
      `YouTube no longer accepts Herald's access to this channel (${message}). Reconnect the account to keep publishing.`,
      { platformCode },
    );
  }
  if (reason === 'insufficientPermissions') {
    return new AuthPublishError(
      'Herald is missing a YouTube permission for this channel. Reconnect the account and allow both managing videos and viewing the channel.',
      { platformCode },
    );
  }
  if (status === 403 && (reason === 'forbidden' || reason === null)) {
    return new AuthPublishError(
      `YouTube refused Herald for this channel (${message}). Reconnect the account; if it persists, check the channel in YouTube Studio.`,
      { platformCode },
    );
  }
  if (status >= 500) {
    const text = `YouTube had a problem (HTTP ${status}): ${message}`;
    return call.final
      ? new AmbiguousPublishError(text, { platformCode })
      : new RetryablePublishError(text, { platformCode });
  }
  return new PermanentPublishError(`YouTube refused the video: ${message}`, { platformCode });
}

/** A fetch that threw: retryable unless it may have finished the upload (then ambiguous). */
export function classifyYouTubeNetworkError(
  error: unknown,
  options: { timeoutMs: number } & YouTubeCallKind,
): PublishError {
  return classifyNetworkFailure(error, { platform: 'YouTube', ...options });
}
