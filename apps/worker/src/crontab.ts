// The worker's recurring jobs (Graphile cron). None yet: campaigns and sweepers add theirs here.
import type { CronItem } from 'graphile-worker';

export const cronItems: CronItem[] = [];
