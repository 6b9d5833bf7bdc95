// The life of a PostTarget (one post on one account), as pure data and functions.
//
//   scheduled ──start──▶ publishing ──succeed──▶ published
//     │  ▲                 │  │  └──ambiguous──▶ unconfirmed   (a human or reconcile decides)
//     │  └─────retry───────┘  └──fail──▶ failed ──reschedule──▶ scheduled
//     └──cancel──▶ cancelled

export const TARGET_STATUSES = [
  'scheduled',
  'publishing',
  'published',
  'failed',
  'cancelled',
  'unconfirmed',
] as const;
export type TargetStatus = (typeof TARGET_STATUSES)[number];

export type TargetEvent =
  'start' | 'succeed' | 'retry' | 'fail' | 'ambiguous' | 'reschedule' | 'cancel';

const TRANSITIONS: Record<TargetStatus, Partial<Record<TargetEvent, TargetStatus>>> = {
  scheduled: { start: 'publishing', reschedule: 'scheduled', cancel: 'cancelled' },
  publishing: {
    succeed: 'published',
    retry: 'scheduled',
    fail: 'failed',
    ambiguous: 'unconfirmed',
  },
  failed: { reschedule: 'scheduled' },
  published: {},
  cancelled: {},
  unconfirmed: {},
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

/** Statuses that will never change again without a human. */
export function isSettled(status: TargetStatus): boolean {
  return (
    status === 'published' ||
    status === 'cancelled' ||
    status === 'failed' ||
    status === 'unconfirmed'
  );
}
