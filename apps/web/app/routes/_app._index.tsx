import { listClients } from '@herald/core';
import { redirect } from 'react-router';
import { db } from '../lib/db.server.ts';
import { requireSession } from '../lib/session.server.ts';
import type { Route } from './+types/_app._index';

export const meta: Route.MetaFunction = () => [{ title: 'Herald' }];

export async function loader(args: Route.LoaderArgs) {
  const session = requireSession(args);
  const [first] = await listClients(db, session);
  if (first) throw redirect(`/clients/${first.id}`);
  return null;
}

export default function Home() {
  return (
    <section className="card empty-state">
      <h1>No clients yet</h1>
      <p className="muted">
        Your organization has no clients. Once a client and its social accounts are added, you can
        schedule posts for them here.
      </p>
    </section>
  );
}
