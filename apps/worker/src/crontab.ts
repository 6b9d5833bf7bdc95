// The worker's recurring jobs (Graphile cron): every worker lists them, and Graphile runs each
// once per slot however many workers there are. The token tasks share one queue, so they run
// one at a time (docs/decisions/0033).
import { CLEANUP_MEDIA_TASK } from '@herald/core';
import {
  CHECK_API_VERSIONS_TASK,
  CHECK_EXPIRING_TOKENS_TASK,
  REENCRYPT_TOKENS_TASK,
  REFRESH_TOKENS_TASK,
  SCHEDULE_METRICS_TASK,
  TOKEN_HEALTH_QUEUE,
} from '@herald/core/jobs';
import type { CronItem } from 'graphile-worker';

export const cronItems: CronItem[] = [
  // Tokens about to expire are refreshed (X's live two hours), every five minutes.
  {
    task: REFRESH_TOKENS_TASK,
    match: '*/5 * * * *',
    identifier: REFRESH_TOKENS_TASK,
    options: { backfillPeriod: 0, maxAttempts: 1, queueName: TOKEN_HEALTH_QUEUE },
  },
  // Tokens expiring within five days: refreshed early, or a person is asked to reconnect
  // (seed 000 §2). Nightly at 02:23 UTC; a missed night is caught up within the day.
  {
    task: CHECK_EXPIRING_TOKENS_TASK,
    match: '23 2 * * *',
    identifier: CHECK_EXPIRING_TOKENS_TASK,
    options: { backfillPeriod: 24 * 3_600_000, maxAttempts: 3, queueName: TOKEN_HEALTH_QUEUE },
  },
  // Tokens still sealed with an old key are sealed with the current one, daily; nothing to do
  // (a quick query) unless TOKEN_ENCRYPTION_KEY changed. Also queued by hand after a rotation.
  {
    task: REENCRYPT_TOKENS_TASK,
    match: '41 4 * * *',
    identifier: REENCRYPT_TOKENS_TASK,
    options: { backfillPeriod: 0, maxAttempts: 3, queueName: TOKEN_HEALTH_QUEUE },
  },
  // Engagement snapshots (1 h, 24 h, 7 d after publishing) falling due, every five minutes:
  // each is due for hours, so a missed run costs nothing (docs/decisions/0034).
  {
    task: SCHEDULE_METRICS_TASK,
    match: '*/5 * * * *',
    identifier: SCHEDULE_METRICS_TASK,
    options: { backfillPeriod: 0, maxAttempts: 1 },
  },
  // Platform API versions near their sunset, weekly on Mondays at 06:41 UTC (before a working
  // day, off the hour). Staff are told once per version and stage, so a rerun is harmless.
  {
    task: CHECK_API_VERSIONS_TASK,
    match: '41 6 * * 1',
    identifier: CHECK_API_VERSIONS_TASK,
    options: { backfillPeriod: 0, maxAttempts: 3 },
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
