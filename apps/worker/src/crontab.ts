// The worker's recurring jobs (Graphile cron): every worker lists them, and Graphile runs each
// once per slot however many workers there are.
import { CLEANUP_MEDIA_TASK } from '@herald/core';
import { REFRESH_TOKENS_TASK } from '@herald/core/jobs';
import type { CronItem } from 'graphile-worker';

export const cronItems: CronItem[] = [
  // Tokens about to expire are refreshed (X's live two hours), every five minutes.
  {
    task: REFRESH_TOKENS_TASK,
    match: '*/5 * * * *',
    identifier: REFRESH_TOKENS_TASK,
    options: { backfillPeriod: 0, maxAttempts: 1 },
  },
  // Unfinished uploads and files nothing refers to, daily at 03:17 UTC (off the hour, when
  // the busiest publishing times are not).
  {
    task: CLEANUP_MEDIA_TASK,
    match: '17 3 * * *',
    identifier: CLEANUP_MEDIA_TASK,
    options: { backfillPeriod: 0, maxAttempts: 3 },
  },
];
