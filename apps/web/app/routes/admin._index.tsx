import { redirect } from 'react-router';
import { requireStaffPage } from '../lib/admin.server.ts';
import type { Route } from './+types/admin._index';

export async function loader(args: Route.LoaderArgs) {
  await requireStaffPage(args);
  throw redirect('/admin/queue');
}
