// One client's calendar, in the client's timezone.
import { getClient, NotFoundError, roleAllows } from '@herald/core';
import { data, useSearchParams } from 'react-router';
import { z } from 'zod';
import { CalendarPage } from '../components/calendar/calendar-page.tsx';
import { ClientHeader } from '../components/client-header.tsx';
import { ViewsNav } from '../components/calendar/views-nav.tsx';
import { db } from '../lib/db.server.ts';
import { requireSession } from '../lib/session.server.ts';
import type { Route } from './+types/_app.clients.$clientId.calendar';

export const meta: Route.MetaFunction = ({ loaderData }) => [
  { title: loaderData ? `Calendar · ${loaderData.client.name} · Herald` : 'Herald' },
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
    canWrite: roleAllows(session.role, 'posts:write'),
  };
}

export default function ClientCalendar({ loaderData }: Route.ComponentProps) {
  const [search] = useSearchParams();
  const date = search.get('date');
  const initialDate = date && /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : undefined;
  const { client, accounts, canWrite } = loaderData;
  return (
    <>
      <ClientHeader client={client} />
      <ViewsNav clientId={client.id} />
      <CalendarPage
        key={client.id}
        client={client}
        accounts={accounts}
        canWrite={canWrite}
        initialDate={initialDate}
      />
    </>
  );
}
