// One dedicated connection that LISTENs on a channel and stays listening: when the connection
// drops (a restart, a failover, an idle cut) it is reopened with backoff, and `onConnected`
// says so, since whatever was announced meanwhile is lost and listeners should catch up.
import pg from 'pg';

export interface PgListener {
  /** Resolves once the first LISTEN is in place. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

export interface ListenOptions {
  connectionString: string;
  channel: string;
  onMessage: (payload: string) => void;
  /** After every LISTEN: `reconnected` is true from the second on. */
  onConnected?: (reconnected: boolean) => void;
  onError: (error: unknown) => void;
  /** Waits between reconnection tries; the last repeats. */
  retryDelaysMs?: readonly number[];
}

const DEFAULT_RETRY_DELAYS_MS = [100, 500, 1_000, 2_000, 5_000];

export function listenTo(options: ListenOptions): PgListener {
  const delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  let closed = false;
  let client: pg.Client | undefined;
  let connections = 0;
  let failures = 0;
  let retry: NodeJS.Timeout | undefined;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  const scheduleReconnect = () => {
    if (closed || retry) return;
    const delay = delays[Math.min(failures, delays.length - 1)] ?? 1_000;
    failures += 1;
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, delay);
    retry.unref();
  };

  const connect = async () => {
    if (closed) return;
    const next = new pg.Client({ connectionString: options.connectionString, keepAlive: true });
    let dropped = false;
    const drop = (error?: unknown) => {
      if (dropped) return;
      dropped = true;
      if (error && !closed) options.onError(error);
      if (client === next) client = undefined;
      next.end().catch(() => {});
      scheduleReconnect();
    };
    next.on('error', drop);
    next.on('end', () => drop());
    next.on('notification', (message) => {
      if (message.channel === options.channel) options.onMessage(message.payload ?? '');
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${pg.escapeIdentifier(options.channel)}`);
    } catch (error) {
      drop(error);
      return;
    }
    if (closed) {
      await next.end().catch(() => {});
      return;
    }
    client = next;
    failures = 0;
    connections += 1;
    options.onConnected?.(connections > 1);
    markReady();
  };

  void connect();
  return {
    ready,
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      const current = client;
      client = undefined;
      await current?.end().catch(() => {});
    },
  };
}
