// The mapping table from Instagram's Graph failures to what Herald does next.
import { describe, expect, it } from 'vitest';
import type { PublishErrorKind } from '../errors.ts';
import { classifyInstagramError, classifyInstagramNetworkError } from './errors.ts';

const NOW = new Date('2026-12-03T12:00:00Z');
const graph = (code: number, subcode?: number, userMsg?: string) => ({
  error: {
    message: `(#${code}) Graph says no`,
    type: 'OAuthException',
    code,
    ...(subcode === undefined ? {} : { error_subcode: subcode }),
    ...(userMsg === undefined ? {} : { error_user_msg: userMsg }),
    fbtrace_id: 'x',
  },
});

describe('classifyInstagramError', () => {
  it.each<[string, number, unknown, PublishErrorKind, string]>([
    ['server error, new container', 400, graph(-1, 2207001), 'retryable', '-1/2207001'],
    ['download timed out', 400, graph(-2, 2207003), 'retryable', '-2/2207003'],
    ['container expired', 400, graph(-2, 2207020), 'retryable', '-2/2207020'],
    ['media not ready', 400, graph(9007, 2207027), 'retryable', '9007/2207027'],
    ['daily publishing cap', 400, graph(9, 2207042), 'rate_limited', '9/2207042'],
    ['flagged as spam', 400, graph(4, 2207051), 'permanent', '4/2207051'],
    ['restricted account', 400, graph(25, 2207050), 'auth', '25/2207050'],
    ['app rate limit', 400, graph(4), 'rate_limited', '4'],
    ['Instagram BUC limit', 400, graph(80002), 'rate_limited', '80002'],
    ['token expired', 400, graph(190, 463), 'auth', '190/463'],
    ['missing permission', 403, graph(10), 'auth', '10'],
    ['JPEG only', 400, graph(36001, 2207005), 'permanent', '36001/2207005'],
    ['aspect ratio', 400, graph(36003, 2207009), 'permanent', '36003/2207009'],
    ['unknown code on a 500', 500, graph(12345), 'ambiguous', '12345'],
    ['bare 502', 502, '<html>Bad gateway</html>', 'ambiguous', 'http_502'],
    ['bare 429', 429, 'slow down', 'rate_limited', 'http_429'],
  ])('%s', (_, status, body, kind, platformCode) => {
    const error = classifyInstagramError(status, body, new Headers(), NOW);
    expect(error.kind).toBe(kind);
    expect(error.platformCode).toBe(platformCode);
  });

  it("uses Instagram's user message", () => {
    const error = classifyInstagramError(
      400,
      graph(36004, 2207010, 'The caption is too long.'),
      new Headers(),
      NOW,
    );
    expect(error.message).toBe('The caption is too long.');
  });

  it('takes retryAt from Retry-After or X-Business-Use-Case-Usage', () => {
    expect(
      classifyInstagramError(429, '', new Headers({ 'retry-after': '30' }), NOW).retryAt,
    ).toEqual(new Date(NOW.getTime() + 30_000));
    const usage = new Headers({
      'x-business-use-case-usage': JSON.stringify({
        '17841400000000001': [{ type: 'instagram', estimated_time_to_regain_access: 3 }],
      }),
    });
    expect(classifyInstagramError(400, graph(80002), usage, NOW).retryAt).toEqual(
      new Date(NOW.getTime() + 3 * 60_000),
    );
  });
});

describe('a Graph API version Instagram refuses', () => {
  it('is permanent and names the setting Facebook and Instagram share', () => {
    const error = classifyInstagramError(
      400,
      {
        error: {
          code: 2635,
          message:
            '(#2635) You are calling a deprecated version of the API. Please update to the latest version: v24.0.',
          type: 'OAuthException',
        },
      },
      new Headers(),
    );
    expect(error.kind).toBe('permanent');
    expect(error.platformCode).toBe('2635');
    expect(error.message).toMatch(
      /^Instagram refuses the Graph API version.*FACEBOOK_GRAPH_VERSION/,
    );
  });
});

describe('classifyInstagramNetworkError', () => {
  it('is retryable when the connection was refused, ambiguous on a timeout', () => {
    const refused = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    expect(classifyInstagramNetworkError(refused, { timeoutMs: 1000 }).kind).toBe('retryable');
    const timeout = new DOMException('timed out', 'TimeoutError');
    expect(classifyInstagramNetworkError(timeout, { timeoutMs: 1000 }).kind).toBe('ambiguous');
  });
});
