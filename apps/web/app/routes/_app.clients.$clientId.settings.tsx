// /clients/:clientId/settings: the client's name and timezone (owners and admins change them;
// everyone else reads them).
import { getClient, NotFoundError } from '@herald/core';
import {
  brandProblems,
  roleAllows,
  withDefaultHashtags,
  type BrandProfile,
} from '@herald/core/domain';
import {
  Alert,
  Button,
  Card,
  Code,
  Fieldset,
  List,
  Stack,
  TagsInput,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { data, useRevalidator } from 'react-router';
import { z } from 'zod';
import { ClientHeader } from '../components/client-header.tsx';
import { TimeZoneSelect } from '../components/time-zone-select.tsx';
import { db } from '../lib/db.server.ts';
import { requireSession } from '../lib/session.server.ts';
import { currentTimeZoneChoices } from '../lib/time-zones.server.ts';
import { summarizeError } from '../lib/trpc-errors.ts';
import { trpc } from '../lib/trpc.ts';
import type { Route } from './+types/_app.clients.$clientId.settings';

export const meta: Route.MetaFunction = ({ loaderData }) => [
  { title: loaderData ? `Settings · ${loaderData.client.name} · Herald` : 'Herald' },
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
    brandProfile: client.brandProfile,
    canManage: roleAllows(session.role, 'clients:manage'),
    zones: currentTimeZoneChoices(),
    created: new URL(request.url).searchParams.get('created') === '1',
  };
}

export default function ClientSettingsPage({ loaderData }: Route.ComponentProps) {
  const { client, brandProfile, canManage, zones, created } = loaderData;
  return (
    <Stack maw={720} mx="auto">
      <ClientHeader client={client} />
      {created ? (
        <Alert color="green" role="status">
          Created {client.name}. Add its brand profile below, then connect its accounts.
        </Alert>
      ) : null}
      {/* Keyed by client: switching clients starts from that client's saved settings. */}
      <ClientSettingsForm key={client.id} client={client} canManage={canManage} zones={zones} />
      <BrandProfileForm
        key={`brand-${client.id}`}
        clientId={client.id}
        initial={brandProfile}
        canManage={canManage}
      />
    </Stack>
  );
}

interface FormProps {
  client: { id: string; name: string; timezone: string };
  canManage: boolean;
  zones: { value: string; label: string }[];
}

function ClientSettingsForm({ client, canManage, zones }: FormProps) {
  const revalidator = useRevalidator();
  const [name, setName] = useState(client.name);
  const [timezone, setTimezone] = useState<string | null>(client.timezone);
  const [saved, setSaved] = useState(false);
  const update = trpc.clients.update.useMutation({
    onMutate: () => setSaved(false),
    onSuccess: async () => {
      setSaved(true);
      await revalidator.revalidate();
    },
  });
  const failure = update.error ? summarizeError(update.error) : null;
  const zoneChanged = timezone !== null && timezone !== client.timezone;
  return (
    <Card withBorder padding="lg">
      <form
        aria-labelledby="client-settings-heading"
        onSubmit={(event) => {
          event.preventDefault();
          update.mutate({ clientId: client.id, name, timezone: timezone ?? '' });
        }}
      >
        <Stack>
          <Title order={2} id="client-settings-heading">
            Client
          </Title>
          <Fieldset variant="unstyled" disabled={!canManage}>
            <Stack>
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
              {zoneChanged ? (
                <Alert color="blue" title="Posts already scheduled keep their moment">
                  A post due at 09:00 in {client.timezone} still publishes at that same instant; in{' '}
                  {timezone} it shows the local time of that instant. Reschedule the posts that
                  should follow the new clocks.
                </Alert>
              ) : null}
            </Stack>
          </Fieldset>
          {failure ? (
            <Alert color="red" role="alert">
              {failure.message}
            </Alert>
          ) : null}
          {saved ? (
            <Alert color="green" role="status">
              Saved.
            </Alert>
          ) : null}
          {canManage ? (
            <Button type="submit" loading={update.isPending}>
              Save client
            </Button>
          ) : (
            <Alert color="gray">Only owners and admins can change a client’s settings.</Alert>
          )}
        </Stack>
      </form>
    </Card>
  );
}

