import { PUBLISH_TARGET_TASK, type PublishingDeps } from '@herald/core';
import type { TaskList } from 'graphile-worker';
import type { WorkerMetrics } from '../observability/metrics.ts';
import { publishTargetTask } from './publishing/publish-target.ts';

export function createTaskList(deps: PublishingDeps, metrics: WorkerMetrics): TaskList {
  return {
    [PUBLISH_TARGET_TASK]: publishTargetTask(deps, metrics),
  };
}
