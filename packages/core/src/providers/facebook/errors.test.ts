// The mapping table from Graph failures to what Herald does next.
import { describe, expect, it } from 'vitest';
import { PermanentPublishError, type PublishErrorKind } from '../errors.ts';
import { classifyGraphError, classifyNetworkError } from './errors.ts';

const NOW = new Date('2025-03-01T12:00:00Z');
const graph = (code: number, extra: Record<string, unknown> = {}) => ({
  error: {
    message: `(#${code}) Graph says no`,
    type: 'OAuthException',
    code,
    fbtrace_id: 'x',
    ...extra,
  },
});
const buc = (...minutes: number[]) =>
  new Headers({
    'x-business-use-case-usage': JSON.stringify({
      '1000000001': minutes.map((m) => ({
        type: 'pages',
        call_count: 100,
        total_time: 20,
        estimated_time_to_regain_access: m,
      })),
    }),
  });

describe('classifyGraphError', () => {
  it.each<[string, number, unknown, PublishErrorKind, string]>([
    ['code 1', 500, graph(1), 'retryable', '1'],
    ['code 2', 503, graph(2, { is_transient: true }), 'retryable', '2'],
    ['code 2 on a 400', 400, graph(2), 'retryable', '2'],
    ['app rate limit', 400, graph(4), 'rate_limited', '4'],
    ['user rate limit', 400, graph(17), 'rate_limited', '17'],
    ['page rate limit', 400, graph(32), 'rate_limited', '32'],
    ['api rate limit', 400, graph(613, { error_subcode: 1996 }), 'rate_limited', '613/1996'],
    ['Pages BUC limit', 400, graph(80001), 'rate_limited', '80001'],
    ['token expired', 400, graph(190, { error_subcode: 463 }), 'auth', '190/463'],
    ['token without subcode', 400, graph(190), 'auth', '190'],
    ['session key invalid', 400, graph(102), 'auth', '102'],
    ['permission missing (10)', 400, graph(10), 'auth', '10'],
    ['permission missing (200)', 403, graph(200), 'auth', '200'],
    ['permission missing (299)', 400, graph(299), 'auth', '299'],
    ['code 300 is not a permission code', 400, graph(300), 'permanent', '300'],
    ['policy block without a time', 400, graph(368), 'permanent', '368'],
    ['duplicate post', 400, graph(506), 'ambiguous', '506'],
    ['invalid parameter', 400, graph(100, { error_subcode: 33 }), 'permanent', '100/33'],
    ['unknown path', 400, graph(2500), 'permanent', '2500'],
    ['unknown code on a 4xx', 400, graph(12345), 'permanent', '12345'],
    ['unknown code on a 5xx', 500, graph(12345), 'ambiguous', '12345'],
    [
      'unknown code marked transient',
      500,
      graph(12345, { is_transient: true }),
      'retryable',
      '12345',
    ],
    ['invalid parameter on a 5xx', 500, graph(100), 'permanent', '100'],
    ['bare 502 page', 502, '<html>Bad Gateway</html>', 'ambiguous', 'http_502'],
    ['5xx without a body', 503, undefined, 'ambiguous', 'http_503'],
    ['JSON 500 that is not an envelope', 500, { oops: true }, 'ambiguous', 'http_500'],
    ['bare 404', 404, 'Not Found', 'permanent', 'http_404'],
    ['bare 429 from the edge', 429, 'Too Many Requests', 'rate_limited', 'http_429'],
  ])('%s → %s', (_, status, body, kind, platformCode) => {
    const error = classifyGraphError(status, body, new Headers(), NOW);
    expect(error.kind).toBe(kind);
    expect(error.platformCode).toBe(platformCode);
    expect(error.message).not.toBe('');
  });

  it.each([
    [
      '2635',
      graph(2635, {
        message:
          '(#2635) You are calling a deprecated version of the Ads API. Please update to the latest version: v24.0.',
      }),
    ],
    [
      '12',
      graph(12, {
        message: '(#12) singular statuses API is deprecated for versions v2.4 and higher',
      }),
    ],
  ])('a version Graph refuses (%s) is permanent and names the setting', (code, body) => {
    const error = classifyGraphError(400, body, new Headers(), NOW);
    expect(error).toBeInstanceOf(PermanentPublishError);
    expect(error.platformCode).toBe(code);
    expect(error.message).toMatch(
      /deprecated.*Set FACEBOOK_GRAPH_VERSION to a version Meta still serves/,
    );
  });

  it('code 12 about something other than a version stays an ordinary refusal', () => {
    const error = classifyGraphError(
      400,
      graph(12, { message: '(#12) Not allowed' }),
      new Headers(),
      NOW,
    );
    expect(error.kind).toBe('permanent');
    expect(error.message).not.toMatch(/FACEBOOK_GRAPH_VERSION/);
  });

  it.each([
    ['seconds', '120', new Date(NOW.getTime() + 120_000)],
    ['an HTTP date', 'Wed, 01 May 2024 12:05:00 GMT', new Date('2024-05-01T12:05:00Z')],
    ['nonsense', 'soon', undefined],
  ])('reads Retry-After on a bare 429 given as %s', (_, value, expected) => {
    const error = classifyGraphError(429, '', new Headers({ 'retry-after': value }), NOW);
    expect(error.kind).toBe('rate_limited');
    expect(error.retryAt).toEqual(expected);
  });

  it("uses the platform's user-facing text for a rejected post", () => {
    const error = classifyGraphError(
      400,
      graph(100, { error_user_title: 'Bad link', error_user_msg: 'The link could not be loaded.' }),
      new Headers(),
    );
    expect(error).toBeInstanceOf(PermanentPublishError);
    expect(error.message).toBe('The link could not be loaded.');
    expect(classifyGraphError(400, graph(100), new Headers()).message).toBe('(#100) Graph says no');
  });

  it('says the Page must be reconnected, and why, for token and permission errors', () => {
    const password = classifyGraphError(400, graph(190, { error_subcode: 460 }), new Headers());
    expect(password.message).toMatch(/password was changed.*Reconnect the Page/);
    const removed = classifyGraphError(400, graph(190, { error_subcode: 458 }), new Headers());
    expect(removed.message).toMatch(/removed.*Reconnect the Page/);
    const permission = classifyGraphError(400, graph(200), new Headers());
    expect(permission.message).toMatch(/permission.*Reconnect the Page/);
  });

  it('takes retryAt from X-Business-Use-Case-Usage (the longest wait it names)', () => {
    const error = classifyGraphError(400, graph(80001), buc(3, 12), NOW);
    expect(error.kind).toBe('rate_limited');
    expect(error.retryAt).toEqual(new Date(NOW.getTime() + 12 * 60_000));
    expect(classifyGraphError(400, graph(4), buc(0), NOW).retryAt).toBeUndefined();
    const garbled = new Headers({ 'x-business-use-case-usage': '{not json' });
    expect(classifyGraphError(400, graph(4), garbled, NOW).retryAt).toBeUndefined();
  });

  it('waits out a policy block only when Facebook says for how long', () => {
    const error = classifyGraphError(400, graph(368), buc(90), NOW);
    expect(error.kind).toBe('rate_limited');
    expect(error.retryAt).toEqual(new Date(NOW.getTime() + 90 * 60_000));
  });
});

