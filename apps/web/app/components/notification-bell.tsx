// The header's bell: the unread count on an ActionIcon, live (ADR 0040), and a popover with the
// latest notifications, each a link to what it is about.
import {
  ActionIcon,
  Anchor,
  Badge,
  Button,
  Group,
  Indicator,
  Popover,
  Stack,
  Text,
  UnstyledButton,
} from '@mantine/core';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { trpc, type RouterOutputs } from '../lib/trpc.ts';
import { useLiveNotifications } from '../lib/use-live-notifications.ts';
import { ApiError } from './api-error.tsx';
import { LocalTime } from './local-time.tsx';

export type NotificationItemView = RouterOutputs['notifications']['list']['items'][number];

const LATEST = 6;

function BellIcon() {
  return (
    <svg aria-hidden="true" width="20" height="20" viewBox="0 0 24 24" fill="none">
      <path
        d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9Zm4.3 13a2 2 0 0 0 3.4 0"
        stroke="currentColor"
        strokeWidth="2"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}

/** One notification: title, body and time; unread ones stand out. Opening it marks it read. */
export function NotificationItem({
  notification,
  onOpen,
  compact = false,
}: {
  notification: NotificationItemView;
  onOpen?: () => void;
  compact?: boolean;
}) {
  const utils = trpc.useUtils();
  const navigate = useNavigate();
  const markRead = trpc.notifications.markRead.useMutation({
    onSuccess: () => utils.notifications.invalidate(),
  });
  const open = () => {
    if (!notification.read) markRead.mutate({ notificationId: notification.id });
    onOpen?.();
    if (notification.link) void navigate(notification.link);
  };
  const content = (
    <Stack gap={2}>
      <Group gap="xs" wrap="nowrap">
        {notification.read ? null : (
          <Badge size="xs" variant="filled" aria-hidden="true" style={{ flexShrink: 0 }}>
            New
          </Badge>
        )}
        <Text size="sm" fw={notification.read ? 400 : 700} lineClamp={compact ? 2 : undefined}>
          {notification.title}
        </Text>
      </Group>
      <Text size="xs" c="dimmed" lineClamp={compact ? 2 : undefined}>
        {notification.body}
      </Text>
      <Text size="xs" c="dimmed">
        <LocalTime value={notification.createdAt} />
      </Text>
    </Stack>
  );
  return (
    <UnstyledButton
      onClick={open}
      data-unread={notification.read ? undefined : 'true'}
      aria-label={`${notification.read ? '' : 'Unread: '}${notification.title}`}
      p="xs"
      w="100%"
      style={{
        borderRadius: 'var(--mantine-radius-sm)',
        background: notification.read ? undefined : 'var(--mantine-color-blue-light)',
      }}
    >
      {content}
    </UnstyledButton>
  );
}

export function NotificationBell() {
  useLiveNotifications();
  const [opened, setOpened] = useState(false);
  const utils = trpc.useUtils();
  const latest = trpc.notifications.list.useQuery({ pageSize: LATEST });
  const markAll = trpc.notifications.markAllRead.useMutation({
    onSuccess: () => utils.notifications.invalidate(),
  });
  const unread = latest.data?.unread ?? 0;
  const label = unread === 0 ? 'Notifications' : `Notifications, ${unread} unread`;
  return (
    <Popover
      opened={opened}
      onChange={setOpened}
      width={360}
      position="bottom-end"
      shadow="md"
      // Our own roles: Mantine's would name the dialog after the bell's changing label.
      withRoles={false}
      trapFocus
    >
      <Popover.Target>
        <Indicator
          inline
          label={unread > 99 ? '99+' : unread}
          size={16}
          color="red"
          offset={4}
          disabled={unread === 0}
          data-testid="notification-badge"
        >
          <ActionIcon
            variant="subtle"
            color="gray"
            size="lg"
            aria-label={label}
            title={label}
            aria-haspopup="dialog"
            aria-expanded={opened}
            onClick={() => setOpened((o) => !o)}
          >
            <BellIcon />
          </ActionIcon>
        </Indicator>
      </Popover.Target>
      <Popover.Dropdown aria-label="Latest notifications" role="dialog" tabIndex={-1}>
        <Group justify="space-between" mb="xs">
          <Text fw={700}>Notifications</Text>
          <Button
            size="compact-xs"
            variant="subtle"
            disabled={unread === 0}
            loading={markAll.isPending}
            onClick={() => markAll.mutate()}
          >
            Mark all read
          </Button>
        </Group>
        {latest.error ? (
          <ApiError error={latest.error} prefix="Could not load notifications: " />
        ) : null}
        {markAll.error ? <ApiError error={markAll.error} /> : null}
        {latest.data && latest.data.items.length === 0 ? (
          <Text size="sm" c="dimmed">
            Nothing yet. Failed posts and accounts that need you show up here.
          </Text>
        ) : null}
        <Stack gap={4}>
          {latest.data?.items.map((notification) => (
            <NotificationItem
              key={notification.id}
              notification={notification}
              compact
              onOpen={() => setOpened(false)}
            />
          ))}
        </Stack>
        <Group justify="space-between" mt="sm">
          <Anchor component={Link} to="/notifications" size="sm" onClick={() => setOpened(false)}>
            See all
          </Anchor>
          <Anchor
            component={Link}
            to="/notifications/preferences"
            size="sm"
            onClick={() => setOpened(false)}
          >
            Email settings
          </Anchor>
        </Group>
      </Popover.Dropdown>
    </Popover>
  );
}
