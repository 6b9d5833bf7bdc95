// Engagement snapshots of published targets (docs/decisions/0034). A cron sweep
// (schedule_metrics, every five minutes) queues one fetch_metrics job per target and age once
// the age is reached; the job asks the platform's adapter and stores the numbers, once. A
// platform that refuses for good (the post is gone, the permission is not grantable) or keeps
// failing for METRIC_FETCH_ATTEMPTS tries gets an `error` snapshot instead, so nobody asks again
// for that age. The account is never marked from here: token health does that. Reads are
// organization-scoped, for the dashboard.
import {
  decryptSecret,
  enqueueDueMetricFetches,
  type Db,
  type MetricSnapshotModel,
  type Queryable,
  type TokenKeyring,
} from '@herald/db';
import { z } from 'zod';
import {
  METRIC_BUCKET_TIMES,
  METRIC_BUCKETS,
  METRIC_FETCH_ATTEMPTS,
  type MetricBucket,
} from '../domain/metric-buckets.ts';
import { PLATFORMS, type Platform } from '../domain/platforms.ts';
import { PublishError } from '../providers/errors.ts';
import type { EngagementMetrics, PlatformAdapter } from '../providers/types.ts';
import { clientRowScope, requirePermission, targetScope, type Actor } from './actor.ts';
import { NotFoundError } from './errors.ts';
import { prismaQueryable } from './publishing/fast-path.ts';

export const SCHEDULE_METRICS_TASK = 'schedule_metrics';
export const FETCH_METRICS_TASK = 'fetch_metrics';

export const FetchMetricsPayload = z.object({
  targetId: z.uuid(),
  bucket: z.enum(METRIC_BUCKETS),
});

export interface MetricsDeps {
  db: Db;
  /** The worker's pg pool for the sweep's one statement; Prisma's when absent. */
  sql?: Queryable;
  adapterFor: (platform: Platform) => PlatformAdapter;
  tokenKey: TokenKeyring;
  now?: () => Date;
}

/** The most fetches one sweep queues; the next sweep (minutes later) takes the rest. */
const SWEEP_LIMIT = 2_000;

/** The platforms whose adapters can report engagement; the others are never asked. */
export function platformsWithMetrics(adapterFor: MetricsDeps['adapterFor']): Platform[] {
  return PLATFORMS.filter((platform) => {
    try {
      return typeof adapterFor(platform).fetchMetrics === 'function';
    } catch {
      return false; // no adapter for it here
    }
  });
}

/** The schedule_metrics sweep: queues a fetch for every snapshot now due. */
export async function scheduleDueMetrics(deps: MetricsDeps): Promise<{ enqueued: number }> {
  const now = (deps.now ?? (() => new Date()))();
  const enqueued = await enqueueDueMetricFetches(deps.sql ?? prismaQueryable(deps.db), {
    now,
    publishedStatus: 'published',
    platforms: platformsWithMetrics(deps.adapterFor),
    buckets: METRIC_BUCKETS.map((name) => ({ name, ...METRIC_BUCKET_TIMES[name] })),
    task: FETCH_METRICS_TASK,
    maxAttempts: METRIC_FETCH_ATTEMPTS,
    limit: SWEEP_LIMIT,
  });
  return { enqueued };
}

export type FetchMetricsResult =
  | { outcome: 'taken'; metrics: EngagementMetrics }
  | { outcome: 'gave_up'; error: string }
  | { outcome: 'skipped'; reason: 'missing' | 'not_published' | 'already_taken' | 'no_metrics' };

/**
 * One snapshot: asks the platform and stores what it says, once. Throws (so the queue tries
 * again) when the platform may answer later and this is not the last try; on the last, or when
 * the platform refuses for good, stores why instead.
 */
