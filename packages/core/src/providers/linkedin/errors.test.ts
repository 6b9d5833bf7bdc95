import { describe, expect, it } from 'vitest';
import { classifyLinkedInError, classifyNetworkError, duplicateOf } from './errors.ts';

const none = new Headers();
const now = new Date('2026-12-31T23:10:00Z');

describe('classifyLinkedInError', () => {
  it('reads REVOKED_ACCESS_TOKEN as auth', () => {
    const error = classifyLinkedInError(
      401,
      { status: 401, serviceErrorCode: 65601, code: 'REVOKED_ACCESS_TOKEN', message: 'revoked' },
      none,
    );
    expect(error.kind).toBe('auth');
    expect(error.message).toContain("the member revoked Herald's access");
  });

  it('resets a daily throttle at the next UTC midnight (across a year end); others get no time', () => {
    const daily = classifyLinkedInError(
      429,
      {
        status: 429,
        message: 'Resource level throttle MEMBER DAY limit for calls to this resource is reached.',
      },
      none,
      now,
    );
    expect(daily.kind).toBe('rate_limited');
    expect(daily.retryAt).toEqual(new Date('2027-01-01T00:00:00Z'));
    const bare = classifyLinkedInError(429, 'Too Many Requests', none, now);
    expect(bare.kind).toBe('rate_limited');
    expect(bare.retryAt).toBeUndefined();
    const told = classifyLinkedInError(429, '', new Headers({ 'retry-after': '60' }), now);
    expect(told.retryAt).toEqual(new Date(now.getTime() + 60_000));
  });

  it('reads a duplicate as ambiguous and names the post', () => {
    const error = classifyLinkedInError(
      422,
      {
        errorDetailType: 'com.linkedin.common.error.BadRequest',
        message:
          'com.linkedin.content.common.exception.BadRequestResponseException: Content is a duplicate of urn:li:share:7141138937766391808',
        errorDetails: {
          inputErrors: [
            { description: 'Duplicate post is detected', input: {}, code: 'DUPLICATE_POST' },
          ],
        },
        status: 422,
      },
      none,
    );
    expect(error.kind).toBe('ambiguous');
    expect(duplicateOf(error)).toBe('urn:li:share:7141138937766391808');
  });

  it('reads schema errors as permanent with their text, and a bare 502 as ambiguous', () => {
    const schema = classifyLinkedInError(
      422,
      {
        message: 'ERROR :: /author :: field is required but not found and has no default value\n',
        status: 422,
      },
      none,
    );
    expect(schema.kind).toBe('permanent');
    expect(schema.message).toBe(
      'ERROR :: /author :: field is required but not found and has no default value',
    );
    expect(classifyLinkedInError(502, '<html>Bad gateway</html>', none).kind).toBe('ambiguous');
  });
});

describe('classifyNetworkError', () => {
  it('is retryable only when the request never left', () => {
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }),
    });
    expect(classifyNetworkError(refused, { timeoutMs: 1000 }).kind).toBe('retryable');
    const reset = new TypeError('fetch failed', {
      cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }),
    });
    expect(classifyNetworkError(reset, { timeoutMs: 1000 }).kind).toBe('ambiguous');
  });
});
