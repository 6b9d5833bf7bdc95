// Waking the worker pool at the instants that matter (docs/decisions/0022). Graphile finds a
// job due later only on its next poll, so a post could start up to a poll interval late.
// Instead, every due time announced on JOB_DUE_CHANNEL (and, as a safety net, the next few
// found by a query every few seconds) goes into a timer, which nudges the pool the moment the
// database's clock reaches it.
import { JOB_DUE_CHANNEL } from '@herald/db';
import type pg from 'pg';

/** The timers, as pure bookkeeping over an injected clock and timer (tested without waiting). */
export class DueTimes {
  readonly #due: number[] = [];
  #timer: unknown;
  #timerAt: number | undefined;

  constructor(
    private readonly io: {
      /** Node's clock, in ms. */
      now(): number;
      setTimer(callback: () => void, ms: number): unknown;
      clearTimer(timer: unknown): void;
      /** Wake this many idle workers. */
      nudge(count: number): void;
    },
    /** The database's clock minus Node's, in ms; run_at is on the database's clock. */
    private offsetMs = 0,
    private readonly maxKept = 10_000,
  ) {}

  setOffset(offsetMs: number): void {
    this.offsetMs = offsetMs;
    this.#arm();
  }

  /** A job is due at `dueMs` (database clock). Past ones nudge at once. */
  add(dueMs: number): void {
    if (this.#due.includes(dueMs)) return;
    const at = sortedIndex(this.#due, dueMs);
    this.#due.splice(at, 0, dueMs);
    // Far-future times past the cap are left to the periodic look-ahead.
    if (this.#due.length > this.maxKept) this.#due.pop();
    this.#arm();
  }

  get size(): number {
    return this.#due.length;
  }

  stop(): void {
    if (this.#timer !== undefined) this.io.clearTimer(this.#timer);
    this.#timer = undefined;
    this.#timerAt = undefined;
    this.#due.length = 0;
  }

  /** Node time at which the database's clock reads `dueMs`. */
  #localTime(dueMs: number): number {
    return dueMs - this.offsetMs;
  }

  #arm(): void {
    const next = this.#due[0];
    if (next === undefined) return;
    const at = this.#localTime(next);
    if (this.#timerAt === at) return;
    if (this.#timer !== undefined) this.io.clearTimer(this.#timer);
    this.#timerAt = at;
    this.#timer = this.io.setTimer(() => this.#fire(), Math.max(0, at - this.io.now()));
  }

  #fire(): void {
    this.#timer = undefined;
    this.#timerAt = undefined;
    const now = this.io.now();
    let count = 0;
    while (this.#due.length > 0 && this.#localTime(this.#due[0]!) <= now) {
      this.#due.shift();
      count += 1;
    }
    if (count > 0) this.io.nudge(count);
    this.#arm();
  }
}

function sortedIndex(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid]! < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

export interface Wakeup {
  stop(): Promise<void>;
}

/**
 * Listens for announced due times on its own connection, looks ahead every `lookAheadMs`
 * (one small query: the safety net for jobs added without an announcement) and keeps the
 * clock offset to the database fresh.
 */
export async function startWakeup(options: {
  pgPool: pg.Pool;
  nudge: (count: number) => void;
  lookAheadMs?: number;
  onError: (error: unknown) => void;
}): Promise<Wakeup> {
  const timers = new DueTimes({
    now: () => Date.now(),
    setTimer: (callback, ms) => setTimeout(callback, ms).unref(),
    clearTimer: (timer) => clearTimeout(timer as NodeJS.Timeout),
    nudge: options.nudge,
  });
  let stopped = false;
  const lookAhead = async () => {
    const { rows } = await options.pgPool.query<{ db_now: string; due: string[] | null }>(
      `SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint::text AS db_now,
              (SELECT array_agg((extract(epoch FROM run_at) * 1000)::bigint::text)
               FROM (SELECT run_at FROM graphile_worker._private_jobs
                     WHERE locked_at IS NULL AND run_at > now() AND attempts < max_attempts
                     ORDER BY run_at LIMIT 100) upcoming) AS due`,
    );
    const row = rows[0]!;
    // Off by at most the query's round trip, which is what a poll would cost anyway.
    timers.setOffset(Number(row.db_now) - Date.now());
    for (const due of row.due ?? []) timers.add(Number(due));
  };

  const client = await options.pgPool.connect();
  client.on('notification', (message) => {
    if (message.channel !== JOB_DUE_CHANNEL || !message.payload) return;
    const due = Number(message.payload);
    if (Number.isFinite(due)) timers.add(due);
  });
  client.on('error', options.onError);
  await client.query(`LISTEN ${JOB_DUE_CHANNEL}`);
  await lookAhead();
  const interval = setInterval(() => {
    if (!stopped) lookAhead().catch(options.onError);
  }, options.lookAheadMs ?? 5_000);
  interval.unref();

  return {
    async stop() {
      stopped = true;
      clearInterval(interval);
      timers.stop();
      await client.query(`UNLISTEN ${JOB_DUE_CHANNEL}`).catch(() => undefined);
      client.release();
    },
  };
}
