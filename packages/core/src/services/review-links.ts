// Letting a client review one post without an account (docs/decisions/0039): a member who may
// approve creates a link valid for N days; the token is random and only its SHA-256 is stored,
// so the database alone cannot open a review. The public side sees that one post's caption,
// media, platforms and time, and approves or asks for changes under a name it gives. Public
// decisions are rate-limited per address and per link (rate-limiter-flexible, table rate_limits).
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '@herald/db';
import { RateLimiterPrisma, RateLimiterRes } from 'rate-limiter-flexible';
import type { Platform } from '../domain/platforms.ts';
import type { ReviewStatus } from '../domain/review-status.ts';
import type { MediaStorage } from '../storage/index.ts';
import { clientRowScope, requirePermission, type Actor } from './actor.ts';
import { recordActivity } from './activity.ts';
import { ConflictError, InvalidInputError, NotFoundError } from './errors.ts';
import { decideAsExternalReviewer, mediaPreviews } from './review.ts';

export const REVIEW_LINK_DEFAULT_DAYS = 7;
export const REVIEW_LINK_MAX_DAYS = 90;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Decisions per client address, and per link, in ten minutes. */
export const REVIEW_LINK_THROTTLE = { points: 10, durationSeconds: 600 } as const;

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export type ReviewLinkState = 'active' | 'expired' | 'revoked';

function stateOf(link: { expiresAt: Date; revokedAt: Date | null }, now: Date): ReviewLinkState {
  if (link.revokedAt) return 'revoked';
  return link.expiresAt <= now ? 'expired' : 'active';
}

/** A new link to the post; the token is returned once, here, and never stored. */
export async function createReviewLink(
  db: Db,
  actor: Actor,
  input: { postId: string; days?: number },
  now = new Date(),
) {
  requirePermission(actor, 'posts:approve');
  const days = input.days ?? REVIEW_LINK_DEFAULT_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > REVIEW_LINK_MAX_DAYS) {
    throw new InvalidInputError(
      `A review link is valid for 1 to ${REVIEW_LINK_MAX_DAYS} whole days.`,
    );
  }
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + days * DAY_MS);
  const link = await db.$transaction(async (tx) => {
    const post = await tx.post.findFirst({
      where: { id: input.postId, ...clientRowScope(actor) },
      select: { id: true },
    });
    if (!post) throw new NotFoundError('Post');
    const created = await tx.postReviewLink.create({
      data: {
        organizationId: actor.organizationId,
        postId: post.id,
        tokenHash: hashToken(token),
        createdById: actor.userId,
        expiresAt,
      },
      select: { id: true },
    });
    await recordActivity(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: 'post.review_link.created',
      subjectType: 'post',
      subjectId: post.id,
      data: { linkId: created.id, expiresAt: expiresAt.toISOString() },
    });
    return created;
  });
  return { id: link.id, token, expiresAt };
}

/** The post's links, newest first, with their state (never their tokens). */
export async function listReviewLinks(db: Db, actor: Actor, postId: string, now = new Date()) {
  requirePermission(actor, 'posts:approve');
  const visible = await db.post.count({ where: { id: postId, ...clientRowScope(actor) } });
  if (visible === 0) throw new NotFoundError('Post');
  const links = await db.postReviewLink.findMany({
    where: { organizationId: actor.organizationId, postId },
    orderBy: { createdAt: 'desc' },
    select: {
      id: true,
      createdAt: true,
      expiresAt: true,
      revokedAt: true,
      createdBy: { select: { name: true } },
    },
  });
  return links.map(({ createdBy, ...link }) => ({
    ...link,
    createdBy: createdBy?.name ?? null,
    state: stateOf(link, now),
  }));
}

/** Stops a link working at once. */
export async function revokeReviewLink(
  db: Db,
  actor: Actor,
  input: { linkId: string },
  now = new Date(),
) {
  requirePermission(actor, 'posts:approve');
  return db.$transaction(async (tx) => {
    const link = await tx.postReviewLink.findFirst({
      where: {
        id: input.linkId,
        organizationId: actor.organizationId,
        post: clientRowScope(actor),
      },
      select: { id: true, postId: true, revokedAt: true },
    });
    if (!link) throw new NotFoundError('Review link');
    if (link.revokedAt) throw new ConflictError('This review link has already been revoked.');
    await tx.postReviewLink.update({ where: { id: link.id }, data: { revokedAt: now } });
    await recordActivity(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: 'post.review_link.revoked',
      subjectType: 'post',
      subjectId: link.postId,
      data: { linkId: link.id },
    });
    return { postId: link.postId };
  });
}

