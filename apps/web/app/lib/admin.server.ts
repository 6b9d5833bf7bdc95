// The admin pages answer exactly like a path that does not exist to anyone who is not platform
// staff, signed in or not (docs/decisions/0023): no redirect to sign in, no hint they exist.
import { isPlatformStaff, type SessionInfo } from '@herald/core';
import { data, type RouterContextProvider } from 'react-router';
import { db } from './db.server.ts';
import { sessionContext } from './session.server.ts';

/** The signed-in platform staff member, or the app's ordinary 404. */
export async function requireStaffPage({
  context,
}: {
  context: Readonly<RouterContextProvider>;
}): Promise<SessionInfo> {
  const session = context.get(sessionContext);
  if (!session || !(await isPlatformStaff(db, session.userId))) {
    throw data('Page not found', { status: 404 });
  }
  return session;
}
