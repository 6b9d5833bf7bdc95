// The publish hot path as three statements (claim, save progress, settle as published), each
// one round trip in autocommit: at hundreds of publishes a second, Prisma's per-query cost
// and a 15-statement, two-transaction publish were most of the worker's CPU (issue 6 item 8).
// Anything unusual (not due, reconciling, an account that needs a person, a settle that finds
// the row changed) is left to the services' ordinary Prisma path. The allowed from-statuses
// come from the domain's state machine, passed in: the SQL never decides a transition itself.
import type { SocialAccountStatus, TargetStatus } from './generated/prisma/enums.ts';

/**
 * A pg.Pool, a pg.Client, or Prisma through `prismaQueryable`. Statements are named, so pg
 * prepares each once per connection and Postgres does not plan the CTEs again every time.
 */
export interface Queryable {
  query<Row>(statement: {
    name: string;
    text: string;
    values: unknown[];
  }): Promise<{ rows: Row[] }>;
}

export interface ClaimedTarget {
  targetId: string;
  organizationId: string;
  postId: string;
  attemptId: string;
  attemptCount: number;
  latenessMs: number;
  providerState: unknown;
  scheduledTimezone: string;
  caption: string;
  accountId: string;
  platform: string;
  accountHandle: string;
  accountExternalId: string;
  accessTokenEncrypted: string;
  /** Whether the target publishes any media (its own list, or the post's). */
  hasMedia: boolean;
  /** The target's per-platform settings as stored (JSON; `{}` for the platform's defaults). */
  settings: unknown;
}

export interface ClaimRules {
  /** The status a target starts from, and the one it moves to ('start'). */
  from: TargetStatus;
  to: TargetStatus;
  /** Account statuses Herald may publish with. */
  usableAccountStatuses: readonly SocialAccountStatus[];
  /** A job may run this much before the target's due time. */
  earlyToleranceMs: number;
}

/**
 * Locks the target and, when it is due, `rules.from`, and its account usable with a live
 * token, starts an attempt in the same statement. Null when it did not start (the caller
 * looks closer, the slow way).
 */
export async function claimDueTarget(
  sql: Queryable,
  targetId: string,
  now: Date,
  rules: ClaimRules,
): Promise<ClaimedTarget | null> {
  const { rows } = await sql.query<ClaimedTarget>({
    name: 'herald_claim_due_target',
    text: `WITH target AS (
       SELECT t.id, t.social_account_id, coalesce(t.next_attempt_at, t.scheduled_for) AS due_at
       FROM post_targets t
       WHERE t.id = $1::uuid AND t.status = $3::target_status
       FOR UPDATE),
     eligible AS (
       SELECT target.id, target.due_at FROM target
       JOIN social_accounts a ON a.id = target.social_account_id
       WHERE target.due_at <= $2::timestamptz + make_interval(secs => $6::int / 1000.0)
         AND a.status::text = ANY(string_to_array($5, ','))
         AND (a.token_expires_at IS NULL OR a.token_expires_at > $2::timestamptz)),
     started AS (
       UPDATE post_targets t
       SET status = $4::target_status, attempt_count = t.attempt_count + 1,
           next_attempt_at = NULL, updated_at = $2::timestamptz
       FROM eligible WHERE t.id = eligible.id
       RETURNING t.*, eligible.due_at),
     attempt AS (
       INSERT INTO publish_attempts (organization_id, target_id, attempt_number, started_at,
                                     lateness_ms)
       SELECT s.organization_id, s.id,
              coalesce((SELECT max(p.attempt_number) FROM publish_attempts p
                        WHERE p.target_id = s.id), 0) + 1,
              $2::timestamptz,
              greatest(0, floor(extract(epoch FROM ($2::timestamptz - s.due_at)) * 1000))::int
       FROM started s
       RETURNING id, lateness_ms)
     SELECT s.id::text AS "targetId", s.organization_id::text AS "organizationId",
            s.post_id::text AS "postId", attempt.id::text AS "attemptId",
            s.attempt_count AS "attemptCount", attempt.lateness_ms AS "latenessMs",
            s.provider_state AS "providerState", s.scheduled_timezone AS "scheduledTimezone",
            coalesce(s.caption, p.caption) AS caption, a.id::text AS "accountId",
            a.platform::text AS platform, a.handle AS "accountHandle",
            a.external_id AS "accountExternalId",
            a.access_token_encrypted AS "accessTokenEncrypted",
            CASE WHEN s.own_media
                 THEN EXISTS (SELECT 1 FROM target_media tm WHERE tm.target_id = s.id)
                 ELSE EXISTS (SELECT 1 FROM post_media pm WHERE pm.post_id = s.post_id)
            END AS "hasMedia",
            s.settings
     FROM started s
     JOIN attempt ON true
     JOIN posts p ON p.id = s.post_id
     JOIN social_accounts a ON a.id = s.social_account_id`,
    values: [
      targetId,
      now,
      rules.from,
      rules.to,
      rules.usableAccountStatuses.join(','),
      rules.earlyToleranceMs,
    ],
  });
  return rows[0] ?? null;
}