export type OpenedReviewLink =
  | { state: 'unknown' | 'expired' | 'revoked' }
  | {
      state: 'active';
      expiresAt: Date;
      post: {
        caption: string;
        reviewStatus: ReviewStatus;
        timezone: string;
        media: { id: string; name: string; kind: string; thumbnailUrl: string | null }[];
        targets: { platform: Platform; scheduledFor: Date }[];
      };
    };

async function findLink(db: Db, token: string) {
  if (token.length === 0 || token.length > 200) return null;
  return db.postReviewLink.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { id: true, organizationId: true, postId: true, expiresAt: true, revokedAt: true },
  });
}

/**
 * What the person holding the link may see: the post's caption, media, platforms and time,
 * and nothing else of the organization (no names, handles, other posts or comments).
 */
export async function openReviewLink(
  db: Db,
  storage: MediaStorage | null,
  token: string,
  now = new Date(),
): Promise<OpenedReviewLink> {
  const link = await findLink(db, token);
  if (!link) return { state: 'unknown' };
  const state = stateOf(link, now);
  if (state !== 'active') return { state };
  const post = await db.post.findFirst({
    where: { id: link.postId, organizationId: link.organizationId },
    select: {
      caption: true,
      reviewStatus: true,
      client: { select: { timezone: true } },
      targets: {
        orderBy: { createdAt: 'asc' },
        where: { status: { not: 'cancelled' } },
        select: { scheduledFor: true, socialAccount: { select: { platform: true } } },
      },
    },
  });
  if (!post) return { state: 'unknown' };
  const media = await mediaPreviews(db, storage, {
    organizationId: link.organizationId,
    postId: link.postId,
  });
  return {
    state: 'active',
    expiresAt: link.expiresAt,
    post: {
      caption: post.caption,
      reviewStatus: post.reviewStatus,
      timezone: post.client.timezone,
      media,
      targets: post.targets.map((t) => ({
        platform: t.socialAccount.platform,
        scheduledFor: t.scheduledFor,
      })),
    },
  };
}

const limiters = new WeakMap<Db, RateLimiterPrisma>();

function limiterFor(db: Db): RateLimiterPrisma {
  let limiter = limiters.get(db);
  if (!limiter) {
    limiter = new RateLimiterPrisma({
      storeClient: db,
      tableName: 'rateLimit',
      keyPrefix: 'review_link',
      points: REVIEW_LINK_THROTTLE.points,
      duration: REVIEW_LINK_THROTTLE.durationSeconds,
    });
    limiters.set(db, limiter);
  }
  return limiter;
}

export type ReviewLinkDecision =
  | { outcome: 'decided'; reviewStatus: ReviewStatus }
  | { outcome: 'unavailable'; state: 'unknown' | 'expired' | 'revoked' }
  | { outcome: 'throttled'; retryAfterSeconds: number; message: string };

/**
 * Approves the link's post, or asks for changes, for someone without an account. Refused (and
 * nothing stored) when the link is unknown, expired or revoked, or when the post is not
 * waiting for review. Throttled per client address and per link.
 */
export async function decideThroughReviewLink(
  db: Db,
  input: {
    token: string;
    name: string;
    decision: 'approve' | 'request_changes';
    comment: string;
    /** Who is asking, as far as the server can tell (the web app's clientAddress). */
    clientKey: string;
  },
  now = new Date(),
): Promise<ReviewLinkDecision> {
  const limiter = limiterFor(db);
  try {
    await Promise.all([
      limiter.consume(`address:${input.clientKey}`),
      limiter.consume(`link:${hashToken(input.token)}`),
    ]);
  } catch (error) {
    if (!(error instanceof RateLimiterRes)) throw error;
    const retryAfterSeconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
    return {
      outcome: 'throttled',
      retryAfterSeconds,
      message: `Too many answers from here. Try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s).`,
    };
  }
  const name = input.name.trim();
  const comment = input.comment.trim();
  if (name.length === 0)
    throw new InvalidInputError('Give your name, so the team knows who answered.');
  if (name.length > 200)
    throw new InvalidInputError('Your name is too long: keep it under 200 characters.');
  if (comment.length > 5_000) {
    throw new InvalidInputError('The comment is too long: keep it under 5,000 characters.');
  }
  if (input.decision === 'request_changes' && comment.length === 0) {
    throw new InvalidInputError('Say what should change, so the team can fix it.');
  }
  const link = await findLink(db, input.token);
  if (!link) return { outcome: 'unavailable', state: 'unknown' };
  const state = stateOf(link, now);
  if (state !== 'active') return { outcome: 'unavailable', state };
  await db.$transaction((tx) =>
    decideAsExternalReviewer(
      tx,
      {
        organizationId: link.organizationId,
        postId: link.postId,
        name,
        decision: input.decision,
        comment,
      },
      now,
    ),
  );
  return {
    outcome: 'decided',
    reviewStatus: input.decision === 'approve' ? 'approved' : 'changes_requested',
  };
}
