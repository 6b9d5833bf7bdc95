import type { PublishingDeps } from '@herald/core';
import { createAdapterRegistry, type AdapterRegistryConfig } from '@herald/core/providers';
import { createDb } from '@herald/db';
import { parseCronItems, run, type Logger, type Runner } from 'graphile-worker';
import { cronItems } from './crontab.ts';
import pg from 'pg';
import { createTaskList } from './tasks/index.ts';

export interface WorkerConfig {
  databaseUrl: string;
  tokenKey: Buffer;
  adapters: AdapterRegistryConfig;
  concurrency?: number;
  pollInterval?: number;
  /** Graphile's logger; its console logger by default. */
  logger?: Logger;
}

export interface RunningWorker {
  runner: Runner;
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
  pgPool.on('error', (error) =>
    console.error(`worker: idle database connection failed: ${error.message}`),
  );
  pgPool.on('connect', (client) =>
    client.on('error', (error) =>
      console.error(`worker: database connection failed: ${error.message}`),
    ),
  );
  const runner = await run({
    pgPool,
    concurrency,
    pollInterval: config.pollInterval ?? 1_000,
    // main.ts owns signals, so it can close our own pool after Graphile's.
    noHandleSignals: true,
    taskList: createTaskList(deps),
    // Given, not read from a `crontab` file: Graphile would warn at every start that it is missing.
    parsedCronItems: parseCronItems(cronItems),
    ...(config.logger ? { logger: config.logger } : {}),
  });
  let stopping: Promise<void> | undefined;
  return {
    runner,
    stop: () =>
      (stopping ??= (async () => {
        await runner.stop();
        await Promise.all([pgPool.end(), db.$disconnect()]);
      })()),
  };
}
