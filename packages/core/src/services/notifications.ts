// Notifications: written inside the transaction of what caused them, announced on commit by
// pg_notify (ids only), and read per member: a notification with no user is the whole
// organization's, and each member reads it for themselves (notification_reads; ADR 0040).
import type { Db, Prisma, Tx } from '@herald/db';
import {
  NOTIFICATION_KIND_INFO,
  NOTIFICATION_KINDS,
  notificationLink,
  wantsEmail,
  type NotificationKind,
} from '../domain/notifications.ts';
import type { Actor } from './actor.ts';
import { InvalidInputError, NotFoundError } from './errors.ts';

export interface NotificationInput {
  organizationId: string;
  /** Null: everyone in the organization. */
  userId?: string | null;
  kind: NotificationKind;
  title: string;
  body: string;
  data?: Prisma.InputJsonObject;
}

/** The Postgres channel a new notification is announced on, at commit. */
export const NOTIFICATION_CHANNEL = 'herald_notification';

/** What the announcement carries: ids only, never content (listeners re-read with their scope). */
export interface NotificationAnnouncement {
  id: string;
  organizationId: string;
  userId: string | null;
}

/** Tells people something needs them, inside the caller's transaction. Returns its id. */
export async function notify(tx: Tx, input: NotificationInput): Promise<string> {
  const { id } = await tx.notification.create({
    data: {
      organizationId: input.organizationId,
      userId: input.userId ?? null,
      kind: input.kind,
      title: input.title,
      body: input.body,
      data: input.data ?? {},
    },
    select: { id: true },
  });
  const announcement: NotificationAnnouncement = {
    id,
    organizationId: input.organizationId,
    userId: input.userId ?? null,
  };
  // Delivered when (and only if) the caller's transaction commits.
  await tx.$executeRaw`SELECT pg_notify(${NOTIFICATION_CHANNEL}, ${JSON.stringify(announcement)})`;
  return id;
}

export interface NotificationView {
  id: string;
  kind: string;
  title: string;
  body: string;
  createdAt: Date;
  read: boolean;
  /** The page it leads to, or null. */
  link: string | null;
}

type Reader = Pick<Db, 'member' | 'notification' | 'socialAccount'>;

/**
 * What the member sees: their own notifications, and their organization's since they joined
 * (a new member does not inherit years of unread alerts).
 */
async function visibleTo(db: Reader, actor: Actor): Promise<Prisma.NotificationWhereInput> {
  const member = await db.member.findUnique({
    where: {
      organizationId_userId: { organizationId: actor.organizationId, userId: actor.userId },
    },
    select: { createdAt: true },
  });
  if (!member) return { id: { in: [] } };
  return {
    organizationId: actor.organizationId,
    OR: [{ userId: actor.userId }, { userId: null, createdAt: { gte: member.createdAt } }],
  };
}

async function toViews(
  db: Reader,
  actor: Actor,
  rows: {
    id: string;
    kind: string;
    title: string;
    body: string;
    data: Prisma.JsonValue;
    createdAt: Date;
    reads: unknown[];
  }[],
): Promise<NotificationView[]> {
  // Data naming an account but not its client: the client is looked up, in this organization.
  const accountIds = rows
    .map(({ data }) => (data && typeof data === 'object' && !Array.isArray(data) ? data : {}))
    .filter((data) => !('clientId' in data) && typeof data.accountId === 'string')
    .map((data) => data.accountId as string);
  const accounts =
    accountIds.length === 0
      ? []
      : await db.socialAccount.findMany({
          where: { organizationId: actor.organizationId, id: { in: accountIds } },
          select: { id: true, clientId: true },
        });
  const clientOf = new Map(accounts.map(({ id, clientId }) => [id, clientId]));
  return rows.map((row) => {
    const data = row.data as Record<string, unknown> | null;
    const accountId = typeof data?.accountId === 'string' ? data.accountId : undefined;
    return {
      id: row.id,
      kind: row.kind,
      title: row.title,
      body: row.body,
      createdAt: row.createdAt,
      read: row.reads.length > 0,
      link: notificationLink(row.data, accountId ? clientOf.get(accountId) : undefined),
    };
  });
}

const viewSelect = (userId: string) =>
  ({
    id: true,
    kind: true,
    title: true,
    body: true,
    data: true,
    createdAt: true,
    reads: { where: { userId }, select: { readAt: true } },
  }) satisfies Prisma.NotificationSelect;

export const NOTIFICATIONS_MAX_PAGE_SIZE = 50;

export interface NotificationPage {
  items: NotificationView[];
  total: number;
  unread: number;
  page: number;
  pageSize: number;
}

