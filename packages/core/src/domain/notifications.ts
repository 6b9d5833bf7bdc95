// What each kind of notification is, whether Herald emails it and whether a member gets that
// email unless they say otherwise; where a notification leads (ADR 0040).

export const NOTIFICATION_KINDS = [
  'publish_failed',
  'publish_unconfirmed',
  'account_needs_action',
  'account_expiring',
  'publish_deferred',
  /** Platform staff only: a configured platform API version nears (or passed) its sunset. */
  'api_version_sunset',
  /** Reviews (services/review.ts): to approvers, and to a post's author. */
  'review_requested',
  'post_approved',
  'post_changes_requested',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** The kinds Herald emails (to the roles that can act on them); the rest show in the app only. */
export const EMAILED_NOTIFICATION_KINDS = [
  'account_needs_action',
  'account_expiring',
] as const satisfies readonly NotificationKind[];
export type EmailedNotificationKind = (typeof EMAILED_NOTIFICATION_KINDS)[number];

export function isEmailedNotificationKind(kind: string): kind is EmailedNotificationKind {
  return (EMAILED_NOTIFICATION_KINDS as readonly string[]).includes(kind);
}

export interface NotificationKindInfo {
  label: string;
  description: string;
  /** Herald sends an email of this kind (to the roles that can act on it). */
  emailed: boolean;
  /** A member who never chose gets the email. */
  emailByDefault: boolean;
}

export const NOTIFICATION_KIND_INFO: Record<NotificationKind, NotificationKindInfo> = {
  publish_failed: {
    label: 'A post failed',
    description: 'A post could not be published, after its retries.',
    emailed: false,
    emailByDefault: true,
  },
  publish_unconfirmed: {
    label: 'A post needs checking',
    description: 'Herald could not confirm whether a post went out.',
    emailed: false,
    emailByDefault: true,
  },
  account_needs_action: {
    label: 'An account needs reconnecting',
    description: 'A social account stopped working; its posts wait until it is reconnected.',
    emailed: true,
    emailByDefault: true,
  },
  account_expiring: {
    label: 'An account is about to expire',
    description: 'A social account’s access ends soon unless someone reconnects it.',
    emailed: true,
    emailByDefault: true,
  },
  publish_deferred: {
    label: 'A post waits for a platform limit',
    description: 'A platform’s posting limit was reached; the post goes out later by itself.',
    emailed: false,
    emailByDefault: false,
  },
  api_version_sunset: {
    label: 'A platform API version ends soon',
    description: 'Platform staff only: a configured API version nears its end.',
    emailed: false,
    emailByDefault: true,
  },
  review_requested: {
    label: 'A post awaits your approval',
    description: 'Someone submitted a post for review.',
    emailed: false,
    emailByDefault: true,
  },
  post_approved: {
    label: 'Your post was approved',
    description: 'A post you wrote was approved and can be scheduled.',
    emailed: false,
    emailByDefault: true,
  },
  post_changes_requested: {
    label: 'Changes were requested',
    description: 'A reviewer asked for changes to a post you wrote.',
    emailed: false,
    emailByDefault: true,
  },
};

export function isNotificationKind(kind: string): kind is NotificationKind {
  return (NOTIFICATION_KINDS as readonly string[]).includes(kind);
}

/** Whether a member gets emails of `kind`: their choice, else the kind's default. */
export function wantsEmail(kind: string, choice: boolean | undefined): boolean {
  if (choice !== undefined) return choice;
  return isNotificationKind(kind) ? NOTIFICATION_KIND_INFO[kind].emailByDefault : true;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const idIn = (data: Record<string, unknown>, key: string): string | undefined => {
  const value = data[key];
  return typeof value === 'string' && UUID.test(value) ? value : undefined;
};

/**
 * The page a notification leads to, from its data: the post, else the client's accounts when it
 * is about an account, else the client. `clientId` may be passed when the data names only an
 * account (the service looks the account's client up). Null when it names nothing.
 */
export function notificationLink(data: unknown, accountClientId?: string): string | null {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return null;
  const fields = data as Record<string, unknown>;
  const postId = idIn(fields, 'postId');
  if (postId) return `/posts/${postId}`;
  const clientId = idIn(fields, 'clientId') ?? accountClientId;
  if (idIn(fields, 'accountId') && clientId) return `/clients/${clientId}/accounts`;
  if (clientId) return `/clients/${clientId}`;
  return null;
}
