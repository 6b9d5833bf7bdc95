import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { beatHeartbeat, recoverDeadWorkers, removeHeartbeat } from '@herald/core';
import type { Mailer } from '@herald/core/mail';
import { findMediaBinaries, type MediaBinaries } from '@herald/core/media';
import type { MediaStorage } from '@herald/core/storage';
import {
  configuredApiVersions,
  createAdapterRegistry,
  type AdapterRegistryConfig,
} from '@herald/core/providers';
import { createDbOnPool, type TokenKeyring } from '@herald/db';
import {
  parseCronItems,
  run,
  type Logger,
  type Runner,
  type WorkerEvents,
  type WorkerPool,
} from 'graphile-worker';
import type { Logger as Log } from 'pino';
import { cronItems } from './crontab.ts';
import pg from 'pg';
import { startHealthServer, type HealthServer } from './observability/health-server.ts';
import { graphileLogger } from './observability/logger.ts';
import { startWakeup } from './wakeup.ts';
import { createWorkerMetrics } from './observability/metrics.ts';
import { createTaskList, type TaskDeps } from '@herald/core/jobs';

export interface WorkerConfig {
  databaseUrl: string;
  /** The token keyring: TOKEN_ENCRYPTION_KEY and TOKEN_ENCRYPTION_OLD_KEYS (docs/decisions/0033). */
  tokenKey: TokenKeyring;
  adapters: AdapterRegistryConfig;
  concurrency?: number;
  pollInterval?: number;
  /** Our structured log; Graphile writes through it too unless `logger` is given. */
  log?: Log;
  /** Graphile's logger (tests capture it); by default Graphile writes through `log`. */
  logger?: Logger;
  /** Serve /healthz, /readyz and /metrics on this port (0: any free one); absent: no server. */
  health?: { port: number; host?: string };
  /**
   * On stop, running jobs get this long to finish before their abort signal fires (a publish
   * then stops where it is and settles honestly). Keep it under Kubernetes'
   * terminationGracePeriodSeconds.
   */
  shutdownGraceMs?: number;
  /** Nudge the pool when a future job falls due (default), instead of waiting for a poll. */
  wakeup?: boolean;
  /** How long after an unanswered publish the platform is asked about it (docs/decisions/0013). */
  reconcileDelayMs?: number;
  /** How often this pool beats, and how often it looks for dead pools (docs/decisions/0012). */
  heartbeatIntervalMs?: number;
  sweepIntervalMs?: number;
  /** A pool silent this long is dead (DEAD_POOL_AFTER_MS by default). */
  deadPoolAfterMs?: number;
  /**
   * Graphile's batching (docs/decisions/0019): lock and fetch up to this many jobs at once
   * (default: the concurrency; -1: one at a time), and complete finished jobs together after
   * this many ms (default 1; -1: each at once). A crash between a publish and its batched
   * completion only re-runs a job that then finds its target settled; jobs a killed worker had
   * fetched but not started wait for the sweeper.
   */
  localQueueSize?: number;
  completeJobBatchDelayMs?: number;
  /** The retry policy's waits, when not the product's default. */
  retryDelaysMs?: readonly number[];
  /** Media storage: processing, fallback packages, and signed URLs for platforms to fetch. */
  storage?: MediaStorage;
  /** ffmpeg and ffprobe paths, when not on PATH (docs/decisions/0025). */
  mediaBinaries?: { ffmpeg?: string; ffprobe?: string };
  /** Sends notification emails (SMTP); absent: emails are skipped and logged (core/mail). */
  mailer?: Mailer;
  /** The web app's public origin, for reconnect links in notifications and emails. */
  publicUrl?: string;
}

export interface RunningWorker {
  runner: Runner;
  /** Graphile's id for this process's worker pool: what its locked jobs carry. */
  poolId: string;
  /** The health and metrics server, when `health` was given. */
  health: HealthServer | undefined;
  /** Graceful: takes no new jobs, waits for running ones, then closes the database pool. */
  stop(): Promise<void>;
}