/** One page of the member's notifications, newest first, with how many are unread. */
export async function listNotifications(
  db: Db,
  actor: Actor,
  options: { page?: number; pageSize?: number; unreadOnly?: boolean } = {},
): Promise<NotificationPage> {
  const pageSize = Math.min(Math.max(options.pageSize ?? 20, 1), NOTIFICATIONS_MAX_PAGE_SIZE);
  const page = Math.max(options.page ?? 1, 1);
  const visible = await visibleTo(db, actor);
  const unreadWhere = { AND: [visible, { reads: { none: { userId: actor.userId } } }] };
  const where = options.unreadOnly ? unreadWhere : visible;
  const [rows, total, unread] = await Promise.all([
    db.notification.findMany({
      where,
      select: viewSelect(actor.userId),
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      skip: (page - 1) * pageSize,
      take: pageSize,
    }),
    db.notification.count({ where }),
    db.notification.count({ where: unreadWhere }),
  ]);
  return { items: await toViews(db, actor, rows), total, unread, page, pageSize };
}

/** How many of the member's notifications they have not read. */
export async function countUnreadNotifications(db: Db, actor: Actor): Promise<number> {
  const visible = await visibleTo(db, actor);
  return db.notification.count({
    where: { AND: [visible, { reads: { none: { userId: actor.userId } } }] },
  });
}

/** One notification, if the member may see it (how a live listener re-reads an announcement). */
export async function getNotification(
  db: Db,
  actor: Actor,
  notificationId: string,
): Promise<NotificationView | null> {
  const visible = await visibleTo(db, actor);
  const row = await db.notification.findFirst({
    where: { AND: [visible, { id: notificationId }] },
    select: viewSelect(actor.userId),
  });
  return row ? ((await toViews(db, actor, [row]))[0] ?? null) : null;
}

/** Marks one notification read for this member. Reading it twice is fine. */
export async function markNotificationRead(
  db: Db,
  actor: Actor,
  notificationId: string,
  now = new Date(),
): Promise<void> {
  const visible = await visibleTo(db, actor);
  const found = await db.notification.findFirst({
    where: { AND: [visible, { id: notificationId }] },
    select: { id: true },
  });
  if (!found) throw new NotFoundError('Notification');
  await db.notificationRead.createMany({
    data: [{ notificationId, userId: actor.userId, readAt: now }],
    skipDuplicates: true,
  });
}

/** Marks everything the member can see, up to now, read. Returns how many were newly read. */
export async function markAllNotificationsRead(
  db: Db,
  actor: Actor,
  now = new Date(),
): Promise<number> {
  const visible = await visibleTo(db, actor);
  const unread = await db.notification.findMany({
    where: {
      AND: [visible, { createdAt: { lte: now } }, { reads: { none: { userId: actor.userId } } }],
    },
    select: { id: true },
  });
  if (unread.length === 0) return 0;
  const { count } = await db.notificationRead.createMany({
    data: unread.map(({ id }) => ({ notificationId: id, userId: actor.userId, readAt: now })),
    skipDuplicates: true,
  });
  return count;
}

export interface NotificationPreferenceView {
  kind: NotificationKind;
  label: string;
  description: string;
  /** Herald emails this kind at all; when false, `email` has no effect. */
  emailed: boolean;
  email: boolean;
}

/** The member's email choice for every kind (their choice, else the kind's default). */
export async function getNotificationPreferences(
  db: Db,
  actor: Actor,
): Promise<NotificationPreferenceView[]> {
  const rows = await db.notificationPreference.findMany({
    where: { organizationId: actor.organizationId, userId: actor.userId },
    select: { kind: true, email: true },
  });
  const chosen = new Map(rows.map(({ kind, email }) => [kind, email]));
  return NOTIFICATION_KINDS.map((kind) => ({
    kind,
    ...NOTIFICATION_KIND_INFO[kind],
    email: wantsEmail(kind, chosen.get(kind)),
  }));
}

/** Turns one kind's emails on or off for this member, in this organization. */
export async function setNotificationPreference(
  db: Db,
  actor: Actor,
  input: { kind: string; email: boolean },
  now = new Date(),
): Promise<NotificationPreferenceView[]> {
  const info = (
    NOTIFICATION_KIND_INFO as Record<string, (typeof NOTIFICATION_KIND_INFO)[NotificationKind]>
  )[input.kind];
  if (!info) throw new InvalidInputError(`“${input.kind}” is not a kind of notification.`);
  if (!info.emailed) {
    throw new InvalidInputError(`Herald does not email “${info.label}”: it shows in the app only.`);
  }
  const key = { organizationId: actor.organizationId, userId: actor.userId, kind: input.kind };
  await db.notificationPreference.upsert({
    where: { organizationId_userId_kind: key },
    create: { ...key, email: input.email, updatedAt: now },
    update: { email: input.email, updatedAt: now },
  });
  return getNotificationPreferences(db, actor);
}

/** Whether this member wants the email of this kind (the email job asks, at send time). */
export async function memberWantsEmail(
  db: Pick<Db, 'notificationPreference'>,
  input: { organizationId: string; userId: string; kind: string },
): Promise<boolean> {
  const row = await db.notificationPreference.findUnique({
    where: { organizationId_userId_kind: input },
    select: { email: true },
  });
  return wantsEmail(input.kind, row?.email);
}
