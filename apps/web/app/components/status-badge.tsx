import { TARGET_STATUS_COLORS, TARGET_STATUS_LABELS, type TargetStatus } from '@herald/core/domain';
import { Badge } from '@mantine/core';

/** The same label and colour as the calendar's events (domain/target-status-appearance.ts). */
export function StatusBadge({ status }: { status: TargetStatus }) {
  // Filled only for what needs a person; the rest stays calm.
  const urgent = status === 'failed' || status === 'unconfirmed';
  return (
    <Badge
      role="status"
      data-status={status}
      color={TARGET_STATUS_COLORS[status]}
      variant={urgent ? 'filled' : 'light'}
      tt="none"
    >
      {TARGET_STATUS_LABELS[status]}
    </Badge>
  );
}
