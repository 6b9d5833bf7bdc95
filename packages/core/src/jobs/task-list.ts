// The queue's tasks, shared by the worker and the web app's cron tick (docs/decisions/0021):
// each is a thin wrapper that validates its payload and calls a core service.
import type { TaskList } from 'graphile-worker';
import type { MediaBinaries } from '../media/index.ts';
import { STORAGE_NOT_CONFIGURED } from '../storage/index.ts';
import {
  buildFallbackPackage,
  cleanupMedia,
  processMedia,
  type FallbackPackageResult,
  type MediaDeps,
  type ProcessMediaResult,
} from '../services/media/index.ts';
import {
  BUILD_FALLBACK_PACKAGE_TASK,
  CLEANUP_MEDIA_TASK,
  FallbackPackagePayload,
  PROCESS_MEDIA_TASK,
  ProcessMediaPayload,
} from '../services/media/jobs.ts';
import {
  publishTarget,
  type PublishingDeps,
  type PublishTargetResult,
} from '../services/publishing/index.ts';
import { PUBLISH_TARGET_TASK, PublishTargetPayload } from '../services/publish-job.ts';
import { createMailer, type Mailer } from '../mail/mailer.ts';
import {
  NotificationEmailPayload,
  sendNotificationEmail,
  SEND_NOTIFICATION_EMAIL_TASK,
} from '../services/notification-emails.ts';
import { checkExpiringTokens, refreshExpiringTokens } from '../services/token-health.ts';
import { reencryptTokens } from '../services/token-keys.ts';
import {
  FETCH_METRICS_TASK,
  FetchMetricsPayload,
  fetchMetricsSnapshot,
  SCHEDULE_METRICS_TASK,
  scheduleDueMetrics,
} from '../services/metrics.ts';
import { CHECK_API_VERSIONS_TASK, checkApiVersions } from '../services/api-version-check.ts';
import type { ConfiguredApiVersion } from '../providers/api-versions.ts';

/** The five-minute cron task that refreshes tokens just before they expire (services/token-health.ts). */
export const REFRESH_TOKENS_TASK = 'refresh_tokens';
/** The nightly cron task: five days ahead, refresh early or ask a person (seed 000 §2). */
export const CHECK_EXPIRING_TOKENS_TASK = 'check_expiring_tokens';
/** Seals every stored token still under an old key with the current one (services/token-keys.ts). */
export const REENCRYPT_TOKENS_TASK = 'reencrypt_tokens';
/**
 * The Graphile queue the token tasks share: jobs in one queue run one at a time across every
 * worker, so the sweep, the nightly check and a re-encryption never refresh or rewrite the
 * same account at once (a rotated refresh token would be lost between two refreshes).
 */
export const TOKEN_HEALTH_QUEUE = 'token_health';

export interface TaskDeps extends PublishingDeps {
  /** ffmpeg and ffprobe for video processing, found on first use. */
  binaries?: () => Promise<MediaBinaries>;
  /** Sends notification emails; without one, every email is skipped (and logged as such). */
  mailer?: Mailer;
  /** The web app's public origin (PUBLIC_URL), for the links in notifications and emails. */
  publicUrl?: string;
  /** The platform API versions the adapters call (providers/api-versions.ts), for their check. */
  apiVersions?: readonly ConfiguredApiVersion[];
}

export interface TaskHooks {
  /** A publish job finished with this result, after this many seconds. */
  onPublished?(result: PublishTargetResult, seconds: number): void;
  /** A media file was processed (ready or rejected), after this many seconds. */
  onMediaProcessed?(result: ProcessMediaResult, seconds: number): void;
  onFallbackPackage?(result: FallbackPackageResult): void;
}

function mediaDeps(deps: TaskDeps): MediaDeps {
  if (!deps.storage) throw new Error(STORAGE_NOT_CONFIGURED);
  return {
    db: deps.db,
    storage: deps.storage,
    ...(deps.binaries ? { binaries: deps.binaries } : {}),
    ...(deps.now ? { now: deps.now } : {}),
  };
}

