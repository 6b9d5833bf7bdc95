// The session cookie's name and how to read it from request headers. The web app sets it;
// the API only reads it.
export const SESSION_COOKIE = 'herald_session';

/** The cookie's raw value as the browser sent it, or null when there is none. */
function rawSessionCookie(headers: Headers): string | null {
  const cookie = headers.get('cookie');
  if (!cookie) return null;
  for (const part of cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim();
  }
  return null;
}

/** The session token, or null when there is none or the cookie cannot be decoded. */
export function readSessionToken(headers: Headers): string | null {
  const value = rawSessionCookie(headers);
  if (!value) return null;
  try {
    return decodeURIComponent(value) || null;
  } catch {
    // A mangled cookie is no session; the web app clears it rather than failing every page.
    return null;
  }
}

/** Whether the browser sent a session cookie at all, readable or not (so it can be cleared). */
export function hasSessionCookie(headers: Headers): boolean {
  return rawSessionCookie(headers) !== null;
}
