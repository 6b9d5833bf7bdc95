import { describe, expect, it } from 'vitest';
import { clientAddress, UNKNOWN_CLIENT } from './client-address.ts';

const forwarded = (value: string) => new Headers({ 'x-forwarded-for': value });

describe('clientAddress', () => {
  it('ignores X-Forwarded-For unless proxies are trusted, since anyone can send it', () => {
    expect(clientAddress(forwarded('198.51.100.7'), 0)).toBe(UNKNOWN_CLIENT);
  });

  it('takes the address the nearest trusted proxy saw, not what the client claims', () => {
    expect(clientAddress(forwarded('10.0.0.1, 198.51.100.7'), 1)).toBe('198.51.100.7');
    expect(clientAddress(forwarded('10.0.0.1, 198.51.100.7, 172.16.0.2'), 2)).toBe('198.51.100.7');
    expect(clientAddress(forwarded(' 2001:DB8::1 '), 1)).toBe('2001:db8::1');
  });

  it('falls back to the shared key when the header is missing or too short', () => {
    expect(clientAddress(new Headers(), 1)).toBe(UNKNOWN_CLIENT);
    expect(clientAddress(forwarded('198.51.100.7'), 2)).toBe(UNKNOWN_CLIENT);
  });
});
