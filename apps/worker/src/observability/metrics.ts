// The worker's Prometheus metrics: the process's own (CPU, memory, event-loop lag), the queue
// by state (read from Postgres at each scrape, so every worker reports the same truth), and
// what this worker's publish jobs ended with and how long they took.
import { countJobsByState, type Db } from '@herald/db';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

const JOB_STATES = ['due', 'scheduled', 'locked', 'failed'] as const;

export interface WorkerMetrics {
  registry: Registry;
  /** One publish job finished with this outcome (published, retry_scheduled, failed, …). */
  recordPublish(outcome: string, platform: string | undefined, seconds: number): void;
  /** The sweeper recovered dead pools, and sent this many of their targets to reconcile. */
  recordRecovery(pools: number, targets: number): void;
  /** A publish attempt started this late after its target was due. */
  recordLateness(platform: string, milliseconds: number): void;
  /** A process_media job ended (ready, rejected, skipped) after this many seconds. */
  recordMediaProcessed(outcome: string, seconds: number): void;
}

export function createWorkerMetrics(db: Db): WorkerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  new Gauge({
    name: 'herald_jobs',
    help: 'Jobs in the queue by state: due, scheduled, locked, failed.',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      const counts = await countJobsByState(db);
      for (const state of JOB_STATES) this.set({ state }, counts[state]);
    },
  });
  const outcomes = new Counter({
    name: 'herald_publish_jobs_total',
    help: 'Publish jobs this worker finished, by outcome and platform.',
    labelNames: ['outcome', 'platform'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'herald_publish_job_duration_seconds',
    help: 'How long a publish job took, platform call included.',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });

  const deferrals = new Counter({
    name: 'herald_quota_deferrals_total',
    help: "Publishes deferred because the account's platform quota was full, by platform.",
    labelNames: ['platform'] as const,
    registers: [registry],
  });
  const recoveredPools = new Counter({
    name: 'herald_recovered_pools_total',
    help: 'Dead worker pools whose jobs this worker unlocked.',
    registers: [registry],
  });
  const recoveredTargets = new Counter({
    name: 'herald_recovered_targets_total',
    help: 'Targets dead pools left mid-publish, sent to reconcile by this worker.',
    registers: [registry],
  });

  const lateness = new Histogram({
    name: 'herald_publish_lateness_seconds',
    help: 'How late publish attempts start after their target is due.',
    labelNames: ['platform'] as const,
    buckets: [0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60],
    registers: [registry],
  });

  const media = new Histogram({
    name: 'herald_media_processing_seconds',
    help: 'How long processing one uploaded file took, by outcome (ready, rejected, skipped).',
    labelNames: ['outcome'] as const,
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });

  return {
    registry,
    recordMediaProcessed(outcome, seconds) {
      media.observe({ outcome }, seconds);
    },
    recordLateness(platform, milliseconds) {
      lateness.observe({ platform }, milliseconds / 1000);
    },
    recordPublish(outcome, platform, seconds) {
      outcomes.inc({ outcome, platform: platform ?? 'unknown' });
      if (outcome === 'deferred') deferrals.inc({ platform: platform ?? 'unknown' });
      duration.observe(seconds);
    },
    recordRecovery(pools, targets) {
      recoveredPools.inc(pools);
      recoveredTargets.inc(targets);
    },
  };
}
