export { createDb, createDbOnPool, type Db, type CreateDbOptions } from './client.ts';
export {
  addJob,
  countJobsByState,
  JOB_DUE_CHANNEL,
  removeJob,
  type AddJobSpec,
  type JobCounts,
} from './jobs.ts';
export {
  attemptBucketsSince,
  attemptStatsSince,
  type AttemptBucketRow,
  type AttemptStats,
} from './queue-stats.ts';
export {
  lockPostTargets,
  lockTarget,
  type LockedPostTarget,
  type LockedTarget,
} from './targets.ts';
export {
  accountsNotSealedWith,
  grantsNotSealedWith,
  type SealedAccountRow,
  type SealedGrantRow,
} from './sealed-secrets.ts';
export {
  forceUnlockPools,
  jobsLockedBy,
  lockHeartbeat,
  lockStalePools,
  newestLockOf,
  type LockedJob,
} from './workers.ts';
export { Prisma } from './generated/prisma/client.ts';
export type * from './generated/prisma/models.ts';
export * from './generated/prisma/enums.ts';
export type { TransactionClient as Tx } from './generated/prisma/internal/prismaNamespace.ts';
export {
  decryptSecret,
  encryptSecret,
  generateEncryptionKey,
  hashPassword,
  parseEncryptionKey,
  parseTokenKeyring,
  TokenKeyError,
  tokenKeySettingsProblem,
  TokenKeyring,
  tokenKeyId,
  verifyPassword,
} from './credentials.ts';
export {
  claimDueTarget,
  saveTargetProgress,
  settleTargetPublished,
  type ClaimedTarget,
  type ClaimRules,
  type PublishedSettle,
  type Queryable,
} from './publishing.ts';
export { enqueueDueMetricFetches, metricsJobKey, type DueMetricFetches } from './metrics.ts';
export {
  failedJobs,
  failJobForGood,
  jobLockState,
  lockedJobs,
  removeJobById,
  replayJobNow,
  type QueueJobRow,
} from './admin-queue.ts';
export { listenTo, type ListenOptions, type PgListener } from './listen.ts';
