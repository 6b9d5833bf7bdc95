// The public review page (docs/decisions/0039): whoever holds the link sees one post (caption,
// media, platforms, time) and approves it or asks for changes under their name. No account,
// no session, and nothing else of the organization: no client, agency, handle or other post.
import {
  ConflictError,
  decideThroughReviewLink,
  InvalidInputError,
  openReviewLink,
} from '@herald/core';
import { PLATFORM_LABELS, REVIEW_STATUS_LABELS } from '@herald/core/domain';
import {
  Alert,
  Badge,
  Button,
  Card,
  Container,
  Group,
  Image,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { data, Form, useNavigation } from 'react-router';
import { getEnv } from '../env.server.ts';
import { clientAddress, socketAddressContext } from '../lib/client-address.ts';
import { db } from '../lib/db.server.ts';
import { formatInZone } from '../lib/format.ts';
import { readFormBody } from '../lib/form-body.server.ts';
import { getStorage } from '../lib/storage.server.ts';
import type { Route } from './+types/review.$token';

export const meta: Route.MetaFunction = () => [
  { title: 'Review a post' },
  // The link is a secret: keep it out of search engines.
  { name: 'robots', content: 'noindex, nofollow' },
  // The token is in the address: links and images on the page never send it on.
  { name: 'referrer', content: 'no-referrer' },
];

/** The token is in the address: never cache the page or index it. */
export const headers: Route.HeadersFunction = ({ actionHeaders }) => {
  const result: [string, string][] = [
    ['Cache-Control', 'no-store'],
    ['X-Robots-Tag', 'noindex, nofollow'],
  ];
  const retryAfter = actionHeaders.get('Retry-After');
  if (retryAfter) result.push(['Retry-After', retryAfter]);
  return result;
};

export async function loader({ params }: Route.LoaderArgs) {
  const opened = await openReviewLink(db, getStorage(), params.token);
  if (opened.state !== 'active') {
    return data({ link: opened }, { status: opened.state === 'unknown' ? 404 : 410 });
  }
  return { link: opened };
}

type ActionData = { formError: string | null; name: string; comment: string };

export async function action({ request, params, context }: Route.ActionArgs) {
  const body = await readFormBody(request);
  if (!body.ok) {
    return data<ActionData>(
      { formError: body.message, name: '', comment: '' },
      { status: body.status },
    );
  }
  const field = (key: string) => {
    const value = body.form.get(key);
    return typeof value === 'string' ? value : '';
  };
  const name = field('name');
  const comment = field('comment');
  const decision = field('decision');
  if (decision !== 'approve' && decision !== 'request_changes') {
    return data<ActionData>(
      { formError: 'Choose Approve or Request changes.', name, comment },
      { status: 400 },
    );
  }
  try {
    const result = await decideThroughReviewLink(db, {
      token: params.token,
      name,
      comment,
      decision,
      clientKey: clientAddress(
        request.headers,
        context.get(socketAddressContext),
        getEnv().TRUST_PROXY,
      ),
    });
    if (result.outcome === 'throttled') {
      return data<ActionData>(
        { formError: result.message, name, comment },
        { status: 429, headers: { 'Retry-After': String(result.retryAfterSeconds) } },
      );
    }
    // An unavailable link is shown by the loader that runs next.
    return data<ActionData>(
      { formError: null, name: '', comment: '' },
      { status: result.outcome === 'decided' ? 200 : 410 },
    );
  } catch (error) {
    if (error instanceof InvalidInputError || error instanceof ConflictError) {
      return data<ActionData>({ formError: error.message, name, comment }, { status: 400 });
    }
    throw error;
  }
}

const UNAVAILABLE = {
  expired: {
    title: 'This review link has expired',
    body: 'Ask the team that sent it for a new link.',
  },
  revoked: {
    title: 'This review link was withdrawn',
    body: 'The team that sent it has revoked it. Ask them for a new link if you still need one.',
  },
  unknown: {
    title: 'This review link does not work',
    body: 'Check that you copied the whole link, or ask the team that sent it for a new one.',
  },
} as const;

export default function ReviewPage({ loaderData, actionData }: Route.ComponentProps) {
  const { link } = loaderData;
  const submitting = useNavigation().state === 'submitting';
  if (link.state !== 'active') {
    const message = UNAVAILABLE[link.state];
    return (
      <Container size="sm" py="xl">
        <Alert color="gray" title={message.title} role="alert">
          {message.body}
        </Alert>
      </Container>
    );
  }
  const { post } = link;
  const inZone = (instant: Date) => formatInZone(new Date(instant), post.timezone);
  const waiting = post.reviewStatus === 'in_review';
  return (
    <Container size="sm" py="xl">
      <Stack gap="lg">
        <Group justify="space-between" align="center">
          <Title order={1}>Review a post</Title>
          <Badge size="lg" data-testid="review-status">
            {REVIEW_STATUS_LABELS[post.reviewStatus]}
          </Badge>
        </Group>
        <Card withBorder padding="lg">
          <Stack>
            <Text style={{ whiteSpace: 'pre-wrap' }} aria-label="Caption">
              {post.caption}
            </Text>
            {post.media.length > 0 ? (
              <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="xs">
                {post.media.map((m) =>
                  m.thumbnailUrl ? (
                    <Image key={m.id} src={m.thumbnailUrl} alt={m.name} radius="sm" />
                  ) : (
                    <Text key={m.id} size="sm" c="dimmed">
                      {m.name}
                    </Text>
                  ),
                )}
              </SimpleGrid>
            ) : null}
            <Table aria-label="Where and when">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Platform</Table.Th>
                  <Table.Th>Time ({post.timezone})</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {post.targets.map((t, i) => (
                  <Table.Tr key={i}>
                    <Table.Td>{PLATFORM_LABELS[t.platform]}</Table.Td>
                    <Table.Td>{inZone(t.scheduledFor)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Stack>
        </Card>
        {waiting ? (
          <Form method="post">
            <Stack>
              {actionData?.formError ? (
                <Alert color="red" role="alert">
                  {actionData.formError}
                </Alert>
              ) : null}
              <TextInput
                name="name"
                label="Your name"
                required
                autoComplete="name"
                defaultValue={actionData?.name ?? ''}
              />
              <Textarea
                name="comment"
                label="Comment"
                description="Needed when you ask for changes."
                autosize
                minRows={3}
                defaultValue={actionData?.comment ?? ''}
              />
              <Group>
                <Button
                  type="submit"
                  name="decision"
                  value="approve"
                  color="green"
                  disabled={submitting}
                >
                  Approve
                </Button>
                <Button
                  type="submit"
                  name="decision"
                  value="request_changes"
                  variant="default"
                  disabled={submitting}
                >
                  Request changes
                </Button>
              </Group>
            </Stack>
          </Form>
        ) : (
          <Alert color={post.reviewStatus === 'approved' ? 'green' : 'gray'} role="status">
            {post.reviewStatus === 'approved'
              ? 'This post is approved. Thank you.'
              : post.reviewStatus === 'changes_requested'
                ? 'Changes were requested. The team will send it again once it is updated.'
                : 'This post is not waiting for a review.'}
          </Alert>
        )}
        <Text size="xs" c="dimmed">
          This link works until {inZone(link.expiresAt)} ({post.timezone}).
        </Text>
      </Stack>
    </Container>
  );
}
