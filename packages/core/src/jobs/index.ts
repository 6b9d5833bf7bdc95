export { createTaskList, REFRESH_TOKENS_TASK, type TaskDeps, type TaskHooks } from './task-list.ts';
export { runDueJobsOnce, type TickResult } from './tick.ts';
