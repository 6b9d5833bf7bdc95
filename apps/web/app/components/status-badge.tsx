import type { TargetStatus } from '@herald/core/domain';

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

export function StatusBadge({ status }: { status: TargetStatus }) {
  return (
    <span className="badge" data-status={status} role="status">
      {LABELS[status]}
    </span>
  );
}
