// An account that needs a person (an auth failure, an expired token) holds its targets in
// `waiting_for_account` instead of letting them burn attempts (services/publishing/settle.ts).
// Once the account works again — reconnected through OAuth, or its token refreshed — they
// resume on their own.
import type { Tx } from '@herald/db';
import { recordActivity } from './activity.ts';
import { enqueuePublish } from './publish-job.ts';
import { moveTarget } from './target-transitions.ts';

/**
 * Marks the account usable and puts every target waiting for it back on the schedule, due
 * now, in the caller's transaction (the one that stores the new credentials). Returns the
 * resumed targets' ids.
 */
export async function resumeAccountTargets(
  tx: Tx,
  input: { accountId: string; organizationId: string; now: Date },
): Promise<string[]> {
  await tx.socialAccount.update({
    where: { id: input.accountId, organizationId: input.organizationId },
    data: { status: 'active', statusReason: null },
  });
  const waiting = await tx.postTarget.findMany({
    where: {
      organizationId: input.organizationId,
      socialAccountId: input.accountId,
      status: 'waiting_for_account',
    },
    select: { id: true },
    orderBy: { scheduledFor: 'asc' },
  });
  const resumed: string[] = [];
  for (const { id } of waiting) {
    const moved = await moveTarget(tx, { id, status: 'waiting_for_account' }, 'resume', {
      nextAttemptAt: input.now,
      lastError: null,
    });
    if (!moved) continue;
    await enqueuePublish(tx, id, input.now);
    resumed.push(id);
  }
  if (resumed.length > 0) {
    await recordActivity(tx, {
      organizationId: input.organizationId,
      actorUserId: null,
      action: 'account.targets_resumed',
      subjectType: 'social_account',
      subjectId: input.accountId,
      data: { targets: resumed.length },
    });
  }
  return resumed;
}
