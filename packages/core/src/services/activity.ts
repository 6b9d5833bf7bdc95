import type { Prisma, Tx } from '@herald/db';

export interface ActivityInput {
  organizationId: string;
  actorUserId: string | null;
  action: string;
  subjectType:
    | 'post'
    | 'post_target'
    | 'social_account'
    | 'user'
    | 'media_asset'
    | 'organization'
    | 'member'
    | 'invitation'
    | 'client';
  subjectId: string;
  data?: Prisma.InputJsonObject;
}

/** Appends to the activity feed / audit trail, inside the caller's transaction. */
export async function recordActivity(tx: Tx, input: ActivityInput): Promise<void> {
  await tx.activityEvent.create({ data: { ...input, data: input.data ?? {} } });
}
