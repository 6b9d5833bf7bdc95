// One client's posts, every one of them, a page at a time.
import { getClient, NotFoundError } from '@herald/core';
import { data } from 'react-router';
import { z } from 'zod';
import { PostSearchPage } from '../components/calendar/post-search-page.tsx';
import { ClientHeader } from '../components/client-header.tsx';
import { ViewsNav } from '../components/calendar/views-nav.tsx';
import { db } from '../lib/db.server.ts';
import { requireSession } from '../lib/session.server.ts';
import type { Route } from './+types/_app.clients.$clientId.posts';

export const meta: Route.MetaFunction = ({ loaderData }) => [
  { title: loaderData ? `Posts · ${loaderData.client.name} · Herald` : 'Herald' },
];

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const session = requireSession({ request, context });
  const clientId = z.uuid().safeParse(params.clientId);
  if (!clientId.success) throw data('Client not found', { status: 404 });
  const client = await getClient(db, session, clientId.data).catch((error: unknown) => {
    if (error instanceof NotFoundError) throw data('Client not found', { status: 404 });
    throw error;
  });
  return {
    client: { id: client.id, name: client.name, timezone: client.timezone },
    accounts: client.socialAccounts.map(({ id, platform, handle }) => ({
      id,
      platform,
      handle,
      clientName: client.name,
    })),
  };
}

export default function ClientPosts({ loaderData }: Route.ComponentProps) {
  const { client, accounts } = loaderData;
  return (
    <>
      <ClientHeader client={client} />
      <ViewsNav clientId={client.id} />
      <PostSearchPage key={client.id} client={client} accounts={accounts} />
    </>
  );
}
