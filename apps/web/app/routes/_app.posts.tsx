// Every client's posts, a page at a time.
import { listClients } from '@herald/core';
import { Title } from '@mantine/core';
import { PostSearchPage } from '../components/calendar/post-search-page.tsx';
import { ViewsNav } from '../components/calendar/views-nav.tsx';
import { db } from '../lib/db.server.ts';
import { requireSession } from '../lib/session.server.ts';
import type { Route } from './+types/_app.posts';

export const meta: Route.MetaFunction = () => [{ title: 'Posts · Herald' }];

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
  };
}

export default function Posts({ loaderData }: Route.ComponentProps) {
  return (
    <>
      <Title order={1} mb="md">
        Posts
      </Title>
      <ViewsNav />
      <PostSearchPage client={null} accounts={loaderData.accounts} />
    </>
  );
}