interface BrandProps {
  clientId: string;
  initial: BrandProfile;
  canManage: boolean;
}

function BrandProfileForm({ clientId, initial, canManage }: BrandProps) {
  const [profile, setProfile] = useState<BrandProfile>(initial);
  const [saved, setSaved] = useState(false);
  const [sample, setSample] = useState('');
  const change = (patch: Partial<BrandProfile>) => setProfile((p) => ({ ...p, ...patch }));
  const update = trpc.clients.updateBrandProfile.useMutation({
    onMutate: () => setSaved(false),
    // Show what was stored: trimmed, repeats dropped, hashtags without their #.
    onSuccess: (stored) => {
      setProfile(stored);
      setSaved(true);
    },
  });
  const failure = update.error ? summarizeError(update.error) : null;
  const problems = sample.trim() ? brandProblems(profile, sample) : [];
  const withTags = sample.trim() ? withDefaultHashtags(sample, profile, 'instagram') : '';
  return (
    <Card withBorder padding="lg">
      <form
        aria-labelledby="brand-profile-heading"
        onSubmit={(event) => {
          event.preventDefault();
          update.mutate({ clientId, ...profile });
        }}
      >
        <Stack>
          <Title order={2} id="brand-profile-heading">
            Brand profile
          </Title>
          <Text c="dimmed" size="sm">
            What this client’s captions should sound like and carry. Herald checks captions against
            it and offers the default hashtags.
          </Text>
          <Fieldset variant="unstyled" disabled={!canManage}>
            <Stack>
              <Textarea
                label="Voice and tone"
                description="How the brand speaks, for whoever (or whatever) writes its captions."
                autosize
                minRows={3}
                maxLength={2_000}
                value={profile.voice}
                onChange={(event) => change({ voice: event.currentTarget.value })}
              />
              <TagsInput
                label="Banned topics"
                description="Words or phrases a caption must not mention. Press Enter after each."
                value={profile.bannedTopics}
                onChange={(bannedTopics) => change({ bannedTopics })}
                clearable
              />
              <TextInput
                label="Required call to action"
                description="Text every caption must contain, e.g. “Book at fjord.no”."
                maxLength={300}
                value={profile.callToAction}
                onChange={(event) => change({ callToAction: event.currentTarget.value })}
              />
              <TagsInput
                label="Default hashtags"
                description="Added to captions that lack them, within each platform’s limits."
                value={profile.defaultHashtags}
                onChange={(defaultHashtags) => change({ defaultHashtags })}
                clearable
              />
            </Stack>
          </Fieldset>
          {failure ? (
            <Alert color="red" role="alert">
              {failure.message}
            </Alert>
          ) : null}
          {saved ? (
            <Alert color="green" role="status">
              Brand profile saved.
            </Alert>
          ) : null}
          {canManage ? (
            <Button type="submit" loading={update.isPending}>
              Save brand profile
            </Button>
          ) : null}
          <Textarea
            label="Try a caption"
            description="Checked against the profile above as you type; nothing is saved."
            autosize
            minRows={2}
            value={sample}
            onChange={(event) => setSample(event.currentTarget.value)}
          />
          {sample.trim() ? (
            <div aria-live="polite">
              {problems.length > 0 ? (
                <List aria-label="Brand problems" c="red">
                  {problems.map((problem) => (
                    <List.Item key={problem}>{problem}</List.Item>
                  ))}
                </List>
              ) : (
                <Text c="green">This caption keeps to the brand profile.</Text>
              )}
              {withTags !== sample ? (
                <Stack gap={4} mt="xs">
                  <Text size="sm">With the default hashtags (on Instagram):</Text>
                  <Code block>{withTags}</Code>
                </Stack>
              ) : null}
            </div>
          ) : null}
        </Stack>
      </form>
    </Card>
  );
}
