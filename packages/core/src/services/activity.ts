import { Prisma, type Db, type Tx } from '@herald/db';
import { describeActivity } from '../domain/activity.ts';
import { clientScope, requirePermission, type Actor } from './actor.ts';
import { NotFoundError } from './errors.ts';

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

export interface ActivityView {
  id: string;
  action: string;
  /** What happened, as a sentence fragment ("rescheduled a post"). */
  summary: string;
  createdAt: Date;
  /** Who did it; null: Herald itself (the publishing worker, the nightly checks). */
  actorName: string | null;
  subjectType: string;
  subjectId: string;
  clientId: string | null;
  clientName: string | null;
  postId: string | null;
  accountId: string | null;
  /** The account's handle, when the event is about an account or a post on one. */
  accountHandle: string | null;
  /** The page it is about, or null. */
  link: string | null;
}

export const ACTIVITY_MAX_PAGE_SIZE = 100;

interface ActivityRow {
  id: string;
  action: string;
  created_at: Date;
  actor_name: string | null;
  subject_type: string;
  subject_id: string;
  client_id: string | null;
  client_name: string | null;
  post_id: string | null;
  account_id: string | null;
  account_handle: string | null;
}

/**
 * The agency's activity, or one client's, newest first: each event joined to the post, the
 * account and the client it is about, all inside the actor's organization.
 */
export async function listActivity(
  db: Db,
  actor: Actor,
  options: { clientId?: string; page?: number; pageSize?: number } = {},
): Promise<{ items: ActivityView[]; total: number; page: number; pageSize: number }> {
  requirePermission(actor, 'posts:read');
  const pageSize = Math.min(Math.max(options.pageSize ?? 25, 1), ACTIVITY_MAX_PAGE_SIZE);
  const page = Math.max(options.page ?? 1, 1);
  const clientId = options.clientId ?? null;
  if (clientId) {
    const client = await db.client.findFirst({
      where: clientScope(actor, clientId),
      select: { id: true },
    });
    if (!client) throw new NotFoundError('Client');
  }
  // A member limited to some clients sees only what happened to those clients' rows.
  const limitedTo = actor.clientIds ? [...actor.clientIds] : null;
  // The subject's post (a post, or a target's post), account (an account, or a target's, or
  // the one named in the data) and client (from whichever of those is known).
  const base = (select: Prisma.Sql) => Prisma.sql`
    WITH e AS (
      SELECT e.*,
        coalesce(p.id, tp.id) AS post_id,
        coalesce(sa.id, ta.id, da.id) AS account_id,
        coalesce(p.client_id, tp.client_id, sa.client_id, ta.client_id, da.client_id, m.client_id) AS client_id,
        coalesce(sa.handle, ta.handle, da.handle) AS account_handle
      FROM activity_events e
      LEFT JOIN posts p ON e.subject_type = 'post' AND p.id = e.subject_id
        AND p.organization_id = e.organization_id
      LEFT JOIN post_targets t ON e.subject_type = 'post_target' AND t.id = e.subject_id
      LEFT JOIN posts tp ON tp.id = t.post_id AND tp.organization_id = e.organization_id
      LEFT JOIN social_accounts ta ON ta.id = t.social_account_id
        AND ta.organization_id = e.organization_id
      LEFT JOIN social_accounts sa ON e.subject_type = 'social_account' AND sa.id = e.subject_id
        AND sa.organization_id = e.organization_id
      LEFT JOIN social_accounts da ON e.subject_type NOT IN ('social_account', 'post_target')
        AND da.organization_id = e.organization_id
        AND da.id::text = e.data->>'accountId'
      LEFT JOIN media_assets m ON e.subject_type = 'media_asset' AND m.id = e.subject_id
        AND m.organization_id = e.organization_id
      WHERE e.organization_id = ${actor.organizationId}::uuid
    )
    ${select}
    FROM e
    LEFT JOIN users u ON u.id = e.actor_user_id
    LEFT JOIN clients c ON c.id = e.client_id AND c.organization_id = ${actor.organizationId}::uuid
    WHERE (${clientId}::uuid IS NULL OR e.client_id = ${clientId}::uuid)
      AND (${limitedTo === null}::boolean OR e.client_id = ANY(${limitedTo ?? []}::uuid[]))`;
  const [rows, counted] = await Promise.all([
    db.$queryRaw<ActivityRow[]>(
      Prisma.sql`${base(Prisma.sql`SELECT e.id::text, e.action, e.created_at, u.name AS actor_name,
        e.subject_type, e.subject_id::text, e.client_id::text, c.name AS client_name,
        e.post_id::text, e.account_id::text, e.account_handle`)}
        ORDER BY e.created_at DESC, e.id DESC
        LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`,
    ),
    db.$queryRaw<{ n: number }[]>(base(Prisma.sql`SELECT count(*)::int AS n`)),
  ]);
  return {
    items: rows.map((row) => ({
      id: row.id,
      action: row.action,
      summary: describeActivity(row.action),
      createdAt: row.created_at,
      actorName: row.actor_name,
      subjectType: row.subject_type,
      subjectId: row.subject_id,
      clientId: row.client_id,
      clientName: row.client_name,
      postId: row.post_id,
      accountId: row.account_id,
      accountHandle: row.account_handle,
      link: row.post_id
        ? `/posts/${row.post_id}`
        : row.account_id && row.client_id
          ? `/clients/${row.client_id}/accounts`
          : row.client_id
            ? `/clients/${row.client_id}`
            : null,
    })),
    total: counted[0]?.n ?? 0,
    page,
    pageSize,
  };
}
