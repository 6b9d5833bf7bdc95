// One pass over the due jobs, for hosts without a long-running worker (an external cron calls
// the web app's POST /api/cron/tick): a Graphile runner works until nothing is due or the
// time budget is spent, then stops gracefully. Jobs due later stay for the next tick.
import { EventEmitter } from 'node:events';
import { countJobsByState, type Db } from '@herald/db';
import { Logger, run, type RunnerOptions, type TaskList, type WorkerEvents } from 'graphile-worker';

export interface TickResult {
  /** Jobs started in this tick, and how they ended. */
  ran: number;
  succeeded: number;
  failed: number;
  /** True when the budget ran out with jobs still due. */
  budgetSpent: boolean;
  /** Jobs due and not yet taken when the tick ended. */
  stillDue: number;
  ms: number;
}

export async function runDueJobsOnce(options: {
  db: Db;
  pgPool: NonNullable<RunnerOptions['pgPool']>;
  taskList: TaskList;
  budgetMs: number;
  concurrency?: number;
  /** How often it looks whether anything is still due. */
  checkEveryMs?: number;
}): Promise<TickResult> {
  const started = performance.now();
  const events: WorkerEvents = new EventEmitter();
  const tally = { ran: 0, succeeded: 0, failed: 0, running: 0 };
  events.on('job:start', () => {
    tally.ran += 1;
    tally.running += 1;
  });
  events.on('job:success', () => (tally.succeeded += 1));
  events.on('job:error', () => (tally.failed += 1));
  events.on('job:complete', () => (tally.running -= 1));
  const runner = await run({
    events,
    pgPool: options.pgPool,
    concurrency: options.concurrency ?? 4,
    pollInterval: 1_000,
    noHandleSignals: true,
    parsedCronItems: [],
    taskList: options.taskList,
    // Whatever is still running when the budget is spent gets a little longer, then its
    // abort signal (a publish then settles honestly, as on a worker's shutdown).
    gracefulShutdownAbortTimeout: Math.max(1_000, Math.round(options.budgetMs / 5)),
    logger: new Logger(() => () => {}),
  });
  const elapsed = () => performance.now() - started;
  let counts = await countJobsByState(options.db);
  while (elapsed() < options.budgetMs && (counts.due > 0 || tally.running > 0)) {
    await new Promise((resolve) => setTimeout(resolve, options.checkEveryMs ?? 100));
    counts = await countJobsByState(options.db);
  }
  await runner.stop();
  counts = await countJobsByState(options.db);
  return {
    ran: tally.ran,
    succeeded: tally.succeeded,
    failed: tally.failed,
    budgetSpent: counts.due > 0,
    stillDue: counts.due,
    ms: Math.round(elapsed()),
  };
}
