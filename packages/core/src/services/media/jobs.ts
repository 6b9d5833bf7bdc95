// The contracts between whoever enqueues media work and the worker tasks that run it.
import { addJob, type Tx } from '@herald/db';
import { z } from 'zod';

export const PROCESS_MEDIA_TASK = 'process_media';
export const BUILD_FALLBACK_PACKAGE_TASK = 'build_fallback_package';
export const CLEANUP_MEDIA_TASK = 'cleanup_media';

export const ProcessMediaPayload = z.object({ assetId: z.uuid() });
export type ProcessMediaPayload = z.infer<typeof ProcessMediaPayload>;

export const FallbackPackagePayload = z.object({ targetId: z.uuid() });
export type FallbackPackagePayload = z.infer<typeof FallbackPackagePayload>;

/**
 * A file's processing is tried this many times: a storage hiccup gets another go, and the last
 * try marks the asset rejected instead of leaving it `processing` for ever.
 */
export const PROCESS_MEDIA_ATTEMPTS = 5;

/** Queues processing of a just-recorded asset, inside the caller's transaction. */
export function enqueueProcessMedia(tx: Tx, assetId: string, now: Date): Promise<string> {
  const payload: ProcessMediaPayload = { assetId };
  return addJob(tx, {
    identifier: PROCESS_MEDIA_TASK,
    payload,
    runAt: now,
    jobKey: `media:${assetId}`,
    maxAttempts: PROCESS_MEDIA_ATTEMPTS,
  });
}

/** Queues the fallback package of a target that failed for good, inside the caller's transaction. */
export function enqueueFallbackPackage(tx: Tx, targetId: string, now: Date): Promise<string> {
  const payload: FallbackPackagePayload = { targetId };
  return addJob(tx, {
    identifier: BUILD_FALLBACK_PACKAGE_TASK,
    payload,
    runAt: now,
    jobKey: `fallback:${targetId}`,
    maxAttempts: 5,
  });
}
