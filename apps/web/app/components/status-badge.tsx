import { TARGET_STATUS_LABELS, type TargetStatus } from '@herald/core/domain';

export function StatusBadge({ status }: { status: TargetStatus }) {
  return (
    <span className="badge" data-status={status} role="status">
      {TARGET_STATUS_LABELS[status]}
    </span>
  );
}
