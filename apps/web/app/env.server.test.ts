import { describe, expect, it } from 'vitest';
import { parseWebEnv } from './env.server.ts';

const base = { DATABASE_URL: 'postgresql://localhost/herald' };

describe('parseWebEnv', () => {
  it('keeps the cookie Secure in production, a week of idleness, and ignores X-Forwarded-For', () => {
    const env = parseWebEnv({ ...base, NODE_ENV: 'production' });
    expect(env.SESSION_COOKIE_SECURE).toBe(true);
    expect(env.SESSION_IDLE_TIMEOUT_MS).toBe(7 * 24 * 60 * 60 * 1000);
    expect(env.TRUST_PROXY).toBe(0);
  });

  it('reads the idle timeout in hours and the number of trusted proxies', () => {
    const env = parseWebEnv({ ...base, SESSION_IDLE_TIMEOUT_HOURS: '12', TRUST_PROXY: '1' });
    expect(env.SESSION_IDLE_TIMEOUT_MS).toBe(12 * 60 * 60 * 1000);
    expect(env.TRUST_PROXY).toBe(1);
  });

  it('names the variable when a value is wrong', () => {
    expect(() => parseWebEnv({ ...base, TRUST_PROXY: 'yes' })).toThrow(
      'TRUST_PROXY: TRUST_PROXY must be the number of proxies in front of the app',
    );
  });
});
