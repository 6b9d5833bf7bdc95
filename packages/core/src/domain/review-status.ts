// A post's review, as pure data and functions (separate from its targets' publishing status).
//
//   none ──submit──▶ in_review ──approve──▶ approved
//                      │  ▲                   │
//                      │  └──────edit─────────┘   (a change after approval needs a new look)
//                      └──request_changes──▶ changes_requested ──submit──▶ in_review
//
// An approved post may still be sent back (request_changes) until it publishes.

export const REVIEW_STATUSES = ['none', 'in_review', 'changes_requested', 'approved'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

export const REVIEW_EVENTS = ['submit', 'approve', 'request_changes', 'edit'] as const;
export type ReviewEvent = (typeof REVIEW_EVENTS)[number];

const TRANSITIONS: Record<ReviewStatus, Partial<Record<ReviewEvent, ReviewStatus>>> = {
  none: { submit: 'in_review' },
  in_review: { approve: 'approved', request_changes: 'changes_requested' },
  changes_requested: { submit: 'in_review' },
  approved: { edit: 'in_review', request_changes: 'changes_requested' },
};

/** The status after `event`, or null when the event does not apply to `from`. */
export function nextReviewStatus(from: ReviewStatus, event: ReviewEvent): ReviewStatus | null {
  return TRANSITIONS[from][event] ?? null;
}

/** Why `event` cannot happen to a post in `from`, in a sentence a person can act on. */
export function reviewRefusal(from: ReviewStatus, event: ReviewEvent): string {
  switch (event) {
    case 'submit':
      return from === 'in_review'
        ? 'This post is already waiting for review.'
        : 'This post is already approved; edit it to send it back to review.';
    case 'approve':
      return from === 'approved'
        ? 'This post is already approved.'
        : 'Only a post that is waiting for review can be approved. Submit it for review first.';
    case 'request_changes':
      return from === 'changes_requested'
        ? 'Changes have already been requested for this post.'
        : 'Only a post that is waiting for review (or approved) can be sent back for changes.';
    case 'edit':
      return 'Only an approved post goes back to review when it changes.';
  }
}

/** Said when a client that approves its posts has a post scheduled or published before approval. */
export const APPROVAL_REQUIRED_MESSAGE =
  'This client approves posts before they go out: submit the post for review, and schedule it once it is approved.';

export const REVIEW_STATUS_LABELS: Record<ReviewStatus, string> = {
  none: 'Not submitted',
  in_review: 'In review',
  changes_requested: 'Changes requested',
  approved: 'Approved',
};
