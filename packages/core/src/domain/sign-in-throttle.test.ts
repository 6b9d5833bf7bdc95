import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_THROTTLE,
  blockSecondsAfter,
  CLIENT_THROTTLE,
  normaliseEmail,
  signInThrottledMessage,
} from './sign-in-throttle.ts';

describe('sign-in throttle policy', () => {
  it('lets a few mistakes pass, then blocks for a minute, doubling up to an hour', () => {
    const blocks = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((n) =>
      blockSecondsAfter(ACCOUNT_THROTTLE, n),
    );
    expect(blocks).toEqual([0, 0, 0, 0, 60, 120, 240, 480, 960, 1920, 3600]);
    expect(blockSecondsAfter(ACCOUNT_THROTTLE, 10_000)).toBe(3600);
  });

  it('gives a client address a larger budget than one account', () => {
    expect(blockSecondsAfter(CLIENT_THROTTLE, ACCOUNT_THROTTLE.freeFailures)).toBe(0);
    expect(blockSecondsAfter(CLIENT_THROTTLE, 49)).toBe(0);
    expect(blockSecondsAfter(CLIENT_THROTTLE, 50)).toBe(300);
    expect(blockSecondsAfter(CLIENT_THROTTLE, 51)).toBe(600);
  });

  it('keys accounts by the email as stored', () => {
    expect(normaliseEmail('  Ada@Example.COM ')).toBe('ada@example.com');
  });

  it('says how long to wait in whole minutes, as a sentence', () => {
    expect(signInThrottledMessage(60)).toBe('Too many sign-in attempts. Try again in 1 minute.');
    expect(signInThrottledMessage(1)).toBe('Too many sign-in attempts. Try again in 1 minute.');
    expect(signInThrottledMessage(61)).toBe('Too many sign-in attempts. Try again in 2 minutes.');
    expect(signInThrottledMessage(3600)).toBe(
      'Too many sign-in attempts. Try again in 60 minutes.',
    );
  });
});
