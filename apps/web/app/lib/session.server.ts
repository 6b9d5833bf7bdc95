// The session cookie: set at sign-in, read on every request, cleared at sign-out. Sessions
// themselves live in the database (core's auth service); the cookie holds only the token.
import { readSessionToken, SESSION_COOKIE } from '@herald/api';
import { resolveSession, SESSION_TTL_MS, type SessionInfo } from '@herald/core';
import { redirect } from 'react-router';
import { getEnv } from '../env.server.ts';
import { db } from './db.server.ts';

function cookie(value: string, maxAgeSeconds: number): string {
  const attributes = [
    `${SESSION_COOKIE}=${encodeURIComponent(value)}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${maxAgeSeconds}`,
  ];
  if (getEnv().SESSION_COOKIE_SECURE) attributes.push('Secure');
  return attributes.join('; ');
}

/** A Set-Cookie value that stores the session token for as long as the session lives. */
export function sessionCookie(token: string): string {
  return cookie(token, Math.floor(SESSION_TTL_MS / 1000));
}

/** A Set-Cookie value that removes the session cookie. */
export function clearedSessionCookie(): string {
  return cookie('', 0);
}

export function sessionToken(request: Request): string | null {
  return readSessionToken(request.headers);
}

export async function getSession(request: Request): Promise<SessionInfo | null> {
  const token = sessionToken(request);
  return token ? resolveSession(db, token) : null;
}

/** The signed-in member, or a redirect to /login that comes back here afterwards. */
export async function requireSession(request: Request): Promise<SessionInfo> {
  const session = await getSession(request);
  if (session) return session;
  const url = new URL(request.url);
  const params = new URLSearchParams({ redirectTo: `${url.pathname}${url.search}` });
  // A cookie whose session expired or was deleted is useless: drop it on the way out.
  const headers: HeadersInit = sessionToken(request)
    ? { 'Set-Cookie': clearedSessionCookie() }
    : {};
  throw redirect(`/login?${params}`, { headers });
}
