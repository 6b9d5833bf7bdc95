// Emailing a notification to the people who should act on it. The jobs are queued in the
// transaction that writes the notification (one per recipient), so an email exists exactly
// when its notification does and a mail server that is down gets retried by the queue, not
// lost; the in-app notification stands on its own meanwhile.
import { addJob, type Db, type MemberRole, type Tx } from '@herald/db';
import { z } from 'zod';
import { renderNotificationEmail } from '../mail/render.ts';
import type { Mailer, MailOutcome } from '../mail/mailer.ts';
import { memberWantsEmail } from './notifications.ts';

export const SEND_NOTIFICATION_EMAIL_TASK = 'send_notification_email';

export const NotificationEmailPayload = z.object({ notificationId: z.uuid(), userId: z.uuid() });
export type NotificationEmailPayload = z.infer<typeof NotificationEmailPayload>;

/** Who hears by email about an organization's accounts: the people who can reconnect them. */
export const ACCOUNT_EMAIL_ROLES: readonly MemberRole[] = ['owner', 'admin'];

/** A mail server that is down gets this many tries (Graphile's backoff: about half an hour). */
export const NOTIFICATION_EMAIL_ATTEMPTS = 6;

/**
 * Queues one email of the notification to each member with one of `roles`, in the caller's
 * transaction. Returns how many were queued.
 */
export async function emailNotification(
  tx: Tx,
  input: {
    notificationId: string;
    organizationId: string;
    roles: readonly MemberRole[];
    now: Date;
  },
): Promise<number> {
  const members = await tx.member.findMany({
    where: { organizationId: input.organizationId, role: { in: [...input.roles] } },
    select: { userId: true },
    orderBy: { createdAt: 'asc' },
  });
  for (const { userId } of members) {
    const payload: NotificationEmailPayload = { notificationId: input.notificationId, userId };
    await addJob(tx, {
      identifier: SEND_NOTIFICATION_EMAIL_TASK,
      payload,
      runAt: input.now,
      jobKey: `notification-email:${input.notificationId}:${userId}`,
      maxAttempts: NOTIFICATION_EMAIL_ATTEMPTS,
    });
  }
  return members.length;
}

export interface NotificationEmailDeps {
  db: Db;
  mailer: Mailer;
}

export type NotificationEmailResult =
  | MailOutcome
  /** The notification or the membership is gone (deleted, or the person left): nothing sent. */
  | { status: 'no_recipient' }
  /** The member turned this kind's emails off (notification_preferences): nothing sent. */
  | { status: 'muted' };

/** The link a notification asks people to follow, when it has an absolute one. */
function actionOf(data: unknown): { label: string; url: string } | undefined {
  if (!data || typeof data !== 'object' || !('reconnectUrl' in data)) return undefined;
  const url = data.reconnectUrl;
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) return undefined;
  return { label: 'Reconnect the account', url };
}

/**
 * Sends one queued notification email. A failure to send throws (the queue retries); the
 * recipient and their email preference for the kind are checked again now, scoped to the
 * notification's organization.
 */
export async function sendNotificationEmail(
  deps: NotificationEmailDeps,
  payload: NotificationEmailPayload,
  signal?: AbortSignal,
): Promise<NotificationEmailResult> {
  const notification = await deps.db.notification.findUnique({
    where: { id: payload.notificationId },
    include: { organization: { select: { name: true } } },
  });
  if (!notification) return { status: 'no_recipient' };
  const member = await deps.db.member.findFirst({
    where: { organizationId: notification.organizationId, userId: payload.userId },
    include: { user: { select: { email: true, name: true } } },
  });
  if (!member) return { status: 'no_recipient' };
  // Asked at send time, so turning a kind off stops emails already queued too.
  const wanted = await memberWantsEmail(deps.db, {
    organizationId: notification.organizationId,
    userId: payload.userId,
    kind: notification.kind,
  });
  if (!wanted) return { status: 'muted' };
  const action = actionOf(notification.data);
  const email = renderNotificationEmail({
    title: notification.title,
    body: notification.body,
    ...(action ? { action } : {}),
    recipientName: member.user.name,
    organizationName: notification.organization.name,
  });
  return deps.mailer.send({ to: member.user.email, ...email }, signal);
}
