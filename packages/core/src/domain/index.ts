// Pure rules: no I/O, and nothing imported from the rest of the repo.
export * from './platforms.ts';
export * from './platform-rules.ts';
export * from './publish-error-kind.ts';
export * from './retry-policy.ts';
export * from './schedule-window.ts';
export * from './social-accounts.ts';
export * from './target-status.ts';
export * from './zoned-time.ts';
export * from './permissions.ts';
export * from './sign-in-throttle.ts';
export * from './queue-health.ts';
export * from './publish-prerequisites.ts';
export * from './what-to-check.ts';
export * from './quotas.ts';
export * from './admin-queue.ts';
export * from './media-files.ts';
export * from './media-rules.ts';
