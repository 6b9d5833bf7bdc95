import { publishTarget, PublishTargetPayload, type PublishingDeps } from '@herald/core';
import type { Task } from 'graphile-worker';
import type { WorkerMetrics } from '../../observability/metrics.ts';

/** Publishes one post target. Safe to run twice: the service refuses anything not due and `scheduled`. */
export const publishTargetTask =
  (deps: PublishingDeps, metrics: WorkerMetrics): Task =>
  async (payload, helpers) => {
    const { targetId } = PublishTargetPayload.parse(payload);
    const started = performance.now();
    const result = await publishTarget(deps, targetId, helpers.abortSignal);
    metrics.recordPublish(result.outcome, result.platform, (performance.now() - started) / 1000);
    helpers.logger.info(`target ${targetId}: ${result.outcome}`, { targetId, result });
  };