export async function startWorker(config: WorkerConfig): Promise<RunningWorker> {
  const concurrency = config.concurrency ?? 4;
  // One pool for Graphile, Prisma and the publish hot path. Ours rather than Graphile's:
  // Graphile ends the pool it makes without waiting, so stop() could resolve while
  // connections were still closing (and a dropped or restarted database then raised errors
  // nobody handled). Connections open as they are needed, and jobs hold one only for a
  // statement at a time on the hot path.
  const pgPool = new pg.Pool({ connectionString: config.databaseUrl, max: concurrency + 2 });
  const db = createDbOnPool(pgPool);
  const metrics = createWorkerMetrics(db);
  let binaries: Promise<MediaBinaries> | undefined;
  const deps: TaskDeps = {
    db,
    ...(config.storage ? { storage: config.storage } : {}),
    // Looked up once, when the first video needs them; a failed look-up is tried again.
    binaries: () =>
      (binaries ??= findMediaBinaries(config.mediaBinaries).catch((error: unknown) => {
        binaries = undefined;
        throw error;
      })),
    sql: pgPool,
    adapterFor: createAdapterRegistry(config.adapters),
    apiVersions: configuredApiVersions(config.adapters),
    tokenKey: config.tokenKey,
    ...(config.mailer ? { mailer: config.mailer } : {}),
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
    onAttemptStarted: ({ platform, latenessMs }) => metrics.recordLateness(platform, latenessMs),
    ...(config.reconcileDelayMs === undefined ? {} : { reconcileDelayMs: config.reconcileDelayMs }),
    ...(config.retryDelaysMs ? { retryDelaysMs: config.retryDelaysMs } : {}),
  };
  const report = (what: string) => (error: unknown) =>
    config.log
      ? config.log.error({ err: error }, what)
      : console.error(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  pgPool.on('error', report('worker: idle database connection failed'));
  pgPool.on('connect', (client) =>
    client.on('error', report('worker: database connection failed')),
  );
  const events: WorkerEvents = new EventEmitter();
  let poolId: string | undefined;
  let workerPool: WorkerPool | undefined;
  events.on('pool:create', (event) => {
    poolId = event.workerPool.id;
    workerPool = event.workerPool;
  });
  const runner = await run({
    events,
    pgPool,
    concurrency,
    pollInterval: config.pollInterval ?? 10_000,
    gracefulShutdownAbortTimeout: config.shutdownGraceMs ?? 25_000,
    // main.ts owns signals, so it can close our own pool after Graphile's.
    noHandleSignals: true,
    taskList: createTaskList(deps, {
      onPublished: (result, seconds) =>
        metrics.recordPublish(result.outcome, result.platform, seconds),
      onMediaProcessed: (result, seconds) => metrics.recordMediaProcessed(result.outcome, seconds),
    }),
    // Batching (docs/decisions/0019): fetch jobs in batches and complete them together.
    preset: {
      worker: {
        localQueue: { size: config.localQueueSize ?? concurrency },
        completeJobBatchDelay: config.completeJobBatchDelayMs ?? 1,
      },
    },
    // Given, not read from a `crontab` file: Graphile would warn at every start that it is missing.
    parsedCronItems: parseCronItems(cronItems),
    ...(config.logger
      ? { logger: config.logger }
      : config.log
        ? { logger: graphileLogger(config.log) }
        : {}),
  });
  if (!poolId || !workerPool) {
    throw new Error('Graphile Worker started without announcing its pool id.');
  }
  const graphilePool = workerPool;
  // Future jobs wake the pool when they fall due, not on its next poll (docs/decisions/0022).
  const wakeup =
    config.wakeup === false
      ? undefined
      : await startWakeup({
          pgPool,
          nudge: (count) => graphilePool.nudge(count),
          onError: report('worker: wake-up timer failed'),
        });
  const pool = { poolId, host: hostname(), pid: process.pid, startedAt: new Date() };
  // Beat now, so no sweeper takes this pool for dead; then on a timer. Every pool also sweeps:
  // whichever finds a dead pool first recovers it (the row lock keeps it to one).
  await beatHeartbeat(db, pool, new Date());
  const timers = [
    setInterval(
      () => void beatHeartbeat(db, pool, new Date()).catch(report('worker: heartbeat failed')),
      config.heartbeatIntervalMs ?? 5_000,
    ),
    setInterval(
      () =>
        void recoverDeadWorkers(db, new Date(), config.deadPoolAfterMs).then((result) => {
          if (result.pools.length > 0) {
            metrics.recordRecovery(result.pools.length, result.reconcilingTargets.length);
            const line = `worker: recovered dead pools ${result.pools.join(', ')}`;
            if (config.log) config.log.warn(result, line);
            else console.warn(line);
          }
        }, report('worker: recovery sweep failed')),
      config.sweepIntervalMs ?? 10_000,
    ),
  ];
  for (const timer of timers) timer.unref();

  let stopping: Promise<void> | undefined;
  const health = config.health
    ? await startHealthServer({
        ...config.health,
        metrics: metrics.registry,
        // Not ready once shutting down, so no new work is routed here; otherwise ready while
        // the database answers.
        ready: async () => {
          if (stopping) return false;
          await pgPool.query('SELECT 1');
          return !stopping;
        },
      })
    : undefined;
  return {
    runner,
    poolId: pool.poolId,
    health,
    stop: () =>
      (stopping ??= (async () => {
        for (const timer of timers) clearInterval(timer);
        await wakeup?.stop();
        await runner.stop();
        await removeHeartbeat(db, pool.poolId).catch(report('worker: heartbeat removal failed'));
        config.mailer?.close();
        await Promise.all([pgPool.end(), db.$disconnect(), health?.close()]);
      })()),
  };
}