export async function fetchMetricsSnapshot(
  deps: MetricsDeps,
  payload: { targetId: string; bucket: MetricBucket },
  options: { finalAttempt: boolean; signal?: AbortSignal },
): Promise<FetchMetricsResult> {
  const now = deps.now ?? (() => new Date());
  const target = await deps.db.postTarget.findUnique({
    where: { id: payload.targetId },
    select: {
      id: true,
      organizationId: true,
      status: true,
      externalId: true,
      externalUrl: true,
      socialAccount: {
        select: { platform: true, externalId: true, accessTokenEncrypted: true },
      },
    },
  });
  if (!target) return { outcome: 'skipped', reason: 'missing' };
  if (target.status !== 'published' || !target.externalId) {
    return { outcome: 'skipped', reason: 'not_published' };
  }
  const taken = await deps.db.metricSnapshot.findUnique({
    where: { targetId_bucket: { targetId: target.id, bucket: payload.bucket } },
    select: { id: true },
  });
  if (taken) return { outcome: 'skipped', reason: 'already_taken' };
  let adapter: PlatformAdapter;
  try {
    adapter = deps.adapterFor(target.socialAccount.platform);
  } catch {
    return { outcome: 'skipped', reason: 'no_metrics' };
  }
  if (!adapter.fetchMetrics) return { outcome: 'skipped', reason: 'no_metrics' };

  const row = {
    organizationId: target.organizationId,
    targetId: target.id,
    bucket: payload.bucket,
  };
  let metrics: EngagementMetrics;
  try {
    metrics = await adapter.fetchMetrics({
      account: {
        externalId: target.socialAccount.externalId,
        accessToken: decryptSecret(target.socialAccount.accessTokenEncrypted, deps.tokenKey),
      },
      post: { externalId: target.externalId, url: target.externalUrl ?? '' },
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    // Anything but a platform's answer is ours to fix: let the queue keep the failure.
    if (!(error instanceof PublishError)) throw error;
    if (error.kind !== 'permanent' && !options.finalAttempt) throw error;
    await deps.db.metricSnapshot.createMany({
      data: [{ ...row, takenAt: now(), error: error.message }],
      skipDuplicates: true,
    });
    return { outcome: 'gave_up', error: error.message };
  }
  // A second run of the same job (a crash before the queue heard) finds the row and adds none.
  await deps.db.metricSnapshot.createMany({
    data: [{ ...row, takenAt: now(), ...metrics }],
    skipDuplicates: true,
  });
  return { outcome: 'taken', metrics };
}

/** One snapshot as the dashboard shows it. */
export interface SnapshotView {
  bucket: MetricBucket;
  takenAt: Date;
  likes: number | null;
  comments: number | null;
  shares: number | null;
  impressions: number | null;
  views: number | null;
  /** Why this age has no numbers; null when it has. */
  error: string | null;
}

export interface TargetMetricsView {
  targetId: string;
  platform: Platform;
  accountHandle: string;
  publishedAt: Date | null;
  url: string | null;
  /** Every age, in order; null until its snapshot is taken (or when it never will be). */
  snapshots: Record<MetricBucket, SnapshotView | null>;
}

const targetSelect = {
  id: true,
  publishedAt: true,
  externalUrl: true,
  socialAccount: { select: { platform: true, handle: true } },
  metrics: {
    select: {
      bucket: true,
      takenAt: true,
      likes: true,
      comments: true,
      shares: true,
      impressions: true,
      views: true,
      error: true,
    },
  },
} as const;

function toTargetView(target: {
  id: string;
  publishedAt: Date | null;
  externalUrl: string | null;
  socialAccount: { platform: Platform; handle: string };
  metrics: Omit<MetricSnapshotModel, 'id' | 'organizationId' | 'targetId'>[];
}): TargetMetricsView {
  const snapshots = Object.fromEntries(METRIC_BUCKETS.map((b) => [b, null])) as Record<
    MetricBucket,
    SnapshotView | null
  >;
  for (const snapshot of target.metrics) {
    const bucket = METRIC_BUCKETS.find((b) => b === snapshot.bucket);
    if (bucket) snapshots[bucket] = { ...snapshot, bucket };
  }
  return {
    targetId: target.id,
    platform: target.socialAccount.platform,
    accountHandle: target.socialAccount.handle,
    publishedAt: target.publishedAt,
    url: target.externalUrl,
    snapshots,
  };
}

/** A target's snapshots, in the actor's organization. */
export async function metricsForTarget(
  db: Db,
  actor: Actor,
  targetId: string,
): Promise<TargetMetricsView> {
  requirePermission(actor, 'posts:read');
  const target = await db.postTarget.findFirst({
    where: { id: targetId, ...targetScope(actor) },
    select: {
      ...targetSelect,
      metrics: { ...targetSelect.metrics, where: { organizationId: actor.organizationId } },
    },
  });
  if (!target) throw new NotFoundError('Post');
  return toTargetView(target);
}

/** Every account's snapshots of one post (or `only` that target's), in the actor's organization. */
export async function metricsForPost(
  db: Db,
  actor: Actor,
  postId: string,
  options: { only?: string } = {},
): Promise<{ postId: string; targets: TargetMetricsView[] }> {
  requirePermission(actor, 'posts:read');
  const post = await db.post.findFirst({
    where: { id: postId, ...clientRowScope(actor) },
    select: {
      id: true,
      targets: {
        where: {
          organizationId: actor.organizationId,
          ...(options.only ? { id: options.only } : {}),
        },
        orderBy: { createdAt: 'asc' },
        select: {
          ...targetSelect,
          metrics: { ...targetSelect.metrics, where: { organizationId: actor.organizationId } },
        },
      },
    },
  });
  // A target of another post is as unknown as one of another organization.
  if (!post || (options.only && post.targets.length === 0)) throw new NotFoundError('Post');
  return { postId: post.id, targets: post.targets.map(toTargetView) };
}
