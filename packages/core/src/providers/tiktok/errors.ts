// Turns TikTok's answers into PublishErrors. Every v2 answer carries
// `{"error":{"code","message","log_id"}}`, and any code but "ok" is a failure, whatever the HTTP
// status (developers.tiktok.com "Error Handling", "Content Posting API — Direct Post", "Get Post
// Status"). TikTok sends no Retry-After: its limits are per one-minute sliding window ("Rate
// Limits"), so a 429 is retried a minute on unless a Retry-After says otherwise.
import { z } from 'zod';
import { classifyNetworkFailure, retryAfter } from '../network-errors.ts';
import {
  AmbiguousPublishError,
  AuthPublishError,
  PermanentPublishError,
  type PublishError,
  RateLimitedPublishError,
  RetryablePublishError,
} from '../errors.ts';

const Envelope = z.object({
  error: z.object({
    code: z.string(),
    message: z.string().optional(),
    log_id: z.string().optional(),
  }),
});

/** TikTok's rate-limit windows are one minute long. */
export const RATE_LIMIT_WINDOW_MS = 60_000;

export interface TikTokCallKind {
  /**
   * A call after which TikTok may publish without another word from us (a PULL_FROM_URL init).
   * Its lost answers and 5xx are ambiguous; for every other call they are retryable, since the
   * saved publish_id makes a retry continue instead of posting again.
   */
  final: boolean;
}

/** The envelope's code ("ok" on success), or null when the body is not TikTok's envelope. */
export function envelopeCode(body: unknown): string | null {
  const parsed = Envelope.safeParse(body);
  return parsed.success ? parsed.data.error.code : null;
}

export function classifyTikTokError(
  status: number,
  body: unknown,
  headers: Headers,
  call: TikTokCallKind,
  now: Date = new Date(),
): PublishError {
  const parsed = Envelope.safeParse(body);
  const code = parsed.success ? parsed.data.error.code : null;
  const detail = (parsed.success && parsed.data.error.message) || code || `HTTP ${status}`;
  const platformCode = code ?? `http_${status}`;
  const options = { platformCode };

  switch (code) {
    case 'access_token_invalid':
      return new AuthPublishError(
        `TikTok no longer accepts Herald's access to this account (${detail}). Reconnect the account to keep publishing.`,
        options,
      );
    case 'scope_not_authorized':
    case 'scope_permission_missed':
      return new AuthPublishError(
        `Herald is missing a TikTok permission for this account (${detail}). Reconnect the account and allow everything Herald asks for.`,
        options,
      );
    case 'spam_risk_too_many_posts':
      // A daily cap: TikTok does not say when a slot frees, so the retry policy's schedule applies.
      return new RateLimitedPublishError(
        `This TikTok account has reached the number of posts TikTok allows through apps in a day: ${detail}`,
        options,
      );
    case 'reached_active_user_cap':
      return new RateLimitedPublishError(
        `Herald's TikTok app has reached TikTok's daily quota of publishing accounts: ${detail}`,
        options,
      );
    case 'spam_risk_user_banned_from_posting':
      return new PermanentPublishError(
        `TikTok has banned this account from posting (${detail}). The account owner must resolve it in the TikTok app.`,
        options,
      );
    case 'unaudited_client_can_only_post_to_private_accounts':
      return new PermanentPublishError(
        `Herald's TikTok app has not passed TikTok's audit yet, so TikTok only takes videos visible to the creator alone: choose "only me" (SELF_ONLY) as the privacy level. (${detail})`,
        options,
      );
    case 'privacy_level_option_mismatch':
      return new PermanentPublishError(
        `TikTok refused the privacy level: this account does not offer it (${detail}). Choose another in the post's TikTok settings.`,
        options,
      );
    case 'url_ownership_unverified':
      return new PermanentPublishError(
        `TikTok will not fetch the video from Herald's media address because its domain is not verified with TikTok (${detail}). Verify the domain in TikTok's developer portal, or let Herald upload the file instead.`,
        options,
      );
    case 'invalid_param':
    case 'invalid_params':
    case 'invalid_file_upload':
      return new PermanentPublishError(`TikTok refused the request: ${detail}`, options);
    case 'rate_limit_exceeded':
      return rateLimited(detail, headers, now, options);
  }
  if (status === 429) return rateLimited(detail, headers, now, options);
  if (status === 401) {
    return new AuthPublishError(
      `TikTok no longer accepts Herald's access to this account (${detail}). Reconnect the account to keep publishing.`,
      options,
    );
  }
  if (status >= 500 || code === 'internal_error') {
    const message = `TikTok had a problem (HTTP ${status}): ${detail}`;
    return call.final
      ? new AmbiguousPublishError(message, options)
      : new RetryablePublishError(message, options);
  }
  return new PermanentPublishError(`TikTok refused the request: ${detail}`, options);
}

