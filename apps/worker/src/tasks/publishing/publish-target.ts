import { publishTarget, PublishTargetPayload, type PublishingDeps } from '@herald/core';
import type { Task } from 'graphile-worker';

/** Publishes one post target. Safe to run twice: the service refuses anything not due and `scheduled`. */
export const publishTargetTask =
  (deps: PublishingDeps): Task =>
  async (payload, helpers) => {
    const { targetId } = PublishTargetPayload.parse(payload);
    const result = await publishTarget(deps, targetId, helpers.abortSignal);
    helpers.logger.info(`target ${targetId}: ${result.outcome}`, { result });
  };
