export {
  CHECK_EXPIRING_TOKENS_TASK,
  createTaskList,
  REENCRYPT_TOKENS_TASK,
  REFRESH_TOKENS_TASK,
  TOKEN_HEALTH_QUEUE,
  type TaskDeps,
  type TaskHooks,
} from './task-list.ts';
export { FETCH_METRICS_TASK, SCHEDULE_METRICS_TASK } from '../services/metrics.ts';
export { CHECK_API_VERSIONS_TASK } from '../services/api-version-check.ts';
export { runDueJobsOnce, type TickResult } from './tick.ts';
