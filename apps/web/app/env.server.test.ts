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

  it('reads the token keyring, and names a bad old key or half an SMTP setup', () => {
    const current = Buffer.alloc(32, 1).toString('base64');
    const old = Buffer.alloc(32, 2).toString('base64');
    const env = parseWebEnv({
      ...base,
      TOKEN_ENCRYPTION_KEY: current,
      TOKEN_ENCRYPTION_OLD_KEYS: old,
    });
    expect(env.tokenKeys?.keyIds).toHaveLength(2);
    expect(parseWebEnv(base).tokenKeys).toBeUndefined();
    expect(() =>
      parseWebEnv({
        ...base,
        TOKEN_ENCRYPTION_KEY: current,
        TOKEN_ENCRYPTION_OLD_KEYS: `${old},nope`,
      }),
    ).toThrow(
      'TOKEN_ENCRYPTION_OLD_KEYS: TOKEN_ENCRYPTION_OLD_KEYS (entry 2) must be 32 bytes, base64-encoded',
    );
    expect(() => parseWebEnv({ ...base, SMTP_HOST: 'mail.example.com' })).toThrow(
      'SMTP_FROM: SMTP_FROM is required when SMTP is configured',
    );
    expect(
      parseWebEnv({ ...base, SMTP_URL: 'smtp://127.0.0.1:1025', SMTP_FROM: 'h@x.test' }).mail,
    ).toMatchObject({ SMTP_URL: 'smtp://127.0.0.1:1025' });
  });
});
