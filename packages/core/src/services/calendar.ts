// The calendar: one entry per target (a post on one account) in a time range, for one client
// or every client of the organization, and the calendar's drag-to-reschedule.
import type { Db, Prisma } from '@herald/db';
import { captionExcerpt } from '../domain/caption-excerpt.ts';
import type { Platform } from '../domain/platforms.ts';
import type { TargetStatus } from '../domain/target-status.ts';
import { canTarget } from '../domain/target-status.ts';
import { zonedDay } from '../domain/zoned-time.ts';
import {
  clientRowScope,
  clientScope,
  requirePermission,
  targetScope,
  type Actor,
} from './actor.ts';
import { InvalidInputError, NotFoundError } from './errors.ts';
import { reschedulePost } from './posts.ts';
import { accountQuotaForecast } from './quotas.ts';

/** A month view shows six weeks; the list view a little more. Longer asks are refused. */
export const CALENDAR_MAX_RANGE_DAYS = 62;

export interface CalendarQuery {
  from: Date;
  to: Date;
  /** One client; none means every client of the organization. */
  clientId?: string;
  platforms?: Platform[];
  accountIds?: string[];
  statuses?: TargetStatus[];
}

export interface CalendarEntry {
  postId: string;
  targetId: string;
  client: { id: string; name: string; timezone: string };
  account: { id: string; platform: Platform; handle: string };
  captionExcerpt: string;
  status: TargetStatus;
  scheduledFor: Date;
  publishedAt: Date | null;
  /** Where the entry sits: when it was published, else when it is (or was) due. */
  at: Date;
}

/**
 * Targets whose scheduled time falls in [from, to), oldest first. Scoped to the actor's
 * organization; a client or account of another organization is "not found".
 */
export async function listCalendarEntries(
  db: Db,
  actor: Actor,
  query: CalendarQuery,
): Promise<CalendarEntry[]> {
  requirePermission(actor, 'posts:read');
  if (query.clientId) {
    const client = await db.client.findFirst({
      where: clientScope(actor, query.clientId),
      select: { id: true },
    });
    if (!client) throw new NotFoundError('Client');
  }
  const span = query.to.getTime() - query.from.getTime();
  if (span < 0) throw new InvalidInputError('The calendar range must end after it starts.');
  if (span === 0) return [];
  if (span > CALENDAR_MAX_RANGE_DAYS * 86_400_000) {
    throw new InvalidInputError(
      `The calendar shows at most ${CALENDAR_MAX_RANGE_DAYS} days at a time. Pick a shorter range.`,
    );
  }
  const where: Prisma.PostTargetWhereInput = {
    // A member limited to some clients sees only theirs.
    ...targetScope(actor),
    scheduledFor: { gte: query.from, lt: query.to },
    ...(query.statuses?.length ? { status: { in: query.statuses } } : {}),
    ...(query.clientId ? { post: { clientId: query.clientId } } : {}),
    ...(query.accountIds?.length || query.platforms?.length
      ? {
          socialAccount: {
            ...(query.accountIds?.length ? { id: { in: query.accountIds } } : {}),
            ...(query.platforms?.length ? { platform: { in: query.platforms } } : {}),
          },
        }
      : {}),
  };
  const rows = await db.postTarget.findMany({
    where,
    orderBy: [{ scheduledFor: 'asc' }, { id: 'asc' }],
    select: {
      id: true,
      postId: true,
      status: true,
      caption: true,
      scheduledFor: true,
      publishedAt: true,
      post: {
        select: {
          caption: true,
          client: { select: { id: true, name: true, timezone: true } },
        },
      },
      socialAccount: { select: { id: true, platform: true, handle: true } },
    },
  });
  return rows.map((row) => ({
    postId: row.postId,
    targetId: row.id,
    client: row.post.client,
    account: row.socialAccount,
    captionExcerpt: captionExcerpt(row.caption ?? row.post.caption),
    status: row.status,
    scheduledFor: row.scheduledFor,
    publishedAt: row.publishedAt,
    at: row.status === 'published' && row.publishedAt ? row.publishedAt : row.scheduledFor,
  }));
}

/**
 * A calendar drop: the post moves to `scheduledFor` (reschedulePost: the targets and their
 * queued jobs, in one transaction), unless an account it goes to has no room left that day
 * in its platform's quota — then nothing moves and the reason says which account.
 * The quota forecast is advice read before the move; the engine checks again at publish time.
 */
export async function rescheduleFromCalendar(
  db: Db,
  actor: Actor,
  input: { postId: string; scheduledFor: Date },
  now = new Date(),
) {
  requirePermission(actor, 'posts:write');
  const post = await db.post.findFirst({
    where: { id: input.postId, ...clientRowScope(actor) },
    select: {
      client: { select: { timezone: true } },
      targets: {
        select: {
          status: true,
          scheduledFor: true,
          socialAccount: { select: { id: true, handle: true } },
        },
      },
    },
  });
  if (!post) throw new NotFoundError('Post');
  const timeZone = post.client.timezone;
  const day = zonedDay(input.scheduledFor, timeZone);
  for (const target of post.targets) {
    if (!canTarget(target.status, 'reschedule')) continue;
    // Moving within its own day takes no extra room.
    if (zonedDay(target.scheduledFor, timeZone) === day) continue;
    const forecast = await accountQuotaForecast(
      db,
      actor,
      { accountId: target.socialAccount.id, day, timeZone },
      now,
    );
    if (forecast.remaining !== null && forecast.remaining <= 0) {
      throw new InvalidInputError(
        `${target.socialAccount.handle} has no room left on ${day} (${forecast.limits.join(', ')}). Pick another day.`,
      );
    }
  }
  return reschedulePost(db, actor, input, now);
}
