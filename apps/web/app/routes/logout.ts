import { signOut } from '@herald/core';
import { redirect } from 'react-router';
import { db } from '../lib/db.server.ts';
import { clearedSessionCookie, sessionToken } from '../lib/session.server.ts';
import type { Route } from './+types/logout';

// Signing out changes state, so it is a POST (a form button); a GET only goes home.
export const loader = () => redirect('/');

export async function action({ request }: Route.ActionArgs) {
  const token = sessionToken(request);
  if (token) await signOut(db, token);
  return redirect('/login', { headers: { 'Set-Cookie': clearedSessionCookie() } });
}
