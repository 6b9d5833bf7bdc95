import { describe, expect, it } from 'vitest';
import { clientAddress, UNKNOWN_CLIENT } from './client-address.ts';

const forwarded = (value: string) => new Headers({ 'x-forwarded-for': value });

describe('clientAddress', () => {
  it('is the socket peer when no proxy is trusted, whatever X-Forwarded-For claims', () => {
    expect(clientAddress(forwarded('198.51.100.7'), '203.0.113.9', 0)).toBe('203.0.113.9');
    expect(clientAddress(new Headers(), '::ffff:203.0.113.9', 0)).toBe('203.0.113.9');
  });

  it('takes the address the nearest trusted proxy saw, not what the client claims', () => {
    expect(clientAddress(forwarded('10.0.0.1, 198.51.100.7'), '10.1.1.1', 1)).toBe('198.51.100.7');
    expect(clientAddress(forwarded('10.0.0.1, 198.51.100.7, 172.16.0.2'), '10.1.1.1', 2)).toBe(
      '198.51.100.7',
    );
    expect(clientAddress(forwarded(' 2001:DB8::1 '), '10.1.1.1', 1)).toBe('2001:db8::1');
  });

  it('falls back to the peer when the header is missing or too short', () => {
    expect(clientAddress(new Headers(), '10.1.1.1', 1)).toBe('10.1.1.1');
    expect(clientAddress(forwarded('198.51.100.7'), '10.1.1.1', 2)).toBe('10.1.1.1');
  });

  it('shares one key only when the server cannot tell (the dev server)', () => {
    expect(clientAddress(new Headers(), null, 0)).toBe(UNKNOWN_CLIENT);
  });
});
