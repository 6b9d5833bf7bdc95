import type { TargetStatus } from '@herald/core/domain';
import { Badge, type MantineColor } from '@mantine/core';

const LABELS: Record<TargetStatus, string> = {
  scheduled: 'Scheduled',
  publishing: 'Publishing',
  published: 'Published',
  failed: 'Failed',
  cancelled: 'Cancelled',
  // The platform may or may not have the post; a person has to look.
  unconfirmed: 'Needs check',
  // Herald is asking the platform whether an unanswered attempt went through.
  reconciling: 'Checking',
  waiting_for_account: 'Waiting for account',
  // Saved but not queued: nothing publishes until someone schedules it.
  draft: 'Draft',
};

/** Red and orange only for what needs a person; the rest stays calm. */
const COLORS: Record<TargetStatus, MantineColor> = {
  scheduled: 'herald',
  publishing: 'cyan',
  published: 'green',
  failed: 'red',
  cancelled: 'gray',
  unconfirmed: 'orange',
  reconciling: 'cyan',
  waiting_for_account: 'orange',
  draft: 'gray',
};

export function StatusBadge({ status }: { status: TargetStatus }) {
  const urgent = status === 'failed' || status === 'unconfirmed';
  return (
    <Badge
      role="status"
      data-status={status}
      color={COLORS[status]}
      variant={urgent ? 'filled' : 'light'}
      tt="none"
    >
      {LABELS[status]}
    </Badge>
  );
}
