// The paged post list of one client (times in its zone) or of every client: filters, caption
// search, and "Load more" pages that follow the server's keyset cursor.
import {
  captionExcerpt,
  nextDay,
  PLATFORM_LABELS,
  startOfZonedDay,
  TARGET_STATUSES,
  TARGET_STATUS_COLORS,
  TARGET_STATUS_LABELS,
  toZonedLocal,
  type Platform,
  type TargetStatus,
} from '@herald/core/domain';
import {
  Anchor,
  Badge,
  Button,
  Group,
  Loader,
  MultiSelect,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { Link } from 'react-router';
import { trpc } from '../../lib/trpc.ts';
import { useViewerTimeZone } from '../../lib/use-viewer-time-zone.ts';
import { ApiError } from '../api-error.tsx';
import type { CalendarAccount } from './calendar-page.tsx';

interface Props {
  client: { id: string; name: string; timezone: string } | null;
  accounts: CalendarAccount[];
}

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export function PostSearchPage({ client, accounts }: Props) {
  const viewerZone = useViewerTimeZone();
  // The date filter reads days in the client's zone, or across clients in the viewer's.
  const zone = client?.timezone ?? viewerZone ?? 'UTC';
  const [text, setText] = useState('');
  const [search] = useDebouncedValue(text.trim(), 300);
  const [platforms, setPlatforms] = useState<string[]>([]);
  const [accountIds, setAccountIds] = useState<string[]>([]);
  const [statuses, setStatuses] = useState<string[]>([]);
  const [fromDay, setFromDay] = useState('');
  const [toDay, setToDay] = useState('');
  const rangeProblem =
    DAY_PATTERN.test(fromDay) && DAY_PATTERN.test(toDay) && fromDay > toDay
      ? 'The first day must not be after the last.'
      : null;

  const input = {
    ...(client ? { clientId: client.id } : {}),
    ...(search ? { text: search } : {}),
    ...(platforms.length ? { platforms: platforms as Platform[] } : {}),
    ...(accountIds.length ? { accountIds } : {}),
    ...(statuses.length ? { statuses: statuses as TargetStatus[] } : {}),
    ...(DAY_PATTERN.test(fromDay) && !rangeProblem ? { from: startOfZonedDay(fromDay, zone) } : {}),
    ...(DAY_PATTERN.test(toDay) && !rangeProblem
      ? { to: startOfZonedDay(nextDay(toDay), zone) }
      : {}),
    limit: 25,
  };
  const posts = trpc.posts.search.useInfiniteQuery(input, {
    getNextPageParam: (page) => page.nextCursor,
  });
  const items = posts.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <Stack gap="md">
      <Group align="flex-end" gap="sm" role="search" aria-label="Filter the posts">
        <TextInput
          label="Search captions"
          value={text}
          onChange={(event) => setText(event.currentTarget.value)}
          w={240}
        />
        <MultiSelect
          label="Statuses"
          placeholder={statuses.length ? undefined : 'All statuses'}
          data={TARGET_STATUSES.map((s) => ({ value: s, label: TARGET_STATUS_LABELS[s] }))}
          value={statuses}
          onChange={setStatuses}
          clearable
          w={220}
        />
        <MultiSelect
          label="Platforms"
          placeholder={platforms.length ? undefined : 'All platforms'}
          data={[...new Set(accounts.map((a) => a.platform))].map((p) => ({
            value: p,
            label: PLATFORM_LABELS[p],
          }))}
          value={platforms}
          onChange={setPlatforms}
          clearable
          w={200}
        />
        <MultiSelect
          label="Accounts"
          placeholder={accountIds.length ? undefined : 'All accounts'}
          data={accounts.map((a) => ({
            value: a.id,
            label: client ? a.handle : `${a.clientName} · ${a.handle}`,
          }))}
          value={accountIds}
          onChange={setAccountIds}
          clearable
          searchable
          w={260}
        />
        <TextInput
          type="date"
          label="From"
          value={fromDay}
          onChange={(event) => setFromDay(event.currentTarget.value)}
          error={rangeProblem}
        />
        <TextInput
          type="date"
          label="To"
          value={toDay}
          onChange={(event) => setToDay(event.currentTarget.value)}
        />
      </Group>
      <Text size="sm" c="dimmed">
        Newest first. Days are read in {zone}.
      </Text>
      {posts.error ? <ApiError error={posts.error} prefix="Could not load the posts: " /> : null}
      {posts.isPending ? (
        <Loader aria-label="Loading posts" />
      ) : items.length === 0 ? (
        <Text>No posts match.</Text>
      ) : (
        <Table striped highlightOnHover aria-label="Posts">
          <Table.Thead>
            <Table.Tr>
              {client ? null : <Table.Th>Client</Table.Th>}
              <Table.Th>Caption</Table.Th>
              <Table.Th>Accounts</Table.Th>
              <Table.Th>When</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((post) => {
              const first = post.targets[0];
              const postZone = post.client.timezone;
              return (
                <Table.Tr key={post.id}>
                  {client ? null : <Table.Td>{post.client.name}</Table.Td>}
                  <Table.Td>
                    <Anchor component={Link} to={`/posts/${post.id}`}>
                      {captionExcerpt(post.caption, 100)}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {post.targets.map((target) => (
                        <Badge
                          key={target.id}
                          color={TARGET_STATUS_COLORS[target.status]}
                          variant="light"
                          title={TARGET_STATUS_LABELS[target.status]}
                        >
                          {target.socialAccount.handle}: {TARGET_STATUS_LABELS[target.status]}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    {first ? (
                      <time dateTime={first.scheduledFor.toISOString()}>
                        {toZonedLocal(first.scheduledFor, postZone).slice(0, 16).replace('T', ' ')}{' '}
                        <Text span size="xs" c="dimmed">
                          {postZone}
                        </Text>
                      </time>
                    ) : null}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
      {posts.hasNextPage ? (
        <Button
          variant="default"
          onClick={() => void posts.fetchNextPage()}
          loading={posts.isFetchingNextPage}
        >
          Load more posts
        </Button>
      ) : null}
    </Stack>
  );
}
