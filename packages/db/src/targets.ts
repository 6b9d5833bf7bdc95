// Row locks on post targets, which Prisma cannot express. Each runs inside the caller's
// transaction and holds the lock until it commits.
import type { Platform, TargetStatus } from './generated/prisma/enums.ts';
import type { TransactionClient } from './generated/prisma/internal/prismaNamespace.ts';

export interface LockedTarget {
  id: string;
  status: TargetStatus;
  scheduledFor: Date;
  nextAttemptAt: Date | null;
}

/** Locks one target (a worker about to claim it); null when it does not exist. */
export async function lockTarget(
  tx: TransactionClient,
  targetId: string,
): Promise<LockedTarget | null> {
  const [row] = await tx.$queryRaw<
    { id: string; status: TargetStatus; scheduled_for: Date; next_attempt_at: Date | null }[]
  >`
    SELECT id::text, status::text, scheduled_for, next_attempt_at FROM post_targets
    WHERE id = ${targetId}::uuid FOR UPDATE`;
  return row
    ? {
        id: row.id,
        status: row.status,
        scheduledFor: row.scheduled_for,
        nextAttemptAt: row.next_attempt_at,
      }
    : null;
}

export interface LockedPostTarget {
  id: string;
  status: TargetStatus;
  platform: Platform;
  handle: string;
  /** The target's per-platform settings (JSON, as stored). */
  settings: unknown;
  /** The post's client, whose library the target's media and thumbnail come from. */
  clientId: string;
}

/** Locks every target of the organization's post, in id order (so lockers never deadlock). */
export function lockPostTargets(
  tx: TransactionClient,
  where: { postId: string; organizationId: string },
): Promise<LockedPostTarget[]> {
  return tx.$queryRaw<LockedPostTarget[]>`
    SELECT t.id::text, t.status::text, a.platform::text, a.handle, t.settings,
           p.client_id::text AS "clientId"
    FROM post_targets t
    JOIN social_accounts a ON a.id = t.social_account_id
    JOIN posts p ON p.id = t.post_id
    WHERE t.post_id = ${where.postId}::uuid AND t.organization_id = ${where.organizationId}::uuid
    ORDER BY t.id FOR UPDATE OF t`;
}
