// Live notifications on real Postgres: one listening connection fans out to every subscriber
// of the process; each gets only what its own scope may read, re-read from the database; an
// announcement is sent only on commit; a dropped connection comes back and says so.
import {
  createAgency,
  createTestDatabase,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf } from '../testing.ts';
import type { Actor } from './actor.ts';
import { createNotificationHub, type NotificationHub } from './notification-hub.ts';
import { NOTIFICATION_CHANNEL, notify, type NotificationInput } from './notifications.ts';

/** What one subscriber received, in order, with a way to wait for the next. */
function inbox() {
  const events: string[] = [];
  const waiting: (() => void)[] = [];
  const push = (event: string) => {
    events.push(event);
    waiting.splice(0).forEach((wake) => wake());
  };
  return {
    events,
    subscriber: {
      onNotification: (n: { title: string }) => push(n.title),
      onResync: () => push('(resync)'),
    },
    async until(count: number) {
      while (events.length < count) await new Promise<void>((wake) => waiting.push(wake));
      return events.slice();
    },
  };
}

describe('the notification hub', () => {
  let t: TestDatabase;
  let a: AgencyFixture;
  let b: AgencyFixture;
  let colleague: Actor;
  let hub: NotificationHub;
  const errors: unknown[] = [];

  beforeAll(async () => {
    t = await createTestDatabase();
    a = await createAgency(t.db);
    b = await createAgency(t.db);
    const user = await t.db.user.create({
      data: { email: `colleague-${a.email}`, name: 'Colleague', passwordHash: 'x' },
    });
    await t.db.member.create({
      data: { organizationId: a.organizationId, userId: user.id, role: 'viewer' },
    });
    colleague = { userId: user.id, organizationId: a.organizationId, role: 'viewer' };
    hub = createNotificationHub({
      db: t.db,
      connectionString: t.url,
      onError: (error) => errors.push(error),
      retryDelaysMs: [10],
    });
    await hub.ready;
  });
  afterAll(async () => {
    await hub?.close();
    await t?.drop();
  });

  const tell = (input: Partial<NotificationInput> & { organizationId: string; title: string }) =>
    t.db.$transaction((tx) => notify(tx, { kind: 'publish_failed', body: 'x', ...input }));

  const listeners = async () =>
    (
      await t.db.$queryRaw<{ pid: number }[]>`
        SELECT pid FROM pg_stat_activity
        WHERE datname = current_database() AND query = ${`LISTEN "${NOTIFICATION_CHANNEL}"`}`
    ).map(({ pid }) => pid);

  it('fans out on one connection, each subscriber getting only its own scope', async () => {
    const owner = inbox();
    const other = inbox();
    const viewer = inbox();
    const stops = [
      hub.subscribe(actorOf(a), owner.subscriber),
      hub.subscribe(colleague, viewer.subscriber),
      hub.subscribe(actorOf(b), other.subscriber),
    ];
    expect(hub.size).toBe(3);
    expect(await listeners()).toHaveLength(1);

    // Rolled back: never announced.
    await expect(
      t.db.$transaction(async (tx) => {
        await notify(tx, {
          organizationId: a.organizationId,
          kind: 'publish_failed',
          title: 'Rolled back',
          body: 'x',
        });
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    await tell({ organizationId: a.organizationId, title: 'A, everyone' });
    await tell({ organizationId: a.organizationId, userId: a.userId, title: 'A, the owner only' });
    const aNotification = await tell({ organizationId: a.organizationId, title: 'A, again' });
    // A forged announcement pointing B's subscribers at A's row: the re-read finds nothing.
    await t.db.$executeRaw`SELECT pg_notify(${NOTIFICATION_CHANNEL}, ${JSON.stringify({
      id: aNotification,
      organizationId: b.organizationId,
      userId: null,
    })})`;
    await tell({ organizationId: b.organizationId, title: 'B, everyone' });

    expect(await owner.until(3)).toEqual(['A, everyone', 'A, the owner only', 'A, again']);
    expect(await viewer.until(2)).toEqual(['A, everyone', 'A, again']);
    expect(await other.until(1)).toEqual(['B, everyone']);

    stops.forEach((stop) => stop());
    expect(hub.size).toBe(0);
    await tell({ organizationId: b.organizationId, title: 'Nobody listens' });
    expect(other.events).toEqual(['B, everyone']);
    expect(errors).toEqual([]);
  });

  it('reconnects when its connection drops, and tells subscribers to catch up', async () => {
    const owner = inbox();
    const stop = hub.subscribe(actorOf(a), owner.subscriber);
    const [pid] = await listeners();
    await t.db.$queryRaw`SELECT pg_terminate_backend(${pid}::int)`;
    expect(await owner.until(1)).toEqual(['(resync)']);
    const [again] = await listeners();
    expect(again).not.toBe(pid);
    await tell({ organizationId: a.organizationId, title: 'After the drop' });
    expect(await owner.until(2)).toEqual(['(resync)', 'After the drop']);
    stop();
  });
});
