import { describe, expect, it } from 'vitest';
import {
  AmbiguousPublishError,
  AuthPublishError,
  PermanentPublishError,
  RateLimitedPublishError,
  RetryablePublishError,
} from '../errors.ts';
import { classifyFailReason, classifyTikTokError } from './errors.ts';

const NOW = new Date('2026-12-03T10:00:00Z');
const envelope = (code: string, message = 'detail') => ({
  data: {},
  error: { code, message, log_id: '20261203100000ABCDEF' },
});
const classify = (status: number, body: unknown, headers = new Headers(), final = false) =>
  classifyTikTokError(status, body, headers, { final }, NOW);

describe('classifyTikTokError', () => {
  it('asks for a reconnect on a dead token or a missing scope', () => {
    expect(classify(401, envelope('access_token_invalid'))).toBeInstanceOf(AuthPublishError);
    expect(classify(401, envelope('scope_not_authorized'))).toBeInstanceOf(AuthPublishError);
    expect(classify(400, envelope('scope_permission_missed'))).toBeInstanceOf(AuthPublishError);
  });

  it('backs off a minute on 429, or as long as a Retry-After says', () => {
    const plain = classify(429, envelope('rate_limit_exceeded'));
    expect(plain).toBeInstanceOf(RateLimitedPublishError);
    expect(plain.retryAt).toEqual(new Date(NOW.getTime() + 60_000));
    const told = classify(429, 'Too Many Requests', new Headers({ 'retry-after': '120' }));
    expect(told.retryAt).toEqual(new Date(NOW.getTime() + 120_000));
    expect(told.platformCode).toBe('http_429');
  });

  it('treats the daily caps as rate limits and a refused post as permanent', () => {
    expect(classify(403, envelope('spam_risk_too_many_posts'))).toBeInstanceOf(
      RateLimitedPublishError,
    );
    expect(classify(403, envelope('reached_active_user_cap'))).toBeInstanceOf(
      RateLimitedPublishError,
    );
    for (const code of [
      'spam_risk_user_banned_from_posting',
      'unaudited_client_can_only_post_to_private_accounts',
      'privacy_level_option_mismatch',
      'url_ownership_unverified',
      'invalid_param',
      'invalid_params',
    ]) {
      const error = classify(code.startsWith('invalid') ? 400 : 403, envelope(code));
      expect(error, code).toBeInstanceOf(PermanentPublishError);
      expect(error.platformCode).toBe(code);
    }
  });

  it('makes a server error ambiguous only for a call after which TikTok may post', () => {
    expect(classify(500, envelope('internal_error'))).toBeInstanceOf(RetryablePublishError);
    expect(classify(503, '<html>busy</html>', new Headers(), true)).toBeInstanceOf(
      AmbiguousPublishError,
    );
  });

  it('fails on an error code even when the HTTP status is 200', () => {
    expect(classify(200, envelope('invalid_params', 'bad title'))).toMatchObject({
      kind: 'permanent',
      message: 'TikTok refused the request: bad title',
    });
  });
});

describe('classifyFailReason', () => {
  it("retries TikTok's own trouble and failed downloads, reconnects a removed grant, fails the rest", () => {
    expect(classifyFailReason('internal', 'a.mp4')).toBeInstanceOf(RetryablePublishError);
    expect(classifyFailReason('video_pull_failed', 'a.mp4')).toBeInstanceOf(RetryablePublishError);
    expect(classifyFailReason('auth_removed', 'a.mp4')).toBeInstanceOf(AuthPublishError);
    expect(classifyFailReason('spam_risk_too_many_posts', 'a.mp4')).toBeInstanceOf(
      RateLimitedPublishError,
    );
    expect(classifyFailReason('duration_check_failed', 'a.mp4').message).toBe(
      'TikTok did not publish a.mp4: the video is longer than this TikTok account may post.',
    );
    expect(classifyFailReason('something_new', 'a.mp4')).toMatchObject({
      kind: 'permanent',
      platformCode: 'something_new',
    });
  });
});
