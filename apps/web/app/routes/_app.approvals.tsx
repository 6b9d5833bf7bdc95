// The review queue: posts waiting for review across the organization's clients, the most
// recently submitted first, each linking to its page.
import { reviewQueue, roleAllows } from '@herald/core';
import { PLATFORM_LABELS } from '@herald/core/domain';
import { Anchor, Badge, Card, Group, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { db } from '../lib/db.server.ts';
import { formatInZone } from '../lib/format.ts';
import { requireSession } from '../lib/session.server.ts';
import type { Route } from './+types/_app.approvals';

export const meta: Route.MetaFunction = () => [{ title: 'Approvals · Herald' }];

export async function loader(args: Route.LoaderArgs) {
  const session = requireSession(args);
  return {
    posts: await reviewQueue(db, session),
    canApprove: roleAllows(session.role, 'posts:approve'),
  };
}

export default function ApprovalsPage({ loaderData }: Route.ComponentProps) {
  const { posts, canApprove } = loaderData;
  return (
    <Stack gap="lg">
      <Title order={1}>Approvals</Title>
      <Text c="dimmed">
        {canApprove
          ? 'Posts waiting for your review, the most recently submitted first.'
          : 'Posts waiting for review, the most recently submitted first. Your role cannot approve them.'}
      </Text>
      {posts.length === 0 ? (
        <Text>Nothing is waiting for review.</Text>
      ) : (
        <Stack
          gap="sm"
          component="ul"
          aria-label="Posts in review"
          style={{ listStyle: 'none', padding: 0, margin: 0 }}
        >
          {posts.map((post) => (
            <Card component="li" key={post.id} withBorder padding="md">
              <Group justify="space-between" align="flex-start" wrap="nowrap">
                <Stack gap={4}>
                  <Anchor component={Link} to={`/posts/${post.id}`} fw={600} lineClamp={2}>
                    {post.caption}
                  </Anchor>
                  <Text size="sm" c="dimmed">
                    {post.client.name}
                    {post.author ? ` · by ${post.author}` : ''}
                    {post.submittedAt
                      ? ` · submitted ${formatInZone(new Date(post.submittedAt), post.client.timezone)}`
                      : ''}
                  </Text>
                  {post.scheduledFor ? (
                    <Text size="sm">
                      For {formatInZone(new Date(post.scheduledFor), post.client.timezone)} (
                      {post.client.timezone})
                    </Text>
                  ) : null}
                </Stack>
                <Group gap={4}>
                  {post.platforms.map((p) => (
                    <Badge key={p} variant="light">
                      {PLATFORM_LABELS[p]}
                    </Badge>
                  ))}
                </Group>
              </Group>
            </Card>
          ))}
        </Stack>
      )}
    </Stack>
  );
}
