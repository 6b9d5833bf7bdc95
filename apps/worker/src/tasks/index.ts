import { PUBLISH_TARGET_TASK, type PublishingDeps } from '@herald/core';
import type { TaskList } from 'graphile-worker';
import { publishTargetTask } from './publishing/publish-target.ts';

export function createTaskList(deps: PublishingDeps): TaskList {
  return {
    [PUBLISH_TARGET_TASK]: publishTargetTask(deps),
  };
}
