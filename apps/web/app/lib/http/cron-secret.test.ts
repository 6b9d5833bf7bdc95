import { describe, expect, it } from 'vitest';
import { cronSecretMatches } from './cron-secret.server.ts';

describe('cronSecretMatches', () => {
  const secret = 'a-long-enough-cron-secret';

  it('lets in exactly the configured secret', () => {
    expect(cronSecretMatches(secret, secret)).toBe(true);
    expect(cronSecretMatches(`${secret} `, secret)).toBe(false);
    expect(cronSecretMatches(secret.slice(0, -1), secret)).toBe(false);
    expect(cronSecretMatches('', secret)).toBe(false);
  });

  it('lets nobody in without a header or without a configured secret', () => {
    expect(cronSecretMatches(null, secret)).toBe(false);
    expect(cronSecretMatches(secret, undefined)).toBe(false);
    expect(cronSecretMatches('', '')).toBe(false);
  });
});
