// Platform quotas against the database: what counts for an account (docs/decisions/0020),
// the check the engine makes before a platform call, and the forecast the scheduling
// features read ("how many more can this account take on day D").
import type { Db, Tx } from '@herald/db';
import type { Platform } from '../domain/platforms.ts';
import {
  PLATFORM_QUOTAS,
  quotaDecision,
  quotaForecastForDay,
  type QuotaDecision,
  type ReportedUsage,
} from '../domain/quotas.ts';
import { isValidTimeZone, nextDay, startOfZonedDay } from '../domain/zoned-time.ts';
import { clientRowScope, type Actor } from './actor.ts';
import { InvalidInputError, NotFoundError } from './errors.ts';

/** Every window Herald models is at most a day long (a calendar day may be 25 hours). */
const LOOKBACK_MS = 26 * 3_600_000;

/**
 * Attempts that reached, or may have reached, the platform count: succeeded, still in
 * progress, or ambiguous. Failures the platform refused (or that never left) do not.
 */
async function countedPublishes(
  db: Db | Tx,
  accountId: string,
  since: Date,
  exceptAttemptId?: string,
): Promise<Date[]> {
  const attempts = await db.publishAttempt.findMany({
    where: {
      target: { socialAccountId: accountId },
      outcome: { in: ['succeeded', 'in_progress', 'ambiguous'] },
      startedAt: { gt: since },
      ...(exceptAttemptId ? { id: { not: exceptAttemptId } } : {}),
    },
    select: { startedAt: true },
  });
  return attempts.map((a) => a.startedAt);
}

/** Whether the account may publish one more now (the attempt being made excluded). */
export async function quotaCheck(
  db: Db | Tx,
  input: {
    accountId: string;
    platform: Platform;
    accountHandle: string;
    now: Date;
    exceptAttemptId?: string;
    /** What the platform says it counts, when its adapter could ask. */
    reported?: ReportedUsage | null;
  },
): Promise<QuotaDecision> {
  if (PLATFORM_QUOTAS[input.platform].length === 0 && !input.reported) return { allowed: true };
  const since = new Date(input.now.getTime() - LOOKBACK_MS);
  const counted = await countedPublishes(db, input.accountId, since, input.exceptAttemptId);
  const { reported, ...rest } = input;
  return quotaDecision({ ...rest, counted, ...(reported ? { reported } : {}) });
}

export interface QuotaForecast {
  day: string;
  timeZone: string;
  /** Null when Herald knows no cap for the platform. */
  remaining: number | null;
  /** The caps that apply, as people read them. */
  limits: string[];
}

/** How many more posts the account can take on local day `day` of its client's timezone. */
export async function accountQuotaForecast(
  db: Db,
  actor: Actor,
  input: { accountId: string; day: string; timeZone?: string },
  now: Date = new Date(),
): Promise<QuotaForecast> {
  const account = await db.socialAccount.findFirst({
    where: { id: input.accountId, ...clientRowScope(actor) },
    include: { client: { select: { timezone: true } } },
  });
  if (!account) throw new NotFoundError('Account');
  const timeZone = input.timeZone ?? account.client.timezone;
  if (!isValidTimeZone(timeZone)) throw new InvalidInputError(`Unknown timezone "${timeZone}".`);
  const start = startOfZonedDay(input.day, timeZone);
  const end = startOfZonedDay(nextDay(input.day), timeZone);
  const counted = await countedPublishes(db, account.id, new Date(start.getTime() - LOOKBACK_MS));
  const scheduled = await db.postTarget.findMany({
    where: {
      organizationId: actor.organizationId,
      socialAccountId: account.id,
      status: { in: ['scheduled', 'waiting_for_account'] },
      scheduledFor: {
        gt: new Date(start.getTime() - LOOKBACK_MS),
        lt: new Date(end.getTime() + LOOKBACK_MS),
      },
    },
    select: { scheduledFor: true, nextAttemptAt: true },
  });
  return {
    day: input.day,
    timeZone,
    remaining: quotaForecastForDay({
      platform: account.platform,
      day: input.day,
      timeZone,
      counted,
      scheduled: scheduled.map((t) => t.nextAttemptAt ?? t.scheduledFor),
      now,
    }),
    limits: PLATFORM_QUOTAS[account.platform].map((w) => w.label),
  };
}
