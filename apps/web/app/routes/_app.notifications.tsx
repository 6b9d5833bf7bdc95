// Every notification of the member, newest first, paged; live while the page is open.
import {
  Anchor,
  Button,
  Group,
  Pagination,
  SegmentedControl,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { Link, useSearchParams } from 'react-router';
import { ApiError } from '../components/api-error.tsx';
import { NotificationItem } from '../components/notification-bell.tsx';
import { trpc } from '../lib/trpc.ts';
import { useLiveNotifications } from '../lib/use-live-notifications.ts';
import type { Route } from './+types/_app.notifications';

export const meta: Route.MetaFunction = () => [{ title: 'Notifications · Herald' }];

const PAGE_SIZE = 20;

export default function NotificationsPage() {
  useLiveNotifications();
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);
  const unreadOnly = params.get('show') === 'unread';
  const utils = trpc.useUtils();
  const list = trpc.notifications.list.useQuery({ page, pageSize: PAGE_SIZE, unreadOnly });
  const markAll = trpc.notifications.markAllRead.useMutation({
    onSuccess: () => utils.notifications.invalidate(),
  });
  const pages = list.data ? Math.max(1, Math.ceil(list.data.total / PAGE_SIZE)) : 1;
  const go = (next: { page?: number; show?: string }) => {
    const search = new URLSearchParams(params);
    if (next.page !== undefined) search.set('page', String(next.page));
    if (next.show !== undefined) {
      search.set('show', next.show);
      search.delete('page');
    }
    setParams(search);
  };
  return (
    <Stack maw={760}>
      <Group justify="space-between" align="baseline">
        <Title order={1}>Notifications</Title>
        <Group gap="md">
          <Anchor component={Link} to="/activity" size="sm">
            Activity
          </Anchor>
          <Anchor component={Link} to="/notifications/preferences" size="sm">
            Email settings
          </Anchor>
        </Group>
      </Group>
      <Group justify="space-between">
        <SegmentedControl
          aria-label="Show"
          value={unreadOnly ? 'unread' : 'all'}
          onChange={(show) => go({ show })}
          data={[
            { value: 'all', label: 'All' },
            { value: 'unread', label: `Unread${list.data ? ` (${list.data.unread})` : ''}` },
          ]}
        />
        <Button
          variant="light"
          disabled={!list.data || list.data.unread === 0}
          loading={markAll.isPending}
          onClick={() => markAll.mutate()}
        >
          Mark all read
        </Button>
      </Group>
      {list.error ? <ApiError error={list.error} prefix="Could not load notifications: " /> : null}
      {markAll.error ? <ApiError error={markAll.error} /> : null}
      {list.data && list.data.items.length === 0 ? (
        <Text c="dimmed">
          {unreadOnly
            ? 'You have read everything.'
            : 'No notifications yet. Failed posts and accounts that need you show up here.'}
        </Text>
      ) : null}
      <Stack gap="xs" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {list.data?.items.map((notification) => (
          <li key={notification.id}>
            <NotificationItem notification={notification} />
          </li>
        ))}
      </Stack>
      {pages > 1 ? (
        <Pagination
          total={pages}
          value={page}
          onChange={(next) => go({ page: next })}
          getControlProps={(control) => ({
            'aria-label': control === 'next' ? 'Next page' : 'Previous page',
          })}
        />
      ) : null}
    </Stack>
  );
}
