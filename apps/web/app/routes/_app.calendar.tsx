// Every client's posts on one calendar, in the viewer's own timezone.
import { listClients, roleAllows } from '@herald/core';
import { Title } from '@mantine/core';
import { CalendarPage } from '../components/calendar/calendar-page.tsx';
import { ViewsNav } from '../components/calendar/views-nav.tsx';
import { db } from '../lib/db.server.ts';
import { requireSession } from '../lib/session.server.ts';
import { useSearchParams } from 'react-router';
import type { Route } from './+types/_app.calendar';

export const meta: Route.MetaFunction = () => [{ title: 'Calendar · Herald' }];

export async function loader({ request, context }: Route.LoaderArgs) {
  const session = requireSession({ request, context });
  const clients = await listClients(db, session);
  return {
    accounts: clients.flatMap((client) =>
      client.socialAccounts.map(({ id, platform, handle }) => ({
        id,
        platform,
        handle,
        clientName: client.name,
      })),
    ),
    canWrite: roleAllows(session.role, 'posts:write'),
  };
}

export default function Calendar({ loaderData }: Route.ComponentProps) {
  const [search] = useSearchParams();
  const date = search.get('date');
  const initialDate = date && /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : undefined;
  return (
    <>
      <Title order={1} mb="md">
        Calendar
      </Title>
      <ViewsNav />
      <CalendarPage
        client={null}
        accounts={loaderData.accounts}
        canWrite={loaderData.canWrite}
        initialDate={initialDate}
      />
    </>
  );
}
