// The team: members with their role and clients, pending invitations, and (for owners and
// admins) inviting, changing and removing. Client approvers do not see this page.
import { listTeam } from '@herald/core';
import { MEMBER_ROLES, ROLE_LABELS, type MemberRole } from '@herald/core/domain';
import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Group,
  Modal,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState, useSyncExternalStore, type FormEvent } from 'react';
import { data, useRevalidator } from 'react-router';
import { db } from '../lib/db.server.ts';
import { requireSession } from '../lib/session.server.ts';
import { trpc } from '../lib/trpc.ts';
import { summarizeError } from '../lib/trpc-errors.ts';
import type { Route } from './+types/_app.settings.team';

export const meta: Route.MetaFunction = () => [{ title: 'Team · Herald' }];

export async function loader(args: Route.LoaderArgs) {
  const session = requireSession(args);
  if (session.role === 'client_approver') {
    throw data('Your role does not include the team page.', { status: 403 });
  }
  return { team: await listTeam(db, session), role: session.role };
}

type Team = Route.ComponentProps['loaderData']['team'];
type Client = Team['clients'][number];

function roleOptions(actorRole: MemberRole) {
  return MEMBER_ROLES.filter((role) => role !== 'owner' || actorRole === 'owner').map((role) => ({
    value: role,
    label: ROLE_LABELS[role],
  }));
}

/** Role and client limit, shared by the invite form and the change dialog. */
function AccessFields(props: {
  actorRole: MemberRole;
  clients: Client[];
  role: MemberRole;
  onRole: (role: MemberRole) => void;
  clientIds: string[];
  onClientIds: (ids: string[]) => void;
  roleError?: string | undefined;
}) {
  return (
    <>
      <Select
        label="Role"
        data={roleOptions(props.actorRole)}
        value={props.role}
        onChange={(value) => value && props.onRole(value)}
        allowDeselect={false}
        error={props.roleError}
      />
      {props.role !== 'owner' && props.clients.length > 0 ? (
        <Checkbox.Group
          label="Limit to these clients"
          description="Leave all unticked for every client."
          value={props.clientIds}
          onChange={props.onClientIds}
        >
          <Stack gap={4} mt="xs">
            {props.clients.map((client) => (
              <Checkbox key={client.id} value={client.id} label={client.name} />
            ))}
          </Stack>
        </Checkbox.Group>
      ) : null}
    </>
  );
}

const limitOf = (role: MemberRole, ids: string[]) =>
  role === 'owner' || ids.length === 0 ? null : ids;

