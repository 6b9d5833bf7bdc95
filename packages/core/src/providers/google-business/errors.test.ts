import { describe, expect, it } from 'vitest';
import {
  AmbiguousPublishError,
  AuthPublishError,
  PermanentPublishError,
  RateLimitedPublishError,
  RetryablePublishError,
} from '../errors.ts';
import { classifyGoogleBusinessError, nextPacificMidnight } from './errors.ts';

const NOW = new Date('2026-12-03T20:15:00Z');
const none = new Headers();
const envelope = (code: number, status: string, message: string, details?: unknown[]) => ({
  error: { code, status, message, ...(details ? { details } : {}) },
});
const quota = (limit: string) =>
  envelope(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded', [
    {
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason: 'RATE_LIMIT_EXCEEDED',
      metadata: { quota_limit: limit },
    },
  ]);

describe('classifyGoogleBusinessError', () => {
  it('backs off a per-minute quota for a minute, a daily one until midnight Pacific', () => {
    const minute = classifyGoogleBusinessError(
      429,
      quota('DefaultRequestsPerMinutePerProject'),
      none,
      NOW,
    );
    expect(minute).toBeInstanceOf(RateLimitedPublishError);
    expect(minute.retryAt).toEqual(new Date('2026-12-03T20:16:00Z'));
    expect(minute.platformCode).toBe('RESOURCE_EXHAUSTED/RATE_LIMIT_EXCEEDED');
    const day = classifyGoogleBusinessError(429, quota('LocalPostsPerDayPerLocation'), none, NOW);
    // 12:15 PST on the 3rd: Google's day ends at 08:00 UTC on the 4th.
    expect(day.retryAt).toEqual(new Date('2026-12-04T08:00:00Z'));
  });

  it('prefers a Retry-After header or RetryInfo when Google sends one', () => {
    const header = classifyGoogleBusinessError(
      429,
      quota('x'),
      new Headers({ 'retry-after': '7' }),
      NOW,
    );
    expect(header.retryAt).toEqual(new Date(NOW.getTime() + 7_000));
    const info = classifyGoogleBusinessError(
      429,
      envelope(429, 'RESOURCE_EXHAUSTED', 'Slow down', [
        { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '12.5s' },
      ]),
      none,
      NOW,
    );
    expect(info.retryAt).toEqual(new Date(NOW.getTime() + 12_500));
  });

  it('sends token, permission and vanished-location problems to a person', () => {
    for (const [status, name] of [
      [401, 'UNAUTHENTICATED'],
      [403, 'PERMISSION_DENIED'],
      [404, 'NOT_FOUND'],
    ] as const) {
      const error = classifyGoogleBusinessError(status, envelope(status, name, 'no'), none, NOW);
      expect(error).toBeInstanceOf(AuthPublishError);
      expect(error.message).toMatch(/Reconnect/);
    }
  });

  it('says when Herald’s own Cloud project has the API switched off', () => {
    const error = classifyGoogleBusinessError(
      403,
      envelope(
        403,
        'PERMISSION_DENIED',
        'My Business API has not been used in project 1 before or it is disabled.',
        [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'SERVICE_DISABLED' }],
      ),
      none,
      NOW,
    );
    expect(error).toBeInstanceOf(PermanentPublishError);
    expect(error.message).toMatch(/enable them/);
  });

  it('lists the fields Google refused', () => {
    const error = classifyGoogleBusinessError(
      400,
      envelope(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.', [
        {
          '@type': 'type.googleapis.com/google.mybusiness.v4.ValidationError',
          errorDetails: [
            { code: 8, field: 'summary', message: 'Must be at most 1500 characters' },
            { code: 8, field: 'event.title', message: 'Must be at most 58 characters' },
          ],
        },
      ]),
      none,
      NOW,
    );
    expect(error).toBeInstanceOf(PermanentPublishError);
    expect(error.message).toBe(
      'Google Business Profile refused the post: summary: Must be at most 1500 characters; event.title: Must be at most 58 characters.',
    );
    expect(error.platformCode).toBe('INVALID_ARGUMENT/8');
  });

  it('retries a photo Google could not fetch, but not one it could not use', () => {
    const detail = (code: number, message: string) =>
      envelope(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.', [
        {
          '@type': 'type.googleapis.com/google.mybusiness.v4.ValidationError',
          errorDetails: [{ code, field: 'media[0].source_url', message }],
        },
      ]);
    expect(
      classifyGoogleBusinessError(400, detail(1000, 'Fetching image failed.'), none, NOW),
    ).toBeInstanceOf(RetryablePublishError);
    expect(classifyGoogleBusinessError(400, detail(1001, 'Unsupported'), none, NOW)).toBeInstanceOf(
      PermanentPublishError,
    );
  });

  it('makes a server error on the creating call ambiguous, elsewhere retryable', () => {
    const body = envelope(503, 'UNAVAILABLE', 'The service is currently unavailable.');
    expect(classifyGoogleBusinessError(503, body, none, NOW, { final: true })).toBeInstanceOf(
      AmbiguousPublishError,
    );
    expect(classifyGoogleBusinessError(502, '<html>Bad Gateway</html>', none, NOW)).toBeInstanceOf(
      RetryablePublishError,
    );
  });
});

describe('nextPacificMidnight', () => {
  it('follows daylight saving time', () => {
    expect(nextPacificMidnight(new Date('2026-07-01T12:00:00Z'))).toEqual(
      new Date('2026-07-02T07:00:00Z'),
    );
    expect(nextPacificMidnight(new Date('2026-12-04T07:59:59Z'))).toEqual(
      new Date('2026-12-04T08:00:00Z'),
    );
  });
});
