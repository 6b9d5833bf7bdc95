import { describe, expect, it } from 'vitest';
import { hasSessionCookie, readSessionToken } from './session-cookie.ts';

const headers = (cookie: string) => new Headers({ cookie });

describe('readSessionToken', () => {
  it('reads the token among other cookies', () => {
    expect(readSessionToken(headers('theme=dark; herald_session=abc%2Fdef; x=1'))).toBe('abc/def');
  });

  it('treats an unreadable cookie as no session instead of throwing', () => {
    expect(readSessionToken(headers('herald_session=%E0%A4%A'))).toBeNull();
    expect(hasSessionCookie(headers('herald_session=%E0%A4%A'))).toBe(true);
  });

  it('finds no session when the cookie is absent or empty', () => {
    expect(readSessionToken(new Headers())).toBeNull();
    expect(readSessionToken(headers('herald_session='))).toBeNull();
    expect(hasSessionCookie(headers('theme=dark'))).toBe(false);
  });
});
