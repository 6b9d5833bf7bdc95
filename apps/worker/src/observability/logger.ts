// Structured logs: one JSON object a line (pretty for a person in development), each carrying
// the ids it is about (worker, job, target), never a token.
import { Logger as GraphileLogger, type LogLevel } from 'graphile-worker';
import { pino, type DestinationStream, type Logger } from 'pino';

export type LogFormat = 'json' | 'pretty';

/** Fields that could carry a secret, wherever they sit in a log object. */
const REDACT = [
  'accessToken',
  'token',
  'password',
  '*.accessToken',
  '*.token',
  '*.password',
  'headers.authorization',
];

export async function createLogger(
  options: { format?: LogFormat; level?: string; destination?: DestinationStream } = {},
): Promise<Logger> {
  const settings = {
    level: options.level ?? 'info',
    base: { app: 'worker' },
    redact: { paths: REDACT, censor: '[redacted]' },
  };
  if (options.destination) return pino(settings, options.destination);
  if (options.format === 'pretty') {
    const { default: pretty } = await import('pino-pretty');
    return pino(settings, pretty({ colorize: true, ignore: 'pid,hostname,app' }));
  }
  return pino(settings);
}

const LEVELS: Record<LogLevel, 'error' | 'warn' | 'info' | 'debug'> = {
  error: 'error',
  warning: 'warn',
  info: 'info',
  debug: 'debug',
};

/** Graphile Worker's logger, writing through ours: its scope (worker, task, job ids) becomes fields. */
export function graphileLogger(log: Logger): GraphileLogger {
  return new GraphileLogger((scope) => {
    const scoped = log.child({
      ...(scope.workerId ? { workerId: scope.workerId } : {}),
      ...(scope.taskIdentifier ? { task: scope.taskIdentifier } : {}),
      ...(scope.jobId ? { jobId: scope.jobId } : {}),
    });
    return (level, message, meta) => scoped[LEVELS[level]](meta ?? {}, message);
  });
}
