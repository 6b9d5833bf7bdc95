// The session cookie: set at sign-in, read on every request, cleared at sign-out. Sessions
// themselves live in the database (core's auth service); the cookie holds only the token.
// sessionMiddleware resolves the session once per request into sessionContext; loaders,
// actions and the tRPC handler read it from there.
import { hasSessionCookie, readSessionToken, SESSION_COOKIE } from '@herald/api';
import { resolveSession, SESSION_TTL_MS, type SessionInfo } from '@herald/core';
import {
  createContext,
  redirect,
  type MiddlewareFunction,
  type RouterContextProvider,
} from 'react-router';
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

// No default value: a route that forgot sessionMiddleware fails loudly instead of looking
// signed out.
/** The signed-in member of this request, or null; set by sessionMiddleware. */
export const sessionContext = createContext<SessionInfo | null>();

/** Resolves the session once per request; routes that need it list this in `middleware`. */
export const sessionMiddleware: MiddlewareFunction<Response> = async (
  { request, context },
  next,
) => {
  const token = sessionToken(request);
  const session = token
    ? await resolveSession(db, token, { idleTimeoutMs: getEnv().SESSION_IDLE_TIMEOUT_MS })
    : null;
  context.set(sessionContext, session);
  const response = await next();
  // A cookie that names no live session (expired, idle, signed out elsewhere, or mangled) is
  // useless: drop it, unless this very response sets a new one (a sign-in).
  if (session || !hasSessionCookie(request.headers)) return response;
  if (response.headers.get('set-cookie')?.includes(`${SESSION_COOKIE}=`)) return response;
  const headers = new Headers(response.headers);
  headers.append('Set-Cookie', clearedSessionCookie());
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
};

/** The signed-in member, or a redirect to /login that comes back here afterwards. */
export function requireSession({
  request,
  context,
}: {
  request: Request;
  context: Readonly<RouterContextProvider>;
}): SessionInfo {
  const session = context.get(sessionContext);
  if (session) return session;
  const url = new URL(request.url);
  const params = new URLSearchParams({ redirectTo: `${url.pathname}${url.search}` });
  throw redirect(`/login?${params}`);
}
