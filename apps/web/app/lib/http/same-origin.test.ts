import { describe, expect, it } from 'vitest';
import { expectedOrigin, isCrossSiteRequest } from './same-origin.server.ts';

const post = (headers: Record<string, string>, url = 'http://herald.test/logout') =>
  new Request(url, { method: 'POST', headers });

describe('the cross-site check', () => {
  it('accepts this site and refuses others by Origin, then Referer, then Sec-Fetch-Site', () => {
    expect(isCrossSiteRequest(post({ origin: 'http://herald.test' }), false)).toBe(false);
    expect(isCrossSiteRequest(post({ origin: 'https://evil.example' }), false)).toBe(true);
    expect(isCrossSiteRequest(post({ origin: 'null' }), false)).toBe(true);
    // Another scheme or port of the same host is another origin.
    expect(isCrossSiteRequest(post({ origin: 'http://herald.test:8080' }), false)).toBe(true);
    expect(isCrossSiteRequest(post({ referer: 'http://herald.test/clients/1' }), false)).toBe(
      false,
    );
    expect(isCrossSiteRequest(post({ referer: 'https://evil.example/x' }), false)).toBe(true);
    expect(isCrossSiteRequest(post({ referer: 'not a url' }), false)).toBe(true);
    expect(isCrossSiteRequest(post({ 'sec-fetch-site': 'same-site' }), false)).toBe(true);
    expect(isCrossSiteRequest(post({ 'sec-fetch-site': 'same-origin' }), false)).toBe(false);
    // A tool or script names no origin and carries no victim's cookies.
    expect(isCrossSiteRequest(post({}), false)).toBe(false);
  });

  it('never checks reads', () => {
    const read = new Request('http://herald.test/', {
      headers: { origin: 'https://evil.example' },
    });
    expect(isCrossSiteRequest(read, false)).toBe(false);
  });

  it('takes the origin from forwarded headers only behind a trusted proxy', () => {
    const proxied = post(
      {
        origin: 'https://herald.example',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'herald.example',
      },
      'http://10.0.0.5:3000/logout',
    );
    expect(expectedOrigin(proxied, false)).toBe('http://10.0.0.5:3000');
    expect(isCrossSiteRequest(proxied, false)).toBe(true);
    expect(expectedOrigin(proxied, true)).toBe('https://herald.example');
    expect(isCrossSiteRequest(proxied, true)).toBe(false);
  });
});
