import type { PublishingDeps } from '@herald/core';
import { createAdapterRegistry, type AdapterRegistryConfig } from '@herald/core/providers';
import { createDb } from '@herald/db';
import { parseCronItems, run, type Logger, type Runner } from 'graphile-worker';
import type { Logger as Log } from 'pino';
import { cronItems } from './crontab.ts';
import pg from 'pg';
import { startHealthServer, type HealthServer } from './observability/health-server.ts';
import { graphileLogger } from './observability/logger.ts';
import { createWorkerMetrics } from './observability/metrics.ts';
import { createTaskList } from './tasks/index.ts';

export interface WorkerConfig {
  databaseUrl: string;
  tokenKey: Buffer;
  adapters: AdapterRegistryConfig;
  concurrency?: number;
  pollInterval?: number;
  /** Our structured log; Graphile writes through it too unless `logger` is given. */
  log?: Log;
  /** Graphile's logger (tests capture it); by default Graphile writes through `log`. */
  logger?: Logger;
  /** Serve /healthz, /readyz and /metrics on this port (0: any free one); absent: no server. */
  health?: { port: number; host?: string };
}

export interface RunningWorker {
  runner: Runner;
  /** The health and metrics server, when `health` was given. */
  health: HealthServer | undefined;
  /** Graceful: takes no new jobs, waits for running ones, then closes the database pool. */
  stop(): Promise<void>;
}

export async function startWorker(config: WorkerConfig): Promise<RunningWorker> {
  const concurrency = config.concurrency ?? 4;
  const db = createDb(config.databaseUrl, { max: concurrency + 2 });
  const deps: PublishingDeps = {
    db,
    adapterFor: createAdapterRegistry(config.adapters),
    tokenKey: config.tokenKey,
  };
  // Our own pool rather than Graphile's: Graphile ends the pool it makes without waiting,
  // so stop() could resolve while connections were still closing (and a dropped or
  // restarted database then raised errors nobody handled).
  const pgPool = new pg.Pool({ connectionString: config.databaseUrl, max: concurrency + 2 });
  const report = (what: string) => (error: Error) =>
    config.log
      ? config.log.error({ err: error }, what)
      : console.error(`${what}: ${error.message}`);
  pgPool.on('error', report('worker: idle database connection failed'));
  pgPool.on('connect', (client) =>
    client.on('error', report('worker: database connection failed')),
  );
  const metrics = createWorkerMetrics(db);
  const runner = await run({
    pgPool,
    concurrency,
    pollInterval: config.pollInterval ?? 1_000,
    // main.ts owns signals, so it can close our own pool after Graphile's.
    noHandleSignals: true,
    taskList: createTaskList(deps, metrics),
    // Given, not read from a `crontab` file: Graphile would warn at every start that it is missing.
    parsedCronItems: parseCronItems(cronItems),
    ...(config.logger
      ? { logger: config.logger }
      : config.log
        ? { logger: graphileLogger(config.log) }
        : {}),
  });
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
    health,
    stop: () =>
      (stopping ??= (async () => {
        await runner.stop();
        await Promise.all([pgPool.end(), db.$disconnect(), health?.close()]);
      })()),
  };
}