export function createTaskList(deps: TaskDeps, hooks: TaskHooks = {}): TaskList {
  const mailer = deps.mailer ?? createMailer({});
  return {
    /** Publishes one post target. Safe to run twice: the service refuses anything not due and `scheduled`. */
    [PUBLISH_TARGET_TASK]: async (payload, helpers) => {
      const { targetId } = PublishTargetPayload.parse(payload);
      const started = performance.now();
      const result = await publishTarget(deps, targetId, helpers.abortSignal);
      hooks.onPublished?.(result, (performance.now() - started) / 1000);
      helpers.logger.info(`target ${targetId}: ${result.outcome}`, { targetId, result });
    },
    /** Probes and renders one uploaded file. Safe to run twice: only a `processing` asset is touched. */
    [PROCESS_MEDIA_TASK]: async (payload, helpers) => {
      const { assetId } = ProcessMediaPayload.parse(payload);
      const started = performance.now();
      const result = await processMedia(mediaDeps(deps), assetId, {
        finalAttempt: helpers.job.attempts >= helpers.job.max_attempts,
      });
      hooks.onMediaProcessed?.(result, (performance.now() - started) / 1000);
      helpers.logger.info(`media ${assetId}: ${result.outcome}`, { assetId, result });
    },
    /** Zips a failed target's captions and media for posting by hand. */
    [BUILD_FALLBACK_PACKAGE_TASK]: async (payload, helpers) => {
      const { targetId } = FallbackPackagePayload.parse(payload);
      if (!deps.storage) {
        // Nowhere to keep a package: the failure itself was already reported.
        helpers.logger.info(`fallback package ${targetId}: skipped, no media storage`);
        return;
      }
      const result = await buildFallbackPackage(mediaDeps(deps), targetId);
      hooks.onFallbackPackage?.(result);
      helpers.logger.info(`fallback package ${targetId}: ${result.outcome}`, { targetId, result });
    },
    /** Refreshes tokens about to expire. */
    [REFRESH_TOKENS_TASK]: async (_payload, helpers) => {
      const result = await refreshExpiringTokens(deps);
      helpers.logger.info('token refresh', { result });
    },
    /** Nightly: refreshes tokens expiring within five days, or asks a person to reconnect. */
    [CHECK_EXPIRING_TOKENS_TASK]: async (_payload, helpers) => {
      const result = await checkExpiringTokens(deps);
      helpers.logger.info('expiring tokens checked', { result });
    },
    /** Seals tokens still under an old key with the current one. Safe to run any time, twice. */
    [REENCRYPT_TOKENS_TASK]: async (_payload, helpers) => {
      const result = await reencryptTokens(deps);
      helpers.logger.info('tokens re-encrypted', {
        resealed: result.resealed,
        changedMeanwhile: result.changedMeanwhile,
        unreadable: result.unreadable.length,
      });
      for (const row of result.unreadable) {
        // The ids and the key id say what to fix; no secret is in them.
        helpers.logger.error(`${row.table} ${row.id}: ${row.reason}`, {
          table: row.table,
          id: row.id,
        });
      }
    },
    /** Emails one notification to one person. A mail server that refuses is tried again. */
    [SEND_NOTIFICATION_EMAIL_TASK]: async (payload, helpers) => {
      const parsed = NotificationEmailPayload.parse(payload);
      const result = await sendNotificationEmail(
        { db: deps.db, mailer },
        parsed,
        helpers.abortSignal,
      );
      const line = `notification ${parsed.notificationId} email to user ${parsed.userId}: ${result.status}`;
      helpers.logger.info(result.status === 'skipped' ? `${line} (${result.reason})` : line, {
        ...parsed,
        status: result.status,
      });
    },
    /** Queues a fetch_metrics job for every engagement snapshot now due. */
    [SCHEDULE_METRICS_TASK]: async (_payload, helpers) => {
      const result = await scheduleDueMetrics(deps);
      if (result.enqueued > 0) helpers.logger.info('metrics scheduled', { result });
    },
    /** Takes one engagement snapshot. Safe to run twice: a taken snapshot is never taken again. */
    [FETCH_METRICS_TASK]: async (payload, helpers) => {
      const parsed = FetchMetricsPayload.parse(payload);
      const result = await fetchMetricsSnapshot(deps, parsed, {
        finalAttempt: helpers.job.attempts >= helpers.job.max_attempts,
        signal: helpers.abortSignal,
      });
      helpers.logger.info(`metrics ${parsed.targetId} ${parsed.bucket}: ${result.outcome}`, {
        ...parsed,
        result,
      });
    },
    /** Warns platform staff about API versions near their sunset (weekly). */
    [CHECK_API_VERSIONS_TASK]: async (_payload, helpers) => {
      const findings = await checkApiVersions(deps, deps.apiVersions ?? []);
      for (const finding of findings) {
        if (finding.message) helpers.logger.warn(finding.message, { finding });
      }
    },
    /** The daily sweep of unfinished uploads and files nothing refers to. */
    [CLEANUP_MEDIA_TASK]: async (_payload, helpers) => {
      if (!deps.storage) return; // nothing stored, nothing to clean
      const result = await cleanupMedia(mediaDeps(deps));
      helpers.logger.info('media cleanup', { result });
    },
  };
}
