// One post: its content, accounts and times (in the client's timezone), its review, comments
// and audit trail, and the review actions the member's role allows.
import {
  getClient,
  getPost,
  listComments,
  listReviewLinks,
  mediaPreviews,
  NotFoundError,
  postActivity,
  reviewOf,
  roleAllows,
} from '@herald/core';
import { PLATFORM_LABELS } from '@herald/core/domain';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  CopyButton,
  Group,
  Image,
  NumberInput,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Timeline,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { data, Link, useRevalidator } from 'react-router';
import { z } from 'zod';
import { ClientHeader } from '../components/client-header.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { db } from '../lib/db.server.ts';
import { formatInZone } from '../lib/format.ts';
import { activityLabel, REVIEW_COLORS, reviewLabel } from '../lib/review-labels.ts';
import { requireSession } from '../lib/session.server.ts';
import { getStorage } from '../lib/storage.server.ts';
import { summarizeError } from '../lib/trpc-errors.ts';
import { trpc } from '../lib/trpc.ts';
import type { Route } from './+types/_app.posts.$postId';

export const meta: Route.MetaFunction = ({ loaderData }) => [
  { title: loaderData ? `Post for ${loaderData.client.name} · Herald` : 'Post · Herald' },
];

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const session = requireSession({ request, context });
  const postId = z.uuid().safeParse(params.postId);
  if (!postId.success) throw data('Post not found', { status: 404 });
  const post = await getPost(db, session, postId.data).catch((error: unknown) => {
    if (error instanceof NotFoundError) throw data('Post not found', { status: 404 });
    throw error;
  });
  const [client, review, comments, activity, media] = await Promise.all([
    getClient(db, session, post.clientId),
    reviewOf(db, session, post.id),
    listComments(db, session, post.id),
    postActivity(db, session, post.id),
    mediaPreviews(db, getStorage(), { organizationId: session.organizationId, postId: post.id }),
  ]);
  return {
    post: {
      id: post.id,
      caption: post.caption,
      targets: post.targets.map((t) => ({
        id: t.id,
        status: t.status,
        scheduledFor: t.scheduledFor,
        platform: t.socialAccount.platform,
        handle: t.socialAccount.handle,
      })),
    },
    media,
    client: { id: client.id, name: client.name, timezone: client.timezone },
    review,
    comments,
    activity: activity.map(({ id, action, data: details, createdAt, actorName }) => ({
      id,
      label: activityLabel(action, details),
      createdAt,
      actorName,
    })),
    links: roleAllows(session.role, 'posts:approve')
      ? await listReviewLinks(db, session, post.id)
      : [],
    canWrite: roleAllows(session.role, 'posts:write'),
    canApprove: roleAllows(session.role, 'posts:approve'),
  };
}

