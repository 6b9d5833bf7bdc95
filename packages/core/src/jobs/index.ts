export {
  CHECK_EXPIRING_TOKENS_TASK,
  createTaskList,
  REENCRYPT_TOKENS_TASK,
  REFRESH_TOKENS_TASK,
  TOKEN_HEALTH_QUEUE,
  type TaskDeps,
  type TaskHooks,
} from './task-list.ts';
export { runDueJobsOnce, type TickResult } from './tick.ts';
