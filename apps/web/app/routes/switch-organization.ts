// Switching to another organization the signed-in person belongs to: a fresh session there
// (core's switchOrganization), the old one ends. A POST from the org switcher's menu; the
// edge's same-origin check covers it like every other POST.
import { switchOrganization } from '@herald/core';
import { data, redirect } from 'react-router';
import { z } from 'zod';
import { db } from '../lib/db.server.ts';
import { readFormBody } from '../lib/form-body.server.ts';
import {
  requireSession,
  sessionCookie,
  sessionMiddleware,
  sessionToken,
} from '../lib/session.server.ts';
import type { Route } from './+types/switch-organization';

export const middleware: Route.MiddlewareFunction[] = [sessionMiddleware];

// A GET only goes home: switching changes state.
export const loader = () => redirect('/');

export async function action(args: Route.ActionArgs) {
  const session = requireSession(args);
  const body = await readFormBody(args.request);
  if (!body.ok) throw data(body.message, { status: body.status });
  const organizationId = z.uuid().safeParse(body.form.get('organizationId'));
  if (!organizationId.success) throw data('Choose an organization to switch to.', { status: 400 });
  if (organizationId.data === session.organizationId) return redirect('/');
  const token = sessionToken(args.request);
  const fresh = token ? await switchOrganization(db, token, organizationId.data) : null;
  // Not a member there (or the session ended meanwhile): the same answer either way.
  if (!fresh) throw data('You are not a member of that organization.', { status: 404 });
  // Home, not the current page: the page's client or post belongs to the old organization.
  return redirect('/', { headers: { 'Set-Cookie': sessionCookie(fresh.token) } });
}
