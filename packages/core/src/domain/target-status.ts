// The life of a PostTarget (one post on one account), as pure data and functions.
//
//   scheduled ──start──▶ publishing ──succeed──▶ published
//     │  ▲                 │  │  └──ambiguous──▶ reconciling   (the platform is asked first)
//     │  └─────retry───────┘  └──fail──▶ failed ──reschedule──▶ scheduled
//     └──cancel──▶ cancelled
//   Reconciling (docs/decisions/0013): the post was found ──succeed──▶ published; it was not
//   ──retry──▶ scheduled or ──fail──▶ failed (the normal policy); nobody can tell
//   ──unresolved──▶ unconfirmed (a person decides).
//   The account needs a person (docs/decisions/0013): scheduled or publishing ──hold──▶
//   waiting_for_account ──resume──▶ scheduled once it is usable again (or ──cancel──▶).
//   A platform quota is full: publishing ──defer──▶ scheduled, at the moment it allows, with
//   no attempt spent (docs/decisions/0020).
//   By hand: failed or unconfirmed ──retry_by_hand──▶ scheduled (a fresh budget, due now);
//   unconfirmed ──confirm_published──▶ published, ──confirm_failed──▶ failed (a person checked).
//   Drafts (no job queued): scheduled ──unschedule──▶ draft ──schedule──▶ scheduled; a draft
//   ──reschedule──▶ draft (a new proposed time) or ──cancel──▶ cancelled.

export const TARGET_STATUSES = [
  'scheduled',
  'publishing',
  'published',
  'failed',
  'cancelled',
  'unconfirmed',
  'reconciling',
  'waiting_for_account',
  /** Not queued: a proposed time only, until someone schedules it. */
  'draft',
] as const;
export type TargetStatus = (typeof TARGET_STATUSES)[number];

export const TARGET_EVENTS = [
  'start',
  'succeed',
  'retry',
  'fail',
  'ambiguous',
  'reschedule',
  'cancel',
  'retry_by_hand',
  'confirm_published',
  'confirm_failed',
  'unresolved',
  'hold',
  'resume',
  'defer',
  'unschedule',
  'schedule',
] as const;
export type TargetEvent = (typeof TARGET_EVENTS)[number];

const TRANSITIONS: Record<TargetStatus, Partial<Record<TargetEvent, TargetStatus>>> = {
  scheduled: {
    start: 'publishing',
    reschedule: 'scheduled',
    cancel: 'cancelled',
    hold: 'waiting_for_account',
    unschedule: 'draft',
  },
  publishing: {
    succeed: 'published',
    retry: 'scheduled',
    fail: 'failed',
    ambiguous: 'reconciling',
    hold: 'waiting_for_account',
    defer: 'scheduled',
  },
  reconciling: {
    succeed: 'published',
    retry: 'scheduled',
    fail: 'failed',
    unresolved: 'unconfirmed',
  },
  waiting_for_account: { resume: 'scheduled', cancel: 'cancelled' },
  failed: { reschedule: 'scheduled', retry_by_hand: 'scheduled' },
  published: {},
  cancelled: {},
  unconfirmed: {
    retry_by_hand: 'scheduled',
    confirm_published: 'published',
    confirm_failed: 'failed',
  },
  draft: { schedule: 'scheduled', reschedule: 'draft', cancel: 'cancelled' },
};

export class InvalidTransitionError extends Error {
  constructor(
    readonly from: TargetStatus,
    readonly event: TargetEvent,
  ) {
    super(`A ${from} target cannot ${event}.`);
    this.name = 'InvalidTransitionError';
  }
}

/** The status after `event`, or null when the event is not allowed from `from`. */
export function nextTargetStatus(from: TargetStatus, event: TargetEvent): TargetStatus | null {
  return TRANSITIONS[from][event] ?? null;
}

/** Like nextTargetStatus, but throws InvalidTransitionError. */
export function transitionTarget(from: TargetStatus, event: TargetEvent): TargetStatus {
  const to = nextTargetStatus(from, event);
  if (!to) throw new InvalidTransitionError(from, event);
  return to;
}

export function canTarget(from: TargetStatus, event: TargetEvent): boolean {
  return nextTargetStatus(from, event) !== null;
}

/** Every status `event` may leave from (for set-based updates that must agree with the machine). */
export function statusesAllowing(event: TargetEvent): TargetStatus[] {
  return TARGET_STATUSES.filter((status) => canTarget(status, event));
}

/** Statuses that will never change again without a human. */
export function isSettled(status: TargetStatus): boolean {
  return (
    status === 'published' ||
    status === 'cancelled' ||
    status === 'failed' ||
    status === 'unconfirmed' ||
    status === 'draft'
  );
}

/**
 * Targets that will not publish unless a person starts them again: a post whose targets are
 * all here no longer needs its media from the library (the files stay while any post refers
 * to them, so a retry by hand still works).
 */
export const FINISHED_TARGET_STATUSES = [
  'published',
  'failed',
  'cancelled',
] as const satisfies readonly TargetStatus[];

/** A post's status as people read it, derived from its targets' (one per account). */
export type PostStatus =
  | 'scheduled'
  | 'publishing'
  | 'published'
  | 'partially_published'
  | 'failed'
  | 'needs_check'
  | 'waiting_for_account'
  | 'cancelled'
  | 'draft';

export function derivePostStatus(targets: readonly TargetStatus[]): PostStatus {
  const live = targets.filter((status) => status !== 'cancelled');
  if (live.length === 0) return 'cancelled';
  if (live.includes('publishing') || live.includes('reconciling')) return 'publishing';
  if (live.includes('unconfirmed')) return 'needs_check';
  if (live.includes('waiting_for_account')) return 'waiting_for_account';
  if (live.every((status) => status === 'published')) return 'published';
  if (live.includes('scheduled')) return 'scheduled';
  if (live.includes('draft')) return 'draft';
  return live.includes('published') ? 'partially_published' : 'failed';
}
