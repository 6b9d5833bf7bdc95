// The one way a target's status changes: the domain decides the next status from the row's
// real status, and the UPDATE only applies while the row still has that status, so a
// concurrent change (a cancel, a second worker) is never overwritten.
import type { Prisma, Tx } from '@herald/db';
import { transitionTarget, type TargetEvent, type TargetStatus } from '../domain/target-status.ts';

export interface TargetRow {
  id: string;
  status: TargetStatus;
  /** When set, the row must also still be on this attempt (a settle of one try). */
  attemptCount?: number;
}

/**
 * Applies `event` to the target and writes `data` with the new status. Returns the new status,
 * or null when the row no longer has `target.status` (or `target.attemptCount`): nothing is
 * written then. Throws
 * InvalidTransitionError when the domain does not allow the event from that status.
 */
export async function moveTarget(
  tx: Tx,
  target: TargetRow,
  event: TargetEvent,
  data: Omit<Prisma.PostTargetUncheckedUpdateManyInput, 'status'> = {},
): Promise<TargetStatus | null> {
  const to = transitionTarget(target.status, event);
  const { count } = await tx.postTarget.updateMany({
    where: {
      id: target.id,
      status: target.status,
      ...(target.attemptCount === undefined ? {} : { attemptCount: target.attemptCount }),
    },
    data: { ...data, status: to },
  });
  return count === 1 ? to : null;
}
