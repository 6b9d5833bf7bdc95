// How each target status looks wherever it is shown (badges, calendar events, filters): one
// label and one colour per status, so the calendar and the post list never disagree.
import type { TargetStatus } from './target-status.ts';

export const TARGET_STATUS_LABELS: Record<TargetStatus, string> = {
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

/** A colour of the component library's palette (Mantine's names), shade 6 unless said. */
export const TARGET_STATUS_COLORS: Record<TargetStatus, string> = {
  scheduled: 'blue',
  publishing: 'yellow',
  published: 'green',
  failed: 'red',
  cancelled: 'gray',
  unconfirmed: 'orange',
  reconciling: 'grape',
  waiting_for_account: 'violet',
  draft: 'indigo',
};