describe('classifyNetworkError', () => {
  const fetchFailed = (cause: unknown) => new TypeError('fetch failed', { cause });
  const coded = (code: string) => Object.assign(new Error(code), { code });

  it.each<[string, unknown, PublishErrorKind]>([
    ['connection refused', fetchFailed(coded('ECONNREFUSED')), 'retryable'],
    ['DNS failure', fetchFailed(coded('ENOTFOUND')), 'retryable'],
    ['DNS try again', fetchFailed(coded('EAI_AGAIN')), 'retryable'],
    [
      'refused on every address',
      fetchFailed(new AggregateError([coded('ECONNREFUSED'), coded('ECONNREFUSED')])),
      'retryable',
    ],
    ['socket closed by the other side', fetchFailed(coded('UND_ERR_SOCKET')), 'ambiguous'],
    ['connection reset', fetchFailed(coded('ECONNRESET')), 'ambiguous'],
    [
      'timeout',
      new DOMException('The operation was aborted due to timeout', 'TimeoutError'),
      'ambiguous',
    ],
    ['caller aborted', new DOMException('This operation was aborted', 'AbortError'), 'ambiguous'],
    ['something unexpected', new Error('boom'), 'ambiguous'],
  ])('%s → %s', (_, error, kind) => {
    const classified = classifyNetworkError(error, { timeoutMs: 30_000 });
    expect(classified.kind).toBe(kind);
    expect(classified.cause).toBe(error);
  });

  it('names the timeout', () => {
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    expect(classifyNetworkError(timeout, { timeoutMs: 2_500 }).message).toBe(
      'Facebook did not answer within 2.5 s.',
    );
  });
});
