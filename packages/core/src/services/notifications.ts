import type { Prisma, Tx } from '@herald/db';

export interface NotificationInput {
  organizationId: string;
  /** Null: everyone in the organization. */
  userId?: string | null;
  kind:
    | 'publish_failed'
    | 'publish_unconfirmed'
    | 'account_needs_action'
    | 'account_expiring'
    | 'publish_deferred'
    /** Platform staff only: a configured platform API version nears (or passed) its sunset. */
    | 'api_version_sunset'
    /** Reviews (services/review.ts): to approvers, and to a post's author. */
    | 'review_requested'
    | 'post_approved'
    | 'post_changes_requested';
  title: string;
  body: string;
  data?: Prisma.InputJsonObject;
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
  return id;
}
