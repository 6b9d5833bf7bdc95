// What clicking a calendar event opens: the post on that account, and what can be done to it.
import { PLATFORM_LABELS, toZonedLocal } from '@herald/core/domain';
import { Anchor, Badge, Drawer, Stack, Text } from '@mantine/core';
import { Link } from 'react-router';
import { TARGET_STATUS_COLORS, TARGET_STATUS_LABELS } from '@herald/core/domain';
import type { CalendarEntryView } from './calendar-events.ts';

interface Props {
  entry: CalendarEntryView | null;
  timeZone: string;
  canWrite: boolean;
  onClose(): void;
}

export const wallText = (instant: Date, timeZone: string) =>
  toZonedLocal(instant, timeZone).slice(0, 16).replace('T', ' ');

export function EventPanel({ entry, timeZone, onClose }: Props) {
  return (
    <Drawer
      opened={entry !== null}
      onClose={onClose}
      position="right"
      title={
        entry
          ? `${entry.client.name} · ${PLATFORM_LABELS[entry.account.platform]} ${entry.account.handle}`
          : ''
      }
    >
      {entry ? (
        <Stack gap="sm">
          <Badge color={TARGET_STATUS_COLORS[entry.status]} variant="light">
            {TARGET_STATUS_LABELS[entry.status]}
          </Badge>
          <Text size="sm">
            {entry.status === 'published' && entry.publishedAt
              ? `Published ${wallText(entry.publishedAt, timeZone)}`
              : `Scheduled for ${wallText(entry.scheduledFor, timeZone)}`}{' '}
            ({timeZone})
          </Text>
          <Text>{entry.captionExcerpt}</Text>
          <Anchor component={Link} to={`/posts/${entry.postId}`}>
            Open the post
          </Anchor>
        </Stack>
      ) : null}
    </Drawer>
  );
}
