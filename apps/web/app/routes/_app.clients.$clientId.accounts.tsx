// /clients/:clientId/accounts: the client's connected accounts, how each is doing, what is held
// waiting for a reconnect, and the links that connect more (flows in services/connections.ts).
import { listClientAccounts, NotFoundError } from '@herald/core';
import { PLATFORM_LABELS, roleAllows, type HealthTone, type Platform } from '@herald/core/domain';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  List,
  Stack,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { data, Link } from 'react-router';
import { z } from 'zod';
import { ClientHeader } from '../components/client-header.tsx';
import { connectablePlatforms } from '../lib/connections.server.ts';
import { db } from '../lib/db.server.ts';
import { formatWithZoneName } from '../lib/format.ts';
import { requireSession } from '../lib/session.server.ts';
import { useNow } from '../lib/use-now.ts';
import { useViewerTimeZone } from '../lib/use-viewer-time-zone.ts';
import type { Route } from './+types/_app.clients.$clientId.accounts';

export const meta: Route.MetaFunction = ({ loaderData }) => [
  { title: loaderData ? `Accounts · ${loaderData.client.name} · Herald` : 'Herald' },
];

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const session = requireSession({ request, context });
  const clientId = z.uuid().safeParse(params.clientId);
  if (!clientId.success) throw data('Client not found', { status: 404 });
  const page = await listClientAccounts(db, session, clientId.data).catch((error: unknown) => {
    if (error instanceof NotFoundError) throw data('Client not found', { status: 404 });
    throw error;
  });
  return {
    ...page,
    // Connecting stores tokens that post for the client: the same right as writing posts.
    canConnect: roleAllows(session.role, 'posts:write'),
    connectable: connectablePlatforms(),
    connected: Number(new URL(request.url).searchParams.get('connected') ?? 0),
  };
}

const TONE_COLOR: Record<HealthTone, string> = { ok: 'green', warning: 'yellow', problem: 'red' };

const connectHref = (platform: Platform, clientId: string) =>
  `/connect/${platform}?${new URLSearchParams({ clientId }).toString()}`;

const relative = new Intl.RelativeTimeFormat('en-US', { numeric: 'auto' });

/** "in 3 days", "2 hours ago": the largest unit that is at least one. */
function fromNow(instant: Date, now: number): string {
  const seconds = Math.round((instant.getTime() - now) / 1_000);
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['year', 31_536_000],
    ['month', 2_592_000],
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
  ];
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return relative.format(Math.trunc(seconds / size), unit);
  }
  return relative.format(seconds, 'second');
}

function TokenExpiry({ expiresAt }: { expiresAt: Date | null }) {
  const now = useNow();
  const zone = useViewerTimeZone();
  if (!expiresAt) return <Text size="sm">Does not expire</Text>;
  // The viewer's own clock; UTC until the browser says which zone that is.
  const absolute = formatWithZoneName(expiresAt, zone ?? 'UTC');
  return (
    <Stack gap={0}>
      {now !== null ? (
        <Text size="sm">
          {expiresAt.getTime() <= now ? 'Expired ' : 'Expires '}
          {fromNow(expiresAt, now)}
        </Text>
      ) : null}
      <Text size="xs" c="dimmed">
        <time dateTime={expiresAt.toISOString()}>{absolute}</time>
      </Text>
    </Stack>
  );
}