function InviteForm({ team, actorRole }: { team: Team; actorRole: MemberRole }) {
  const revalidator = useRevalidator();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<MemberRole>('editor');
  const [clientIds, setClientIds] = useState<string[]>([]);
  const [sent, setSent] = useState<string | null>(null);
  // Until hydrated the form would submit natively (and lose what was typed): wait for it.
  const hydrated = useSyncExternalStore(
    () => () => {},
    () => true,
    () => false,
  );
  const invite = trpc.team.invite.useMutation({
    onSuccess: (result) => {
      setSent(
        result.mailed
          ? `Invitation sent to ${email}.`
          : `The invitation to ${email} is ready, but the email could not be sent: use Resend.`,
      );
      setEmail('');
      setClientIds([]);
      void revalidator.revalidate();
    },
  });
  const error = invite.error ? summarizeError(invite.error) : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSent(null);
    invite.mutate({ email, role, clientIds: limitOf(role, clientIds) });
  };
  return (
    <Paper
      withBorder
      p="md"
      radius="md"
      component="section"
      aria-labelledby="invite-title"
      role="region"
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Title order={2} size="h4" id="invite-title">
            Invite someone
          </Title>
          {error && Object.keys(error.fieldErrors).length === 0 ? (
            <Alert color="red" role="alert">
              {error.message}
            </Alert>
          ) : null}
          {sent ? (
            <Alert color="green" role="status">
              {sent}
            </Alert>
          ) : null}
          <TextInput
            label="Email"
            type="email"
            required
            value={email}
            onChange={(event) => setEmail(event.currentTarget.value)}
            error={error?.fieldErrors.email?.[0]}
          />
          <AccessFields
            actorRole={actorRole}
            clients={team.clients}
            role={role}
            onRole={setRole}
            clientIds={clientIds}
            onClientIds={setClientIds}
            roleError={error?.fieldErrors.role?.[0]}
          />
          <Group>
            <Button type="submit" loading={invite.isPending} disabled={!hydrated}>
              Send invitation
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function ChangeMemberDialog(props: {
  member: Team['members'][number];
  team: Team;
  actorRole: MemberRole;
  onClose: () => void;
}) {
  const revalidator = useRevalidator();
  const [role, setRole] = useState<MemberRole>(props.member.role);
  const [clientIds, setClientIds] = useState<string[]>(
    props.member.clients?.map((c) => c.id) ?? [],
  );
  const change = trpc.team.changeMember.useMutation({
    onSuccess: () => {
      void revalidator.revalidate();
      props.onClose();
    },
  });
  return (
    <Modal opened onClose={props.onClose} title={`Change ${props.member.user.name}`}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          change.mutate({
            memberId: props.member.id,
            role,
            clientIds: limitOf(role, clientIds),
          });
        }}
      >
        <Stack gap="sm">
          {change.error ? (
            <Alert color="red" role="alert">
              {summarizeError(change.error).message}
            </Alert>
          ) : null}
          <AccessFields
            actorRole={props.actorRole}
            clients={props.team.clients}
            role={role}
            onRole={setRole}
            clientIds={clientIds}
            onClientIds={setClientIds}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={props.onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={change.isPending}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function MemberActions(props: {
  member: Team['members'][number];
  team: Team;
  actorRole: MemberRole;
}) {
  const revalidator = useRevalidator();
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const remove = trpc.team.removeMember.useMutation({
    onSuccess: () => void revalidator.revalidate(),
  });
  if (props.member.role === 'owner' && props.actorRole !== 'owner') return null;
  const name = props.member.user.name;
  return (
    <Stack gap={4}>
      <Group gap="xs">
        <Button
          size="xs"
          variant="default"
          onClick={() => setEditing(true)}
          aria-label={`Change ${name}`}
        >
          Change
        </Button>
        {confirming ? (
          <>
            <Button
              size="xs"
              color="red"
              loading={remove.isPending}
              onClick={() => remove.mutate({ memberId: props.member.id })}
            >
              Yes, remove {name}
            </Button>
            <Button size="xs" variant="subtle" onClick={() => setConfirming(false)}>
              Keep
            </Button>
          </>
        ) : (
          <Button
            size="xs"
            variant="subtle"
            color="red"
            onClick={() => setConfirming(true)}
            aria-label={`Remove ${name}`}
          >
            Remove
          </Button>
        )}
      </Group>
      {remove.error ? (
        <Text size="xs" c="red" role="alert">
          {summarizeError(remove.error).message}
        </Text>
      ) : null}
      {editing ? <ChangeMemberDialog {...props} onClose={() => setEditing(false)} /> : null}
    </Stack>
  );
}

function InvitationActions({ invitationId, email }: { invitationId: string; email: string }) {
  const revalidator = useRevalidator();
  const [note, setNote] = useState<string | null>(null);
  const resend = trpc.team.resendInvitation.useMutation({
    onSuccess: (r) => setNote(r.mailed ? 'Sent again.' : 'The email could not be sent.'),
  });
  const revoke = trpc.team.revokeInvitation.useMutation({
    onSuccess: () => void revalidator.revalidate(),
  });
  const error = resend.error ?? revoke.error;
  return (
    <Stack gap={4}>
      <Group gap="xs">
        <Button
          size="xs"
          variant="default"
          loading={resend.isPending}
          onClick={() => resend.mutate({ invitationId })}
          aria-label={`Resend the invitation to ${email}`}
        >
          Resend
        </Button>
        <Button
          size="xs"
          variant="subtle"
          color="red"
          loading={revoke.isPending}
          onClick={() => revoke.mutate({ invitationId })}
          aria-label={`Revoke the invitation to ${email}`}
        >
          Revoke
        </Button>
      </Group>
      {note ? (
        <Text size="xs" role="status">
          {note}
        </Text>
      ) : null}
      {error ? (
        <Text size="xs" c="red" role="alert">
          {summarizeError(error).message}
        </Text>
      ) : null}
    </Stack>
  );
}

export default function TeamPage({ loaderData }: Route.ComponentProps) {
  const { team, role } = loaderData;
  const clientNames = (clients: { name: string }[] | null) =>
    clients === null ? 'All clients' : clients.map((c) => c.name).join(', ') || 'No clients';
  const nameOf = new Map(team.clients.map((c) => [c.id, c.name]));
  return (
    <Stack gap="lg">
      <Title order={1}>Team</Title>
      <Table.ScrollContainer minWidth={560}>
        <Table aria-label="Members" verticalSpacing="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Email</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Clients</Table.Th>
              {team.canManage ? <Table.Th>Actions</Table.Th> : null}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {team.members.map((member) => (
              <Table.Tr key={member.id}>
                <Table.Td>
                  {member.user.name}
                  {member.isYou ? (
                    <Badge ml="xs" size="sm" variant="light">
                      You
                    </Badge>
                  ) : null}
                </Table.Td>
                <Table.Td>{member.user.email}</Table.Td>
                <Table.Td>{ROLE_LABELS[member.role]}</Table.Td>
                <Table.Td>{clientNames(member.clients)}</Table.Td>
                {team.canManage ? (
                  <Table.Td>
                    <MemberActions member={member} team={team} actorRole={role} />
                  </Table.Td>
                ) : null}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {team.canManage ? (
        <>
          <InviteForm team={team} actorRole={role} />
          {team.invitations.length > 0 ? (
            <section aria-labelledby="pending-title">
              <Title order={2} size="h4" id="pending-title" mb="sm">
                Pending invitations
              </Title>
              <Table aria-label="Pending invitations">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Email</Table.Th>
                    <Table.Th>Role</Table.Th>
                    <Table.Th>Clients</Table.Th>
                    <Table.Th>Expires</Table.Th>
                    <Table.Th>Actions</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {team.invitations.map((invitation) => (
                    <Table.Tr key={invitation.id}>
                      <Table.Td>{invitation.email}</Table.Td>
                      <Table.Td>{ROLE_LABELS[invitation.role]}</Table.Td>
                      <Table.Td>
                        {clientNames(
                          invitation.clientIds?.map((id) => ({
                            name: nameOf.get(id) ?? 'A removed client',
                          })) ?? null,
                        )}
                      </Table.Td>
                      <Table.Td>
                        {new Date(invitation.expiresAt).toISOString().slice(0, 10)}
                      </Table.Td>
                      <Table.Td>
                        <InvitationActions invitationId={invitation.id} email={invitation.email} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </section>
          ) : null}
        </>
      ) : (
        <Text c="dimmed">Owners and admins invite people and change roles.</Text>
      )}
    </Stack>
  );
}
