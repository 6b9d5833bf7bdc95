// YouTube's error bodies, as Google sends them, classified into what Herald does next.
import { describe, expect, it } from 'vitest';
import {
  AmbiguousPublishError,
  AuthPublishError,
  PermanentPublishError,
  RateLimitedPublishError,
  RetryablePublishError,
} from '../errors.ts';
import { classifyYouTubeError, googleErrorDetail, nextPacificMidnight } from './errors.ts';

const envelope = (code: number, reason: string, domain: string, message: string) => ({
  error: { code, message, errors: [{ message, domain, reason }] },
});
const QUOTA =
  'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">quota</a>.';
const now = new Date('2026-12-03T15:20:00Z');
const SETUP = { final: false };

describe('classifyYouTubeError', () => {
  it('a spent quota is rate limited until midnight Pacific, with the HTML taken out', () => {
    const error = classifyYouTubeError(
      403,
      envelope(403, 'quotaExceeded', 'youtube.quota', QUOTA),
      new Headers(),
      SETUP,
      now,
    );
    expect(error).toBeInstanceOf(RateLimitedPublishError);
    expect(error.retryAt).toEqual(new Date('2026-12-04T08:00:00Z'));
    expect(
      googleErrorDetail(403, envelope(403, 'quotaExceeded', 'youtube.quota', QUOTA)).message,
    ).toBe('The request cannot be completed because you have exceeded your quota.');
  });

  it.each([
    [401, 'authError', 'global', AuthPublishError],
    [401, 'required', 'global', AuthPublishError],
    [403, 'insufficientPermissions', 'global', AuthPublishError],
    [403, 'forbidden', 'youtube.video', AuthPublishError],
    [401, 'youtubeSignupRequired', 'youtube.header', AuthPublishError],
    [403, 'authenticatedUserAccountSuspended', 'youtube.header', AuthPublishError],
    [400, 'uploadLimitExceeded', 'youtube.video', RateLimitedPublishError],
    [403, 'rateLimitExceeded', 'usageLimits', RateLimitedPublishError],
    [403, 'userRateLimitExceeded', 'usageLimits', RateLimitedPublishError],
    [429, 'uploadRateLimitExceeded', 'youtube.thumbnail', RateLimitedPublishError],
    [400, 'invalidTitle', 'youtube.video', PermanentPublishError],
    [400, 'invalidDescription', 'youtube.video', PermanentPublishError],
    [400, 'mediaBodyRequired', 'youtube.video', PermanentPublishError],
    [403, 'forbiddenPrivacySetting', 'youtube.video', PermanentPublishError],
    [404, 'videoNotFound', 'youtube.video', PermanentPublishError],
    [500, 'backendError', 'global', RetryablePublishError],
  ])('HTTP %i %s is %o', (status, reason, domain, kind) => {
    const error = classifyYouTubeError(
      status,
      envelope(status, reason, domain, 'm'),
      new Headers(),
      SETUP,
      now,
    );
    expect(error).toBeInstanceOf(kind);
    expect(error.platformCode).toBe(reason);
  });

  it('an upload cap waits a day; a 5xx on the last part is ambiguous', () => {
    const capped = classifyYouTubeError(
      400,
      envelope(400, 'uploadLimitExceeded', 'youtube.video', 'm'),
      new Headers(),
      SETUP,
      now,
    );
    expect(capped.retryAt).toEqual(new Date('2026-12-04T15:20:00Z'));
    const lost = classifyYouTubeError(
      503,
      'Service Unavailable',
      new Headers(),
      { final: true },
      now,
    );
    expect(lost).toBeInstanceOf(AmbiguousPublishError);
    expect(lost.platformCode).toBe('http_503');
  });

  it('a refusal says what YouTube said', () => {
    const error = classifyYouTubeError(
      400,
      envelope(
        400,
        'invalidTitle',
        'youtube.video',
        'The request metadata specifies an invalid or empty video title.',
      ),
      new Headers(),
      SETUP,
      now,
    );
    expect(error.message).toBe(
      'YouTube refused the video: The request metadata specifies an invalid or empty video title.',
    );
  });
});

describe('nextPacificMidnight', () => {
  it.each([
    ['2026-12-03T15:20:00Z', '2026-12-04T08:00:00.000Z'], // PST, UTC−8
    ['2026-07-01T10:00:00Z', '2026-07-02T07:00:00.000Z'], // PDT, UTC−7
    ['2026-12-04T07:59:59Z', '2026-12-04T08:00:00.000Z'], // a second before midnight
    ['2026-12-04T08:00:00Z', '2026-12-05T08:00:00.000Z'], // at midnight: the next one
    ['2026-03-08T09:00:00Z', '2026-03-09T07:00:00.000Z'], // the day clocks spring forward
  ])('after %s is %s', (at, expected) => {
    expect(nextPacificMidnight(new Date(at)).toISOString()).toBe(expected);
  });
});