export default function PostPage({ loaderData }: Route.ComponentProps) {
  const { post, media, client, review, comments, activity, links, canWrite, canApprove } =
    loaderData;
  const revalidator = useRevalidator();
  const refresh = { onSuccess: () => void revalidator.revalidate() };
  const submit = trpc.reviews.submit.useMutation(refresh);
  const approve = trpc.reviews.approve.useMutation(refresh);
  const [changes, setChanges] = useState<string | null>(null);
  const requestChanges = trpc.reviews.requestChanges.useMutation({
    onSuccess: () => {
      setChanges(null);
      void revalidator.revalidate();
    },
  });
  const [comment, setComment] = useState('');
  const addComment = trpc.reviews.comment.useMutation({
    onSuccess: () => {
      setComment('');
      void revalidator.revalidate();
    },
  });
  const reviewError = submit.error ?? approve.error ?? requestChanges.error;
  const inZone = (instant: Date) => formatInZone(new Date(instant), client.timezone);
  const canSubmit = canWrite && (review.status === 'none' || review.status === 'changes_requested');
  const canDecide = canApprove && review.status === 'in_review';
  const canSendBack = canApprove && (review.status === 'in_review' || review.status === 'approved');

  return (
    <Stack gap="lg">
      <ClientHeader client={client} />
      <Group justify="space-between" align="center">
        <Group gap="sm" align="center">
          <Title order={2}>Post</Title>
          <Badge color={REVIEW_COLORS[review.status]} size="lg" data-testid="review-status">
            {reviewLabel(review.status)}
          </Badge>
        </Group>
        <Anchor component={Link} to={`/clients/${client.id}`}>
          All posts of {client.name}
        </Anchor>
      </Group>
      {review.requiresApproval ? (
        <Alert color="blue" title="Approval required">
          {client.name} approves posts before they go out: this post can be scheduled or published
          once it is approved.
        </Alert>
      ) : null}
      {review.status === 'approved' && review.approvedAt ? (
        <Text>
          Approved by {review.approvedBy ?? 'someone no longer here'}
          {review.approvedExternally ? ' (review link)' : ''} on {inZone(review.approvedAt)}.
        </Text>
      ) : null}

      <Card withBorder padding="lg">
        <Stack>
          <Text style={{ whiteSpace: 'pre-wrap' }} aria-label="Caption">
            {post.caption}
          </Text>
          {media.length > 0 ? (
            <SimpleGrid cols={{ base: 3, sm: 6 }} spacing="xs">
              {media.map((m) =>
                m.thumbnailUrl ? (
                  <Image key={m.id} src={m.thumbnailUrl} alt={m.name} radius="sm" />
                ) : (
                  <Text key={m.id} size="sm" c="dimmed">
                    {m.name} ({m.kind}, processing)
                  </Text>
                ),
              )}
            </SimpleGrid>
          ) : null}
          <Table aria-label="Accounts">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Account</Table.Th>
                <Table.Th>Time ({client.timezone})</Table.Th>
                <Table.Th>Status</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {post.targets.map((t) => (
                <Table.Tr key={t.id}>
                  <Table.Td>
                    {PLATFORM_LABELS[t.platform]} · {t.handle}
                  </Table.Td>
                  <Table.Td>{inZone(t.scheduledFor)}</Table.Td>
                  <Table.Td>
                    <StatusBadge status={t.status} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      </Card>

      <Card withBorder padding="lg" component="section" aria-labelledby="review-heading">
        <Stack>
          <Title order={3} id="review-heading">
            Review
          </Title>
          {canSubmit || canDecide || canSendBack ? (
            <Group>
              {canSubmit ? (
                <Button
                  loading={submit.isPending}
                  onClick={() => submit.mutate({ postId: post.id })}
                >
                  Submit for review
                </Button>
              ) : null}
              {canDecide ? (
                <Button
                  color="green"
                  loading={approve.isPending}
                  onClick={() => approve.mutate({ postId: post.id })}
                >
                  Approve
                </Button>
              ) : null}
              {canSendBack && changes === null ? (
                <Button variant="default" onClick={() => setChanges('')}>
                  Request changes
                </Button>
              ) : null}
            </Group>
          ) : (
            <Text c="dimmed" size="sm">
              {review.status === 'in_review'
                ? 'Waiting for someone who may approve posts.'
                : 'Nothing for you to do here right now.'}
            </Text>
          )}
          {changes !== null ? (
            <form
              onSubmit={(event) => {
                event.preventDefault();
                requestChanges.mutate({ postId: post.id, comment: changes });
              }}
            >
              <Stack gap="xs">
                <Textarea
                  label="What should change?"
                  required
                  autosize
                  minRows={2}
                  value={changes}
                  onChange={(event) => setChanges(event.currentTarget.value)}
                />
                <Group>
                  <Button type="submit" color="orange" loading={requestChanges.isPending}>
                    Send back for changes
                  </Button>
                  <Button variant="subtle" onClick={() => setChanges(null)}>
                    Never mind
                  </Button>
                </Group>
              </Stack>
            </form>
          ) : null}
          {reviewError ? (
            <Alert color="red" role="alert">
              {summarizeError(reviewError).message}
            </Alert>
          ) : null}
        </Stack>
      </Card>

      {canApprove ? (
        <ReviewLinks
          postId={post.id}
          links={links}
          timeZone={client.timezone}
          onChange={() => void revalidator.revalidate()}
        />
      ) : null}

      <Card withBorder padding="lg" component="section" aria-labelledby="comments-heading">
        <Stack>
          <Title order={3} id="comments-heading">
            Comments
          </Title>
          {comments.length === 0 ? (
            <Text c="dimmed" size="sm">
              No comments yet.
            </Text>
          ) : (
            <Stack gap="sm" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
              {comments.map((c) => (
                <li key={c.id}>
                  <Text size="sm" fw={600}>
                    {c.authorName}
                    {c.external ? ' (review link)' : ''}{' '}
                    <Text span size="xs" c="dimmed" fw={400}>
                      {inZone(c.createdAt)}
                    </Text>
                  </Text>
                  <Text style={{ whiteSpace: 'pre-wrap' }}>{c.body}</Text>
                </li>
              ))}
            </Stack>
          )}
          {canWrite || canApprove ? (
            <form
              onSubmit={(event) => {
                event.preventDefault();
                addComment.mutate({ postId: post.id, body: comment });
              }}
            >
              <Stack gap="xs">
                <Textarea
                  label="Add a comment"
                  autosize
                  minRows={2}
                  value={comment}
                  onChange={(event) => setComment(event.currentTarget.value)}
                />
                <Group>
                  <Button type="submit" variant="light" loading={addComment.isPending}>
                    Comment
                  </Button>
                </Group>
                {addComment.error ? (
                  <Alert color="red" role="alert">
                    {summarizeError(addComment.error).message}
                  </Alert>
                ) : null}
              </Stack>
            </form>
          ) : null}
        </Stack>
      </Card>

      <Card withBorder padding="lg" component="section" aria-labelledby="trail-heading">
        <Stack>
          <Title order={3} id="trail-heading">
            History
          </Title>
          <Timeline bulletSize={12} lineWidth={2} aria-label="History">
            {activity.map((event) => (
              <Timeline.Item key={event.id} title={event.label}>
                <Text size="xs" c="dimmed">
                  {event.actorName ?? 'Herald'} · {inZone(event.createdAt)}
                </Text>
              </Timeline.Item>
            ))}
          </Timeline>
        </Stack>
      </Card>
    </Stack>
  );
}

interface ReviewLinksProps {
  postId: string;
  links: {
    id: string;
    createdAt: Date;
    expiresAt: Date;
    createdBy: string | null;
    state: string;
  }[];
  timeZone: string;
  onChange: () => void;
}

const LINK_STATE_LABELS: Record<string, string> = {
  active: 'Active',
  expired: 'Expired',
  revoked: 'Revoked',
};

/** Links that let the client review this post without an account; a new one is shown once. */
function ReviewLinks({ postId, links, timeZone, onChange }: ReviewLinksProps) {
  const [days, setDays] = useState<string | number>(7);
  const [created, setCreated] = useState<string | null>(null);
  const create = trpc.reviews.createLink.useMutation({
    onSuccess: (link) => {
      setCreated(`${window.location.origin}/review/${link.token}`);
      onChange();
    },
  });
  const revoke = trpc.reviews.revokeLink.useMutation({ onSuccess: onChange });
  const error = create.error ?? revoke.error;
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="links-heading">
      <Stack>
        <Title order={3} id="links-heading">
          Client review link
        </Title>
        <Text size="sm" c="dimmed">
          Anyone with the link can see this post (caption, media, platforms, time) and approve it or
          ask for changes, without an account, until it expires or you revoke it.
        </Text>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            create.mutate({ postId, days: Number(days) });
          }}
        >
          <Group align="flex-end">
            <NumberInput
              label="Valid for (days)"
              min={1}
              max={90}
              allowDecimal={false}
              value={days}
              onChange={setDays}
              w={160}
            />
            <Button type="submit" variant="light" loading={create.isPending}>
              Create link
            </Button>
          </Group>
        </form>
        {created ? (
          <Group align="flex-end">
            <TextInput
              label="New link (shown only now: copy it)"
              readOnly
              value={created}
              onFocus={(event) => event.currentTarget.select()}
              style={{ flex: 1 }}
            />
            <CopyButton value={created}>
              {({ copied, copy }) => (
                <Button variant="default" onClick={copy}>
                  {copied ? 'Copied' : 'Copy'}
                </Button>
              )}
            </CopyButton>
          </Group>
        ) : null}
        {error ? (
          <Alert color="red" role="alert">
            {summarizeError(error).message}
          </Alert>
        ) : null}
        {links.length > 0 ? (
          <Table aria-label="Review links">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Created</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {links.map((link) => (
                <Table.Tr key={link.id}>
                  <Table.Td>
                    {formatInZone(new Date(link.createdAt), timeZone)}
                    {link.createdBy ? ` by ${link.createdBy}` : ''}
                  </Table.Td>
                  <Table.Td>{formatInZone(new Date(link.expiresAt), timeZone)}</Table.Td>
                  <Table.Td>{LINK_STATE_LABELS[link.state] ?? link.state}</Table.Td>
                  <Table.Td>
                    {link.state === 'active' ? (
                      <Button
                        size="xs"
                        variant="subtle"
                        color="red"
                        loading={revoke.isPending && revoke.variables?.linkId === link.id}
                        onClick={() => revoke.mutate({ linkId: link.id })}
                      >
                        Revoke
                      </Button>
                    ) : null}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : null}
      </Stack>
    </Card>
  );
}
