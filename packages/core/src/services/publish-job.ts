// The contract between whoever enqueues a publish and the worker task that runs it.
import { addJob, type Tx } from '@herald/db';
import { z } from 'zod';

export const PUBLISH_TARGET_TASK = 'publish_target';

export const PublishTargetPayload = z.object({ targetId: z.uuid() });
export type PublishTargetPayload = z.infer<typeof PublishTargetPayload>;

/** One queued job per target: rescheduling replaces it, cancelling removes it. */
export function publishJobKey(targetId: string): string {
  return `publish:${targetId}`;
}

/** Queues (or moves) the target's one publish job, inside the caller's transaction. */
export function enqueuePublish(tx: Tx, targetId: string, runAt: Date): Promise<string> {
  const payload: PublishTargetPayload = { targetId };
  return addJob(tx, {
    identifier: PUBLISH_TARGET_TASK,
    payload,
    runAt,
    jobKey: publishJobKey(targetId),
  });
}
