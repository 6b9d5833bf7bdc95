// Notifications as members read them, on real Postgres: a member's own plus their
// organization's (since they joined), read state per member, deep links, paging, scoping,
// email preferences honoured by the email job.
import {
  createAgency,
  createTestDatabase,
  type AgencyFixture,
  type TestDatabase,
} from '@herald/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mailer, MailMessage } from '../mail/mailer.ts';
import { actorOf } from '../testing.ts';
import type { Actor } from './actor.ts';
import { sendNotificationEmail } from './notification-emails.ts';
import {
  countUnreadNotifications,
  getNotification,
  getNotificationPreferences,
  listNotifications,
  markAllNotificationsRead,
  markNotificationRead,
  notify,
  setNotificationPreference,
  type NotificationInput,
} from './notifications.ts';

describe('notifications, per member', () => {
  let t: TestDatabase;
  let agency: AgencyFixture;
  let other: AgencyFixture;
  let owner: Actor;
  let colleague: Actor;
  const at = (ms: number) => new Date(Date.UTC(2026, 11, 1) + ms);

  beforeAll(async () => {
    t = await createTestDatabase();
    agency = await createAgency(t.db);
    other = await createAgency(t.db);
    owner = actorOf(agency);
    const user = await t.db.user.create({
      data: { email: `editor-${agency.email}`, name: 'Ed', passwordHash: 'x' },
    });
    await t.db.member.create({
      data: {
        organizationId: agency.organizationId,
        userId: user.id,
        role: 'editor',
        createdAt: at(0),
      },
    });
    colleague = { userId: user.id, organizationId: agency.organizationId, role: 'editor' };
    // Both joined before anything happened.
    await t.db.member.updateMany({ where: { userId: agency.userId }, data: { createdAt: at(0) } });
  });
  afterAll(async () => {
    await t?.drop();
  });

  async function make(input: Partial<NotificationInput> & { at: Date }) {
    const id = await t.db.$transaction((tx) =>
      notify(tx, {
        organizationId: agency.organizationId,
        kind: 'publish_failed',
        title: 'Something',
        body: 'Body',
        ...input,
      }),
    );
    await t.db.notification.update({ where: { id }, data: { createdAt: input.at } });
    return id;
  }

  it('shows org-wide and own ones, reads per member, links, pages and stays in its organization', async () => {
    const postId = crypto.randomUUID();
    const account = agency.accounts[0]!;
    const failed = await make({ at: at(1000), data: { postId, targetId: crypto.randomUUID() } });
    const reconnect = await make({
      at: at(2000),
      kind: 'account_needs_action',
      data: { accountId: account.id },
    });
    const mine = await make({
      at: at(3000),
      userId: agency.userId,
      kind: 'api_version_sunset',
      data: { clientId: agency.clientId },
    });
    // Another organization's, and one from before the colleague... the colleague joined at 0.
    await t.db.$transaction((tx) =>
      notify(tx, {
        organizationId: other.organizationId,
        kind: 'publish_failed',
        title: 'Not yours',
        body: 'x',
      }),
    );

    const ownerPage = await listNotifications(t.db, owner);
    expect(ownerPage.items.map((n) => n.id)).toEqual([mine, reconnect, failed]);
    expect(ownerPage.unread).toBe(3);
    expect(ownerPage.items.map((n) => n.link)).toEqual([
      `/clients/${agency.clientId}`,
      `/clients/${agency.clientId}/accounts`,
      `/posts/${postId}`,
    ]);
    const colleaguePage = await listNotifications(t.db, colleague);
    expect(colleaguePage.items.map((n) => n.id)).toEqual([reconnect, failed]);

    // Reading an org-wide one is the reader's alone.
    await markNotificationRead(t.db, colleague, failed);
    await markNotificationRead(t.db, colleague, failed);
    expect(await countUnreadNotifications(t.db, colleague)).toBe(1);
    expect(await countUnreadNotifications(t.db, owner)).toBe(3);
    expect((await getNotification(t.db, colleague, failed))?.read).toBe(true);
    expect((await getNotification(t.db, owner, failed))?.read).toBe(false);

    // Another member's own, and another organization's, are not found.
    await expect(markNotificationRead(t.db, colleague, mine)).rejects.toThrow('not found');
    expect(await getNotification(t.db, colleague, mine)).toBeNull();
    expect(await getNotification(t.db, actorOf(other), failed)).toBeNull();
    expect((await listNotifications(t.db, actorOf(other))).items.map((n) => n.title)).toEqual([
      'Not yours',
    ]);

    // Paging, and unread only.
    const second = await listNotifications(t.db, owner, { page: 2, pageSize: 2 });
    expect(second).toMatchObject({ total: 3, page: 2, pageSize: 2 });
    expect(second.items.map((n) => n.id)).toEqual([failed]);
    expect(
      (await listNotifications(t.db, colleague, { unreadOnly: true })).items.map((n) => n.id),
    ).toEqual([reconnect]);

    expect(await markAllNotificationsRead(t.db, owner)).toBe(3);
    expect(await countUnreadNotifications(t.db, owner)).toBe(0);
    expect(await countUnreadNotifications(t.db, colleague)).toBe(1);
  });

  it('does not hand a new member the organization’s old notifications', async () => {
    await make({ at: at(5000), title: 'Before you came' });
    const user = await t.db.user.create({
      data: { email: `late-${agency.email}`, name: 'Late', passwordHash: 'x' },
    });
    await t.db.member.create({
      data: {
        organizationId: agency.organizationId,
        userId: user.id,
        role: 'viewer',
        createdAt: at(6000),
      },
    });
    const late: Actor = { userId: user.id, organizationId: agency.organizationId, role: 'viewer' };
    await make({ at: at(7000), title: 'After' });
    expect((await listNotifications(t.db, late)).items.map((n) => n.title)).toEqual(['After']);
  });

  it('keeps email choices per member and kind, and the email job honours them', async () => {
    const defaults = await getNotificationPreferences(t.db, colleague);
    expect(defaults.find((p) => p.kind === 'account_expiring')).toMatchObject({
      emailed: true,
      email: true,
    });
    expect(defaults.find((p) => p.kind === 'publish_deferred')?.email).toBe(false);
    await expect(
      setNotificationPreference(t.db, colleague, { kind: 'publish_deferred', email: true }),
    ).rejects.toThrow('in the app only');
    await expect(
      setNotificationPreference(t.db, colleague, { kind: 'nonsense', email: true }),
    ).rejects.toThrow('not a kind of notification');

    const after = await setNotificationPreference(t.db, colleague, {
      kind: 'account_expiring',
      email: false,
    });
    expect(after.find((p) => p.kind === 'account_expiring')?.email).toBe(false);
    // The owner's choice is untouched.
    expect(
      (await getNotificationPreferences(t.db, owner)).find((p) => p.kind === 'account_expiring')
        ?.email,
    ).toBe(true);

    const sent: MailMessage[] = [];
    const mailer: Mailer = {
      configured: true,
      send: (message) => {
        sent.push(message);
        return Promise.resolve({ status: 'sent', messageId: String(sent.length) });
      },
      close: () => {},
    };
    const expiring = await make({
      at: at(8000),
      kind: 'account_expiring',
      title: 'Expiring soon',
    });
    const muted = await sendNotificationEmail(
      { db: t.db, mailer },
      { notificationId: expiring, userId: colleague.userId },
    );
    expect(muted).toEqual({ status: 'muted' });
    expect(sent).toEqual([]);
    const delivered = await sendNotificationEmail(
      { db: t.db, mailer },
      { notificationId: expiring, userId: owner.userId },
    );
    expect(delivered.status).toBe('sent');
    expect(sent.map((m) => m.to)).toEqual([agency.email]);

    // Turned back on, the colleague gets it.
    await setNotificationPreference(t.db, colleague, { kind: 'account_expiring', email: true });
    expect(
      (
        await sendNotificationEmail(
          { db: t.db, mailer },
          { notificationId: expiring, userId: colleague.userId },
        )
      ).status,
    ).toBe('sent');
  });
});