function rateLimited(
  detail: string,
  headers: Headers,
  now: Date,
  options: { platformCode: string },
): PublishError {
  const retryAt = retryAfter(headers, now) ?? new Date(now.getTime() + RATE_LIMIT_WINDOW_MS);
  return new RateLimitedPublishError(`TikTok is limiting requests for now: ${detail}`, {
    ...options,
    retryAt,
  });
}

/** What each `fail_reason` means, in words a person can act on ("Get Post Status"). */
const FAIL_REASONS: Record<string, string> = {
  file_format_check_failed:
    'TikTok could not read the file as a video it takes (MP4, MOV or WebM).',
  duration_check_failed: 'the video is longer than this TikTok account may post.',
  frame_rate_check_failed: "the video's frame rate is outside what TikTok takes (23–60 fps).",
  picture_size_check_failed:
    "the video's picture size is outside what TikTok takes (360–4096 pixels a side).",
  publish_cancelled: 'the post was cancelled on TikTok.',
  spam_risk_user_banned_from_posting: 'TikTok has banned this account from posting.',
  spam_risk_text: 'TikTok flagged the caption as possible spam.',
  spam_risk: 'TikTok flagged the post as possible spam.',
};

/** fail_reasons after which a new publish may succeed: TikTok's own trouble, a failed download. */
export const RETRYABLE_FAIL_REASONS = new Set([
  'internal',
  'video_pull_failed',
  'photo_pull_failed',
]);

/** A publish TikTok reports as FAILED, classified by its fail_reason. */
export function classifyFailReason(reason: string | undefined, videoName: string): PublishError {
  const platformCode = reason ?? 'failed';
  if (reason && RETRYABLE_FAIL_REASONS.has(reason)) {
    return new RetryablePublishError(
      reason === 'internal'
        ? `TikTok had an internal problem publishing ${videoName}; Herald will send it again.`
        : `TikTok could not download ${videoName} from Herald; Herald will send it again.`,
      { platformCode },
    );
  }
  if (reason === 'auth_removed') {
    return new AuthPublishError(
      "TikTok says the account removed Herald's access while the video was being published. Reconnect the account.",
      { platformCode },
    );
  }
  if (reason === 'spam_risk_too_many_posts') {
    return new RateLimitedPublishError(
      'This TikTok account has reached the number of posts TikTok allows through apps in a day.',
      { platformCode },
    );
  }
  const why = (reason && FAIL_REASONS[reason]) ?? `TikTok gave the reason "${reason ?? 'none'}".`;
  return new PermanentPublishError(`TikTok did not publish ${videoName}: ${why}`, { platformCode });
}

/**
 * A fetch that threw. Retryable when the request provably never left, or when it was not a
 * final call; an unanswered final call (a PULL_FROM_URL init) is ambiguous.
 */
export function classifyTikTokNetworkError(
  error: unknown,
  options: { timeoutMs: number } & TikTokCallKind,
): PublishError {
  return classifyNetworkFailure(error, { platform: 'TikTok', ...options });
}
