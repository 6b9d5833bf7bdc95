// The agency's activity: every client's posts and accounts, newest first.
import { listActivity } from '@herald/core';
import { Stack, Text, Title } from '@mantine/core';
import { ActivityFeed } from '../components/activity-feed.tsx';
import { ACTIVITY_PAGE_SIZE, pageOf } from '../lib/activity-page.ts';
import { db } from '../lib/db.server.ts';
import { requireSession } from '../lib/session.server.ts';
import type { Route } from './+types/_app.activity';

export const meta: Route.MetaFunction = () => [{ title: 'Activity · Herald' }];

export async function loader(args: Route.LoaderArgs) {
  const session = requireSession(args);
  return listActivity(db, session, { page: pageOf(args.request), pageSize: ACTIVITY_PAGE_SIZE });
}

export default function ActivityPage({ loaderData }: Route.ComponentProps) {
  return (
    <Stack>
      <Title order={1}>Activity</Title>
      <Text c="dimmed">What people and Herald did, across all clients.</Text>
      <ActivityFeed {...loaderData} showClient />
    </Stack>
  );
}
