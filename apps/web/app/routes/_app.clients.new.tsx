// /clients/new: a new client of the organization, its name and timezone (owners and admins).
import { roleAllows } from '@herald/core/domain';
import { Alert, Button, Card, Stack, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useNavigate, useRevalidator } from 'react-router';
import { TimeZoneSelect } from '../components/time-zone-select.tsx';
import { summarizeError } from '../lib/trpc-errors.ts';
import { trpc } from '../lib/trpc.ts';
import { requireSession } from '../lib/session.server.ts';
import { currentTimeZoneChoices } from '../lib/time-zones.server.ts';
import { useViewerTimeZone } from '../lib/use-viewer-time-zone.ts';
import type { Route } from './+types/_app.clients.new';

export const meta: Route.MetaFunction = () => [{ title: 'New client · Herald' }];

export function loader(args: Route.LoaderArgs) {
  const session = requireSession(args);
  const canManage = roleAllows(session.role, 'clients:manage');
  return { canManage, zones: canManage ? currentTimeZoneChoices() : [] };
}

export default function NewClientPage({ loaderData }: Route.ComponentProps) {
  const { canManage, zones } = loaderData;
  const navigate = useNavigate();
  const revalidator = useRevalidator();
  const viewerZone = useViewerTimeZone();
  const [name, setName] = useState('');
  const [picked, setTimezone] = useState<string | null>(null);
  // Most agencies start with clients in their own zone: offer the browser's, if listed.
  const timezone =
    picked ?? (viewerZone && zones.some((z) => z.value === viewerZone) ? viewerZone : null);
  const create = trpc.clients.create.useMutation({
    onSuccess: async (client) => {
      await navigate(`/clients/${client.id}/settings?created=1`);
      await revalidator.revalidate(); // the client switcher lists the new client
    },
  });
  const failure = create.error ? summarizeError(create.error) : null;

  if (!canManage) {
    return (
      <Alert color="yellow" title="New client" role="alert">
        Only owners and admins can add clients. Ask one of them to add it.
      </Alert>
    );
  }
  return (
    <Card withBorder maw={560} mx="auto" padding="lg">
      <form
        aria-labelledby="new-client-heading"
        onSubmit={(event) => {
          event.preventDefault();
          create.mutate({ name, timezone: timezone ?? '' });
        }}
      >
        <Stack>
          <Title order={1} id="new-client-heading">
            New client
          </Title>
          <TextInput
            label="Name"
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            required
            maxLength={120}
            error={failure?.fieldErrors.name?.[0]}
          />
          <TimeZoneSelect
            value={timezone}
            onChange={setTimezone}
            choices={zones}
            error={failure?.fieldErrors.timezone?.[0]}
          />
          {failure ? (
            <Alert color="red" role="alert">
              {failure.message}
            </Alert>
          ) : null}
          <Button type="submit" loading={create.isPending}>
            Create client
          </Button>
        </Stack>
      </form>
    </Card>
  );
}
