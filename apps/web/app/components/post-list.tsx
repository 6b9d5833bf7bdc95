import { Loader, Group, Stack, Text } from '@mantine/core';
import { trpc } from '../lib/trpc.ts';
import { ApiError } from './api-error.tsx';
import { PostCard } from './post-card.tsx';

/** Statuses change in the worker, not here: polling keeps the list honest without sockets. */
const REFRESH_MS = 2_000;

interface Props {
  clientId: string;
  timeZone: string;
  canWrite: boolean;
}

export function PostList({ clientId, timeZone, canWrite }: Props) {
  const posts = trpc.posts.list.useQuery({ clientId }, { refetchInterval: REFRESH_MS });

  if (posts.isPending) {
    return (
      <Group gap="xs" aria-busy="true">
        <Loader size="xs" />
        <Text c="dimmed">Loading posts…</Text>
      </Group>
    );
  }
  if (posts.isError) return <ApiError error={posts.error} prefix="Could not load posts: " />;
  if (posts.data.length === 0) {
    return <Text c="dimmed">No posts yet. Scheduled posts will show up here.</Text>;
  }
  return (
    <Stack gap="sm">
      {posts.data.map((post) => (
        <PostCard key={post.id} post={post} timeZone={timeZone} canWrite={canWrite} />
      ))}
    </Stack>
  );
}
