import { describe, expect, it } from 'vitest';
import {
  AmbiguousPublishError,
  AuthPublishError,
  PermanentPublishError,
  RateLimitedPublishError,
  RetryablePublishError,
} from '../errors.ts';
import { classifyXError, classifyXNetworkError, rateLimitResetAt } from './errors.ts';

const FINAL = { final: true };
const SETUP = { final: false };

describe('classifyXError', () => {
  it('reads retryAt from the latest spent window, 24-hour caps included', () => {
    const headers = new Headers({
      'x-rate-limit-remaining': '5',
      'x-rate-limit-reset': '1800000000',
      'x-user-limit-24hour-remaining': '0',
      'x-user-limit-24hour-reset': '1800050000',
    });
    const error = classifyXError(429, { title: 'Too Many Requests' }, headers, FINAL);
    expect(error).toBeInstanceOf(RateLimitedPublishError);
    expect(error.retryAt).toEqual(new Date(1_800_050_000_000));
    expect(rateLimitResetAt(new Headers({ 'x-rate-limit-reset': '1800000000' }))).toEqual(
      new Date(1_800_000_000_000),
    );
    expect(classifyXError(429, {}, new Headers(), FINAL).retryAt).toBeUndefined();
  });

  it('maps 401 and forbidden-client problems to auth', () => {
    expect(classifyXError(401, { title: 'Unauthorized' }, new Headers(), FINAL)).toBeInstanceOf(
      AuthPublishError,
    );
    const forbidden = classifyXError(
      403,
      {
        title: 'Client Forbidden',
        detail: 'This request must be made using an approved developer account.',
        type: 'https://api.twitter.com/2/problems/client-forbidden',
      },
      new Headers(),
      FINAL,
    );
    expect(forbidden).toBeInstanceOf(AuthPublishError);
  });

  it('treats duplicate content as ambiguous, other 403s as permanent with X words', () => {
    const duplicate = classifyXError(
      403,
      { detail: 'You are not allowed to create a Tweet with duplicate content.', status: 403 },
      new Headers(),
      FINAL,
    );
    expect(duplicate).toBeInstanceOf(AmbiguousPublishError);
    const tooLong = classifyXError(
      403,
      { detail: 'Your Tweet text is too long.', title: 'Forbidden' },
      new Headers(),
      FINAL,
    );
    expect(tooLong).toBeInstanceOf(PermanentPublishError);
    expect(tooLong.message).toBe('Your Tweet text is too long.');
  });

  it("prefers an invalid request's per-parameter message", () => {
    const error = classifyXError(
      400,
      {
        errors: [{ message: 'Your media IDs are invalid.', parameters: {} }],
        title: 'Invalid Request',
        detail: 'One or more parameters to your request was invalid.',
      },
      new Headers(),
      FINAL,
    );
    expect(error).toBeInstanceOf(PermanentPublishError);
    expect(error.message).toBe('Your media IDs are invalid.');
  });

  it('makes a 5xx ambiguous on the final call and retryable on a setup call', () => {
    expect(classifyXError(503, 'gateway', new Headers(), FINAL)).toBeInstanceOf(
      AmbiguousPublishError,
    );
    expect(classifyXError(503, 'gateway', new Headers(), SETUP)).toBeInstanceOf(
      RetryablePublishError,
    );
  });
});

describe('classifyXNetworkError', () => {
  it('is retryable when nothing left the machine, ambiguous on a final call otherwise', () => {
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }),
    });
    expect(classifyXNetworkError(refused, { timeoutMs: 1000, ...FINAL })).toBeInstanceOf(
      RetryablePublishError,
    );
    const timeout = new DOMException('timed out', 'TimeoutError');
    const final = classifyXNetworkError(timeout, { timeoutMs: 1000, ...FINAL });
    expect(final).toBeInstanceOf(AmbiguousPublishError);
    expect(final.message).toBe('X did not answer within 1 s.');
    expect(classifyXNetworkError(timeout, { timeoutMs: 1000, ...SETUP })).toBeInstanceOf(
      RetryablePublishError,
    );
  });
});
