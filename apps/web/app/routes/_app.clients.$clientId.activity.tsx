// One client's activity: its posts and accounts, newest first.
import { getClient, listActivity, NotFoundError } from '@herald/core';
import { Stack, Title } from '@mantine/core';
import { data } from 'react-router';
import { z } from 'zod';
import { ActivityFeed } from '../components/activity-feed.tsx';
import { ClientHeader } from '../components/client-header.tsx';
import { ACTIVITY_PAGE_SIZE, pageOf } from '../lib/activity-page.ts';
import { db } from '../lib/db.server.ts';
import { requireSession } from '../lib/session.server.ts';
import type { Route } from './+types/_app.clients.$clientId.activity';

export const meta: Route.MetaFunction = ({ loaderData }) => [
  { title: loaderData ? `Activity · ${loaderData.client.name} · Herald` : 'Herald' },
];

export async function loader(args: Route.LoaderArgs) {
  const session = requireSession(args);
  const clientId = z.uuid().safeParse(args.params.clientId);
  if (!clientId.success) throw data('Client not found', { status: 404 });
  try {
    const client = await getClient(db, session, clientId.data);
    const feed = await listActivity(db, session, {
      clientId: client.id,
      page: pageOf(args.request),
      pageSize: ACTIVITY_PAGE_SIZE,
    });
    return { client: { id: client.id, name: client.name, timezone: client.timezone }, feed };
  } catch (error) {
    if (error instanceof NotFoundError) throw data('Client not found', { status: 404 });
    throw error;
  }
}

export default function ClientActivityPage({ loaderData }: Route.ComponentProps) {
  return (
    <Stack>
      <ClientHeader client={loaderData.client} />
      <Title order={2}>Activity</Title>
      <ActivityFeed {...loaderData.feed} showClient={false} />
    </Stack>
  );
}
