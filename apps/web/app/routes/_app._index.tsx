// The signed-in home: every client as a card with what is queued for it, what failed and what
// waits for a person, so trouble shows before anyone opens a client.
import { getClientsOverview, roleAllows } from '@herald/core';
import { Badge, Button, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { db } from '../lib/db.server.ts';
import { requireSession } from '../lib/session.server.ts';
import type { Route } from './+types/_app._index';

export const meta: Route.MetaFunction = () => [{ title: 'Clients · Herald' }];

export async function loader(args: Route.LoaderArgs) {
  const session = requireSession(args);
  return {
    clients: await getClientsOverview(db, session),
    // /clients/new checks for itself; viewers are not offered it.
    canAddClients: roleAllows(session.role, 'posts:write'),
  };
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export default function ClientsOverview({ loaderData }: Route.ComponentProps) {
  const { clients, canAddClients } = loaderData;
  return (
    <Stack gap="lg">
      <Group justify="space-between" align="center">
        <Title order={1} size="h2">
          Clients
        </Title>
        {canAddClients ? (
          <Button component={Link} to="/clients/new">
            New client
          </Button>
        ) : null}
      </Group>
      {clients.length === 0 ? (
        <Card withBorder padding="xl" role="region" aria-labelledby="no-clients">
          <Title order={2} size="h3" id="no-clients">
            No clients yet
          </Title>
          <Text c="dimmed" mt="xs">
            Your organization has no clients. Once a client and its social accounts are added, you
            can schedule posts for them here.
          </Text>
        </Card>
      ) : (
        <SimpleGrid
          cols={{ base: 1, sm: 2, lg: 3 }}
          component="ul"
          style={{ listStyle: 'none', margin: 0, padding: 0 }}
        >
          {clients.map((client) => (
            <Card
              key={client.id}
              component="li"
              withBorder
              padding="lg"
              aria-labelledby={`client-${client.id}`}
            >
              <Stack gap="sm">
                <Group justify="space-between" wrap="nowrap" align="flex-start">
                  <Title order={2} size="h4" id={`client-${client.id}`}>
                    <Text component={Link} to={`/clients/${client.id}`} inherit c="inherit">
                      {client.name}
                    </Text>
                  </Title>
                  <Badge variant="light" color="gray" tt="none">
                    {client.timezone}
                  </Badge>
                </Group>
                <Text size="sm" c="dimmed">
                  {plural(client.accountCount, 'account', 'accounts')}
                </Text>
                <Group gap="xs" aria-label="Posts by state" role="list">
                  <Badge role="listitem" variant="light" color="herald">
                    {client.scheduled} scheduled
                  </Badge>
                  <Badge
                    role="listitem"
                    variant={client.failed > 0 ? 'filled' : 'light'}
                    color={client.failed > 0 ? 'red' : 'gray'}
                  >
                    {client.failed} failed
                  </Badge>
                  <Badge
                    role="listitem"
                    variant={client.needsAttention > 0 ? 'filled' : 'light'}
                    color={client.needsAttention > 0 ? 'orange' : 'gray'}
                  >
                    {client.needsAttention} need attention
                  </Badge>
                </Group>
              </Stack>
            </Card>
          ))}
        </SimpleGrid>
      )}
    </Stack>
  );
}