/** Stores an adapter's progress while this attempt still owns the target; false otherwise. */
export async function saveTargetProgress(
  sql: Queryable,
  input: { targetId: string; status: TargetStatus; attemptCount: number; progress: unknown },
): Promise<boolean> {
  const { rows } = await sql.query<{ id: string }>({
    name: 'herald_save_target_progress',
    text: `UPDATE post_targets SET provider_state = $4::jsonb
     WHERE id = $1::uuid AND status = $2::target_status AND attempt_count = $3
     RETURNING id::text`,
    values: [input.targetId, input.status, input.attemptCount, JSON.stringify(input.progress)],
  });
  return rows.length === 1;
}

export interface PublishedSettle {
  targetId: string;
  attemptId: string;
  attemptCount: number;
  /** Statuses the domain lets `succeed` leave from; `to` the one it arrives at. */
  from: readonly TargetStatus[];
  to: TargetStatus;
  externalId: string;
  url: string;
  now: Date;
  /** The activity record written with it (action `target.published`). */
  activity: Record<string, unknown>;
}

/**
 * Records the attempt's success and, while the target is still this attempt's and in a
 * `from` status, moves it to `to` with an activity record. False when the target had moved
 * on (the attempt row is written either way: the platform did publish).
 */
export async function settleTargetPublished(sql: Queryable, s: PublishedSettle): Promise<boolean> {
  const { rows } = await sql.query<{ moved: number }>({
    name: 'herald_settle_target_published',
    text: `WITH attempt AS (
       UPDATE publish_attempts SET outcome = 'succeeded', external_id = $4, finished_at = $6
       WHERE id = $2::uuid RETURNING id),
     moved AS (
       UPDATE post_targets
       SET status = $8::target_status, external_id = $4, external_url = $5,
           published_at = $6, next_attempt_at = NULL, last_error = NULL, updated_at = $6
       WHERE id = $1::uuid AND attempt_count = $3
         AND status::text = ANY(string_to_array($7, ','))
       RETURNING id, organization_id),
     activity AS (
       INSERT INTO activity_events (organization_id, action, subject_type, subject_id, data)
       SELECT organization_id, 'target.published', 'post_target', id, $9::jsonb FROM moved
       RETURNING id)
     SELECT (SELECT count(*) FROM moved)::int AS moved, (SELECT count(*) FROM attempt)::int`,
    values: [
      s.targetId,
      s.attemptId,
      s.attemptCount,
      s.externalId,
      s.url,
      s.now,
      s.from.join(','),
      s.to,
      JSON.stringify(s.activity),
    ],
  });
  return rows[0]?.moved === 1;
}
