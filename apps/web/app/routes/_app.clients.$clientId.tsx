import { getClient, NotFoundError, roleAllows } from '@herald/core';
import { data, isRouteErrorResponse, Link, useParams, useRouteError } from 'react-router';
import { z } from 'zod';
import { Anchor, Grid, Paper, Stack, Text, Title } from '@mantine/core';
import { ClientHeader } from '../components/client-header.tsx';
import { ComposeForm } from '../components/compose-form.tsx';
import { PostList } from '../components/post-list.tsx';
import { MediaLibrary } from '../components/media-picker.tsx';
import { db } from '../lib/db.server.ts';
import { requireSession } from '../lib/session.server.ts';
import { suggestedStart } from '../lib/zoned-input.ts';
import type { Route } from './+types/_app.clients.$clientId';

export const meta: Route.MetaFunction = ({ loaderData }) => [
  { title: loaderData ? `${loaderData.client.name} · Herald` : 'Herald' },
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
    client: {
      id: client.id,
      name: client.name,
      timezone: client.timezone,
      brandProfile: client.brandProfile,
      socialAccounts: client.socialAccounts.map(({ id, platform, handle, status }) => ({
        id,
        platform,
        handle,
        status,
      })),
    },
    canWrite: roleAllows(session.role, 'posts:write'),
    defaultLocal: suggestedStart(Date.now(), client.timezone),
  };
}

export default function ClientPage({ loaderData }: Route.ComponentProps) {
  const { client, canWrite, defaultLocal } = loaderData;
  return (
    <Stack gap="lg">
      <ClientHeader client={client} />
      <Grid gap="lg" align="flex-start">
        <Grid.Col span={{ base: 12, md: 6, xl: 5 }}>
          <Paper component="section" withBorder p="lg" aria-label="Compose">
            {canWrite ? (
              // Keyed by client: switching clients starts a fresh draft in the new client's zone.
              <ComposeForm key={client.id} client={client} defaultLocal={defaultLocal} />
            ) : (
              <Text c="dimmed">Your role can read posts but not schedule them.</Text>
            )}
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6, xl: 7 }}>
          <Stack component="section" gap="sm" aria-labelledby="posts-heading">
            <Title order={2} size="h3" id="posts-heading">
              Posts
            </Title>
            <PostList
              key={client.id}
              clientId={client.id}
              timeZone={client.timezone}
              canWrite={canWrite}
            />
          </Stack>
        </Grid.Col>
      </Grid>
      <Paper component="section" withBorder p="lg" aria-labelledby="library-heading">
        <Title order={2} size="h3" id="library-heading" mb="sm">
          Media library
        </Title>
        <MediaLibrary key={client.id} clientId={client.id} canDelete={canWrite} />
      </Paper>
    </Stack>
  );
}

/** Rendered inside the signed-in layout, so the header and client switcher stay usable. */
export function ErrorBoundary() {
  const error = useRouteError();
  const { clientId } = useParams();
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  if (!notFound) console.error(error);
  return (
    <Paper withBorder p="xl" role="alert" maw={560}>
      <Title order={1} size="h2">
        {notFound ? 'Client not found' : 'Something went wrong'}
      </Title>
      <Text c="dimmed" mt="xs">
        {notFound
          ? 'This client does not exist, or it belongs to another organization.'
          : 'Herald could not load this client. Try again in a moment.'}
      </Text>
      <Text mt="md">
        {notFound || !clientId ? (
          <Anchor component={Link} to="/">
            Back to your clients
          </Anchor>
        ) : (
          // Back to the client this happened on, not to whichever client comes first.
          <Anchor component={Link} to={`/clients/${clientId}`} reloadDocument>
            Back to this client
          </Anchor>
        )}
      </Text>
    </Paper>
  );
}