export default function ClientAccountsPage({ loaderData }: Route.ComponentProps) {
  const { client, accounts, canConnect, connectable, connected } = loaderData;
  const viewerZone = useViewerTimeZone();
  return (
    <Stack>
      <ClientHeader client={client} />
      <Group justify="space-between">
        <Title order={2} id="accounts-heading">
          Accounts
        </Title>
        <Anchor component={Link} to={`/clients/${client.id}`}>
          Back to posts
        </Anchor>
      </Group>
      {connected > 0 ? (
        <Alert color="green" role="status">
          {connected === 1 ? 'Connected 1 account.' : `Connected ${connected} accounts.`}
        </Alert>
      ) : null}
      <Card withBorder padding="0" component="section" aria-labelledby="accounts-heading">
        {accounts.length === 0 ? (
          <Text p="md" c="dimmed">
            No accounts yet. Connect one below.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={800}>
            <Table verticalSpacing="sm" highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Platform</Table.Th>
                  <Table.Th scope="col">Account</Table.Th>
                  <Table.Th scope="col">Health</Table.Th>
                  <Table.Th scope="col">Token</Table.Th>
                  <Table.Th scope="col">Last problem</Table.Th>
                  <Table.Th scope="col">Held for a reconnect</Table.Th>
                  <Table.Th scope="col">
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {accounts.map((account) => {
                  const label = PLATFORM_LABELS[account.platform];
                  return (
                    <Table.Tr key={account.id}>
                      <Table.Td>{label}</Table.Td>
                      <Table.Th scope="row" fw={500}>
                        {account.handle}
                      </Table.Th>
                      <Table.Td>
                        <Badge color={TONE_COLOR[account.health.tone]} variant="light">
                          {account.health.label}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <TokenExpiry expiresAt={account.tokenExpiresAt} />
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{account.statusReason ?? '—'}</Text>
                      </Table.Td>
                      <Table.Td>
                        {account.held.count === 0 ? (
                          <Text size="sm" c="dimmed">
                            Nothing
                          </Text>
                        ) : (
                          <Stack gap={4}>
                            <Text size="sm" fw={500}>
                              {account.held.count === 1
                                ? '1 post waiting'
                                : `${account.held.count} posts waiting`}
                            </Text>
                            <List size="sm" aria-label={`Posts held for ${account.handle}`}>
                              {account.held.posts.map((post) => (
                                <List.Item key={post.targetId}>
                                  <Anchor component={Link} to={`/posts/${post.postId}`}>
                                    {excerpt(post.caption)}
                                  </Anchor>{' '}
                                  <Text span size="xs" c="dimmed">
                                    (due{' '}
                                    {formatWithZoneName(post.scheduledFor, viewerZone ?? 'UTC')})
                                  </Text>
                                </List.Item>
                              ))}
                            </List>
                            {account.held.count > account.held.posts.length ? (
                              <Text size="xs" c="dimmed">
                                and {account.held.count - account.held.posts.length} more
                              </Text>
                            ) : null}
                          </Stack>
                        )}
                      </Table.Td>
                      <Table.Td>
                        {canConnect &&
                        account.health.needsReconnect &&
                        connectable.includes(account.platform) ? (
                          // A link, not a form: the answer redirects to the platform's consent
                          // page, which the CSP's form-action would not allow after a submission.
                          <Button
                            component="a"
                            size="xs"
                            href={connectHref(account.platform, client.id)}
                            aria-label={`Reconnect ${label} ${account.handle}`}
                          >
                            Reconnect
                          </Button>
                        ) : null}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
      {canConnect ? (
        <Card withBorder component="section" aria-labelledby="connect-heading">
          <Stack>
            <Title order={2} id="connect-heading">
              Connect accounts
            </Title>
            <Text size="sm" c="dimmed">
              You leave Herald for the platform’s own page, choose what Herald may post to, and come
              back here to pick the accounts for {client.name}.
            </Text>
            <Group>
              {connectable.map((platform) => (
                <Button
                  key={platform}
                  component="a"
                  variant="light"
                  href={connectHref(platform, client.id)}
                >
                  Connect {PLATFORM_LABELS[platform]}
                </Button>
              ))}
            </Group>
          </Stack>
        </Card>
      ) : (
        <Text c="dimmed">Your role can see accounts but not connect them.</Text>
      )}
    </Stack>
  );
}

function excerpt(caption: string): string {
  const line = caption.split('\n')[0] ?? '';
  return line.length > 60 ? `${line.slice(0, 59)}…` : line || '(no caption)';
}
