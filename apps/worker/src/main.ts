import path from 'node:path';
import { createMailer, pickMailSettings } from '@herald/core/mail';
import { createConfiguredStorage, pickStorageSettings } from '@herald/core/storage';
import { adapterConfigFromSettings, pickPlatformSettings } from '@herald/core/providers';
import { loadTokenKeyring, loadWorkerEnv } from './env.ts';
import { createLogger } from './observability/logger.ts';
import { startWorker } from './worker.ts';

const env = loadWorkerEnv();
const log = await createLogger({ format: env.LOG_FORMAT, level: env.LOG_LEVEL });
const storage = createConfiguredStorage(pickStorageSettings(env), {
  defaultMediaDir: path.resolve('.data/media'),
});
const worker = await startWorker({
  log,
  databaseUrl: env.DATABASE_URL,
  tokenKey: loadTokenKeyring(env),
  adapters: adapterConfigFromSettings(pickPlatformSettings(env)),
  ...(storage ? { storage } : {}),
  mailer: createMailer(pickMailSettings(env)),
  ...(env.PUBLIC_URL ? { publicUrl: env.PUBLIC_URL } : {}),
  mediaBinaries: {
    ...(env.FFMPEG_PATH ? { ffmpeg: env.FFMPEG_PATH } : {}),
    ...(env.FFPROBE_PATH ? { ffprobe: env.FFPROBE_PATH } : {}),
  },
  concurrency: env.WORKER_CONCURRENCY,
  pollInterval: env.WORKER_POLL_INTERVAL_MS,
  shutdownGraceMs: env.WORKER_SHUTDOWN_GRACE_MS,
  reconcileDelayMs: env.WORKER_RECONCILE_DELAY_MS,
  heartbeatIntervalMs: env.WORKER_HEARTBEAT_INTERVAL_MS,
  sweepIntervalMs: env.WORKER_SWEEP_INTERVAL_MS,
  deadPoolAfterMs: env.WORKER_DEAD_POOL_AFTER_MS,
  ...(env.WORKER_LOCAL_QUEUE_SIZE === undefined
    ? {}
    : { localQueueSize: env.WORKER_LOCAL_QUEUE_SIZE }),
  completeJobBatchDelayMs: env.WORKER_COMPLETE_BATCH_DELAY_MS,
  ...(env.WORKER_RETRY_DELAYS_MS ? { retryDelaysMs: env.WORKER_RETRY_DELAYS_MS } : {}),
  ...(env.WORKER_HEALTH_PORT === undefined
    ? {}
    : { health: { port: env.WORKER_HEALTH_PORT, host: env.WORKER_HEALTH_HOST } }),
});
log.info(
  { concurrency: env.WORKER_CONCURRENCY, health: worker.health?.url ?? null },
  `worker: running (concurrency ${env.WORKER_CONCURRENCY})` +
    (worker.health ? `; health and metrics on ${worker.health.url}` : ''),
);

let signals = 0;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    // First signal: finish running jobs (Kubernetes sends SIGTERM, then SIGKILL after the
    // grace period). A second one means "now".
    if (++signals > 1) process.exit(1);
    log.info(`worker: ${signal} received, finishing running jobs`);
    worker.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'worker: shutdown failed');
        process.exit(1);
      },
    );
  });
}
