// Live notifications for one process (ADR 0040): one listening connection, fanned out to every
// open page of this process. An announcement carries ids only; each subscriber gets the
// notification as its own session may see it, re-read from the database, or nothing.
import { listenTo, type Db, type ListenOptions, type PgListener } from '@herald/db';
import { z } from 'zod';
import type { Actor } from './actor.ts';
import { getNotification, NOTIFICATION_CHANNEL, type NotificationView } from './notifications.ts';

const Announcement = z.object({
  id: z.uuid(),
  organizationId: z.uuid(),
  userId: z.uuid().nullable(),
});

export interface NotificationSubscriber {
  onNotification: (notification: NotificationView) => void;
  /** The connection was lost and is back: announcements may have been missed; refetch. */
  onResync: () => void;
}

export interface NotificationHub {
  /** Resolves once the hub listens. */
  readonly ready: Promise<void>;
  /** Starts delivering to `subscriber`; returns the function that stops it. */
  subscribe(actor: Actor, subscriber: NotificationSubscriber): () => void;
  /** How many subscribers are open (for tests and metrics). */
  readonly size: number;
  close(): Promise<void>;
}

export function createNotificationHub(options: {
  db: Db;
  connectionString: string;
  onError: (error: unknown) => void;
  /** For tests: how reconnection waits. */
  retryDelaysMs?: readonly number[];
  listen?: (options: ListenOptions) => PgListener;
}): NotificationHub {
  const subscribers = new Map<
    number,
    {
      actor: Actor;
      subscriber: NotificationSubscriber;
      /** The last delivery: each waits for the one before, so a page gets them in order. */
      queue: Promise<void>;
    }
  >();
  let nextId = 0;

  const deliver = async (actor: Actor, subscriber: NotificationSubscriber, id: string) => {
    const notification = await getNotification(options.db, actor, id);
    if (notification) subscriber.onNotification(notification);
  };

  const onMessage = (payload: string) => {
    let announced: z.infer<typeof Announcement>;
    try {
      announced = Announcement.parse(JSON.parse(payload));
    } catch (error) {
      options.onError(error);
      return;
    }
    for (const entry of subscribers.values()) {
      const { actor, subscriber } = entry;
      // A cheap first sieve on the ids; the re-read under the actor's scope is what decides.
      if (actor.organizationId !== announced.organizationId) continue;
      if (announced.userId !== null && announced.userId !== actor.userId) continue;
      entry.queue = entry.queue
        .then(() => deliver(actor, subscriber, announced.id))
        .catch(options.onError);
    }
  };

  const listener = (options.listen ?? listenTo)({
    connectionString: options.connectionString,
    channel: NOTIFICATION_CHANNEL,
    onMessage,
    onConnected: (reconnected) => {
      if (!reconnected) return;
      for (const { subscriber } of subscribers.values()) subscriber.onResync();
    },
    onError: options.onError,
    ...(options.retryDelaysMs ? { retryDelaysMs: options.retryDelaysMs } : {}),
  });

  return {
    ready: listener.ready,
    subscribe(actor, subscriber) {
      const id = nextId++;
      subscribers.set(id, { actor: { ...actor }, subscriber, queue: Promise.resolve() });
      return () => void subscribers.delete(id);
    },
    get size() {
      return subscribers.size;
    },
    async close() {
      subscribers.clear();
      await listener.close();
    },
  };
}
