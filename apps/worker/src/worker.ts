import type { PublishingDeps } from '@herald/core';
import { createAdapterRegistry, type AdapterRegistryConfig } from '@herald/core/providers';
import { createDb } from '@herald/db';
import { run, type Runner } from 'graphile-worker';
import { createTaskList } from './tasks/index.ts';

export interface WorkerConfig {
  databaseUrl: string;
  tokenKey: Buffer;
  adapters: AdapterRegistryConfig;
  concurrency?: number;
  pollInterval?: number;
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
  const runner = await run({
    connectionString: config.databaseUrl,
    concurrency,
    maxPoolSize: concurrency + 2,
    pollInterval: config.pollInterval ?? 1_000,
    // main.ts owns signals, so it can close our own pool after Graphile's.
    noHandleSignals: true,
    taskList: createTaskList(deps),
  });
  let stopping: Promise<void> | undefined;
  return {
    runner,
    stop: () =>
      (stopping ??= (async () => {
        await runner.stop();
        await db.$disconnect();
      })()),
  };
}
