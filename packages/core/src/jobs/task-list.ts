// The queue's tasks, shared by the worker and the web app's cron tick (docs/decisions/0021):
// each is a thin wrapper that validates its payload and calls a core service.
import type { TaskList } from 'graphile-worker';
import {
  publishTarget,
  type PublishingDeps,
  type PublishTargetResult,
} from '../services/publishing/index.ts';
import { PUBLISH_TARGET_TASK, PublishTargetPayload } from '../services/publish-job.ts';

export interface TaskHooks {
  /** A publish job finished with this result, after this many seconds. */
  onPublished?(result: PublishTargetResult, seconds: number): void;
}

export function createTaskList(deps: PublishingDeps, hooks: TaskHooks = {}): TaskList {
  return {
    /** Publishes one post target. Safe to run twice: the service refuses anything not due and `scheduled`. */
    [PUBLISH_TARGET_TASK]: async (payload, helpers) => {
      const { targetId } = PublishTargetPayload.parse(payload);
      const started = performance.now();
      const result = await publishTarget(deps, targetId, helpers.abortSignal);
      hooks.onPublished?.(result, (performance.now() - started) / 1000);
      helpers.logger.info(`target ${targetId}: ${result.outcome}`, { targetId, result });
    },
  };
}
