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
import { refreshExpiringTokens } from '../services/token-health.ts';
import {
  FETCH_METRICS_TASK,
  FetchMetricsPayload,
  fetchMetricsSnapshot,
  SCHEDULE_METRICS_TASK,
  scheduleDueMetrics,
} from '../services/metrics.ts';
import { CHECK_API_VERSIONS_TASK, checkApiVersions } from '../services/api-version-check.ts';
import type { ConfiguredApiVersion } from '../providers/api-versions.ts';

/** The cron task that keeps accounts' tokens alive (services/token-health.ts). */
export const REFRESH_TOKENS_TASK = 'refresh_tokens';

export interface TaskDeps extends PublishingDeps {
  /** ffmpeg and ffprobe for video processing, found on first use. */
  binaries?: () => Promise<MediaBinaries>;
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
    /** Refreshes tokens about to expire and warns about ones nobody can refresh. */
    [REFRESH_TOKENS_TASK]: async (_payload, helpers) => {
      const result = await refreshExpiringTokens(deps);
      helpers.logger.info('token refresh', { result });
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
