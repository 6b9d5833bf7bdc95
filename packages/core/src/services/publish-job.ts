// The contract between whoever enqueues a publish and the worker task that runs it.
import { z } from 'zod';

export const PUBLISH_TARGET_TASK = 'publish_target';

export const PublishTargetPayload = z.object({ targetId: z.uuid() });
export type PublishTargetPayload = z.infer<typeof PublishTargetPayload>;

/** One queued job per target: rescheduling replaces it, cancelling removes it. */
export function publishJobKey(targetId: string): string {
  return `publish:${targetId}`;
}
