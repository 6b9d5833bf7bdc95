import { describe, expect, it } from 'vitest';
import {
  nextReviewStatus,
  REVIEW_EVENTS,
  REVIEW_STATUSES,
  reviewRefusal,
  type ReviewStatus,
} from './review-status.ts';

describe('review status', () => {
  it('goes draft → in review → approved, and back to review on an edit', () => {
    let status: ReviewStatus = 'none';
    for (const event of ['submit', 'approve', 'edit', 'approve'] as const) {
      status = nextReviewStatus(status, event)!;
    }
    expect(status).toBe('approved');
    expect(nextReviewStatus('approved', 'edit')).toBe('in_review');
  });

  it('sends a post back for changes and takes it again once resubmitted', () => {
    expect(nextReviewStatus('in_review', 'request_changes')).toBe('changes_requested');
    expect(nextReviewStatus('changes_requested', 'submit')).toBe('in_review');
    expect(nextReviewStatus('changes_requested', 'approve')).toBeNull();
  });

  it('does not approve what nobody submitted, nor reopen anything but an approved post', () => {
    expect(nextReviewStatus('none', 'approve')).toBeNull();
    expect(nextReviewStatus('none', 'edit')).toBeNull();
    expect(nextReviewStatus('in_review', 'edit')).toBeNull();
    expect(nextReviewStatus('changes_requested', 'edit')).toBeNull();
  });

  it('explains every refusal in a sentence', () => {
    for (const from of REVIEW_STATUSES) {
      for (const event of REVIEW_EVENTS) {
        if (nextReviewStatus(from, event) === null) {
          expect(reviewRefusal(from, event)).toMatch(/^[A-Z].*\.$/);
        }
      }
    }
  });
});
