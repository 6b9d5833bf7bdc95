// How reviews and a post's audit trail read to people on the post page and the approvals list.
import { REVIEW_STATUS_LABELS, type ReviewStatus } from '@herald/core/domain';

export const REVIEW_COLORS: Record<ReviewStatus, string> = {
  none: 'gray',
  in_review: 'yellow',
  changes_requested: 'orange',
  approved: 'green',
};

export function reviewLabel(status: ReviewStatus): string {
  return REVIEW_STATUS_LABELS[status];
}

const ACTIONS: Record<string, string> = {
  'post.drafted': 'Saved as a draft',
  'post.scheduled': 'Scheduled',
  'post.draft_scheduled': 'Scheduled the draft',
  'post.rescheduled': 'Rescheduled',
  'post.published_now': 'Published now',
  'post.unscheduled': 'Unscheduled',
  'post.cancelled': 'Cancelled',
  'post.caption_edited': 'Changed the caption',
  'post.commented': 'Commented',
  'post.review.submit': 'Submitted for review',
  'post.review.approve': 'Approved',
  'post.review.request_changes': 'Requested changes',
  'post.review.edit': 'Changed after approval: back to review',
  'post.review_link.created': 'Created a review link',
  'post.review_link.revoked': 'Revoked a review link',
  'target.settings_changed': "Changed an account's settings",
  'target.media_changed': "Changed an account's media",
  'target.retried': 'Retried an account',
};

/** "Approved (In review → Approved)" for a review move; the action's sentence otherwise. */
export function activityLabel(action: string, data: Record<string, unknown>): string {
  const label = ACTIONS[action] ?? action;
  const { from, to } = data;
  if (isReviewStatus(from) && isReviewStatus(to)) {
    return `${label} (${reviewLabel(from)} → ${reviewLabel(to)})`;
  }
  return label;
}

function isReviewStatus(value: unknown): value is ReviewStatus {
  return typeof value === 'string' && value in REVIEW_STATUS_LABELS;
}
