// Reviewing posts before they go out (docs/decisions/0039). A post's review status is its own
// state machine (domain/review-status.ts), beside its targets' publishing status; every write
// is guarded in SQL by the status it was read in, recorded in activity_events (who, when,
// from → to) and told to the people concerned through notify.
import { removeJob, type Db, type Prisma, type Tx } from '@herald/db';
import { MEMBER_ROLES, roleAllows } from '../domain/permissions.ts';
import {
  APPROVAL_REQUIRED_MESSAGE,
  nextReviewStatus,
  reviewRefusal,
  type ReviewEvent,
  type ReviewStatus,
} from '../domain/review-status.ts';
import { canTarget } from '../domain/target-status.ts';
import { clientRowScope, clientScope, requirePermission, type Actor } from './actor.ts';
import { recordActivity } from './activity.ts';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from './errors.ts';
import { notify } from './notifications.ts';
import { publishJobKey } from './publish-job.ts';
import { moveTarget } from './target-transitions.ts';
import type { MediaStorage } from '../storage/index.ts';
import { MEDIA_URL_TTL } from './media/deps.ts';

/** Who moved a review: a member, or someone without an account on a review link. */
export type Reviewer = { userId: string } | { externalName: string };

interface ReviewPost {
  id: string;
  organizationId: string;
  clientId: string;
  caption: string;
  createdById: string | null;
  reviewStatus: ReviewStatus;
  client: { name: string; requiresApproval: boolean };
}

const reviewPostSelect = {
  id: true,
  organizationId: true,
  caption: true,
  createdById: true,
  reviewStatus: true,
  clientId: true,
  client: { select: { name: true, requiresApproval: true } },
} as const;

/**
 * The post, for a review change; NotFound for another organization's or, for a member limited
 * to some clients, another client's (`scope`: clientRowScope, or just the organization).
 */
async function findReviewPost(
  db: Db | Tx,
  scope: { organizationId: string; clientId?: { in: string[] } },
  postId: string,
) {
  const post = await db.post.findFirst({
    where: { id: postId, ...scope },
    select: reviewPostSelect,
  });
  if (!post) throw new NotFoundError('Post');
  return post satisfies ReviewPost;
}

const excerpt = (caption: string) => (caption.length > 60 ? `${caption.slice(0, 57)}…` : caption);

/**
 * The organization's members who may approve posts of `clientId` (but not `except`, who
 * acted): a member limited to other clients never hears of this client's posts.
 */
async function approverIds(
  tx: Tx,
  organizationId: string,
  clientId: string,
  except: string | null,
) {
  const roles = MEMBER_ROLES.filter((role) => roleAllows(role, 'posts:approve'));
  const members = await tx.member.findMany({
    where: {
      organizationId,
      role: { in: [...roles] },
      OR: [{ limitedToClients: false }, { clients: { some: { clientId } } }],
    },
    select: { userId: true },
  });
  return members.map((m) => m.userId).filter((id) => id !== except);
}

/**
 * Moves the post's review by `event` from the status it was read in; a concurrent change
 * (someone else approved meanwhile) makes it refuse instead of overwriting.
 */
async function moveReview(
  tx: Tx,
  post: ReviewPost,
  event: ReviewEvent,
  reviewer: Reviewer,
  now: Date,
  extra: Prisma.InputJsonObject = {},
): Promise<ReviewStatus> {
  const to = nextReviewStatus(post.reviewStatus, event);
  if (!to) throw new ConflictError(reviewRefusal(post.reviewStatus, event));
  const userId = 'userId' in reviewer ? reviewer.userId : null;
  const externalName = 'externalName' in reviewer ? reviewer.externalName : null;
  const { count } = await tx.post.updateMany({
    where: { id: post.id, organizationId: post.organizationId, reviewStatus: post.reviewStatus },
    data: {
      reviewStatus: to,
      ...(to === 'approved'
        ? { approvedById: userId, approvedByName: externalName, approvedAt: now }
        : { approvedById: null, approvedByName: null, approvedAt: null }),
      ...(to === 'in_review' ? { submittedAt: now } : {}),
    },
  });
  if (count !== 1) {
    throw new ConflictError(
      'This post changed while you were looking at it. Reload it and try again.',
    );
  }
  await recordActivity(tx, {
    organizationId: post.organizationId,
    actorUserId: userId,
    action: `post.review.${event}`,
    subjectType: 'post',
    subjectId: post.id,
    data: {
      from: post.reviewStatus,
      to,
      ...(externalName ? { reviewer: externalName, via: 'review_link' } : {}),
      ...extra,
    },
  });
  return to;
}

/** Tells the post's author (unless the author did it) what the reviewer decided. */
async function notifyAuthor(
  tx: Tx,
  post: ReviewPost,
  reviewer: Reviewer,
  decision: 'approved' | 'changes_requested',
  comment: string | null,
) {
  if (!post.createdById || ('userId' in reviewer && reviewer.userId === post.createdById)) return;
  const who = 'externalName' in reviewer ? `${reviewer.externalName} (review link)` : 'A reviewer';
  await notify(tx, {
    organizationId: post.organizationId,
    userId: post.createdById,
    kind: decision === 'approved' ? 'post_approved' : 'post_changes_requested',
    title:
      decision === 'approved'
        ? `Approved: ${excerpt(post.caption)}`
        : `Changes requested: ${excerpt(post.caption)}`,
    body:
      decision === 'approved'
        ? `${who} approved your post for ${post.client.name}.`
        : `${who} asked for changes to your post for ${post.client.name}: ${comment ?? ''}`.trim(),
    data: { postId: post.id },
  });
}

async function notifyApprovers(tx: Tx, post: ReviewPost, actorUserId: string | null, why: string) {
  for (const userId of await approverIds(tx, post.organizationId, post.clientId, actorUserId)) {
    await notify(tx, {
      organizationId: post.organizationId,
      userId,
      kind: 'review_requested',
      title: `To review: ${excerpt(post.caption)}`,
      body: `${why} (${post.client.name}).`,
      data: { postId: post.id },
    });
  }
}

/** Asks the organization's approvers to look at the post. */
export async function submitForReview(
  db: Db,
  actor: Actor,
  input: { postId: string },
  now = new Date(),
) {
  requirePermission(actor, 'posts:write');
  await db.$transaction(async (tx) => {
    const post = await findReviewPost(tx, clientRowScope(actor), input.postId);
    await moveReview(tx, post, 'submit', { userId: actor.userId }, now);
    await notifyApprovers(tx, post, actor.userId, 'A post was submitted for review');
  });
  return reviewOf(db, actor, input.postId);
}

/** Approves a post waiting for review. */
export async function approvePost(
  db: Db,
  actor: Actor,
  input: { postId: string },
  now = new Date(),
) {
  requirePermission(actor, 'posts:approve');
  await db.$transaction(async (tx) => {
    const post = await findReviewPost(tx, clientRowScope(actor), input.postId);
    await moveReview(tx, post, 'approve', { userId: actor.userId }, now);
    await notifyAuthor(tx, post, { userId: actor.userId }, 'approved', null);
  });
  return reviewOf(db, actor, input.postId);
}

function checkedComment(body: string, what = 'comment'): string {
  const trimmed = body.trim();
  if (trimmed.length === 0) throw new InvalidInputError(`Write a ${what}.`);
  if (trimmed.length > 5_000) {
    throw new InvalidInputError(`The ${what} is too long: keep it under 5,000 characters.`);
  }
  return trimmed;
}

/** Sends the post back to its author with a comment saying what should change. */
export async function requestChanges(
  db: Db,
  actor: Actor,
  input: { postId: string; comment: string },
  now = new Date(),
) {
  requirePermission(actor, 'posts:approve');
  const body = checkedComment(input.comment, 'comment saying what should change');
  await db.$transaction(async (tx) => {
    const post = await findReviewPost(tx, clientRowScope(actor), input.postId);
    await moveReview(tx, post, 'request_changes', { userId: actor.userId }, now);
    await tx.postComment.create({
      data: {
        organizationId: post.organizationId,
        postId: post.id,
        authorUserId: actor.userId,
        body,
      },
    });
    await notifyAuthor(tx, post, { userId: actor.userId }, 'changes_requested', body);
  });
  return reviewOf(db, actor, input.postId);
}

/**
 * Decides a review for someone without an account (the review link has already proven which
 * post, and organization, this is). Internal to review-links.ts.
 */
export async function decideAsExternalReviewer(
  tx: Tx,
  input: {
    organizationId: string;
    postId: string;
    name: string;
    decision: 'approve' | 'request_changes';
    comment: string;
  },
  now: Date,
) {
  const post = await findReviewPost(tx, { organizationId: input.organizationId }, input.postId);
  const reviewer = { externalName: input.name };
  await moveReview(tx, post, input.decision, reviewer, now);
  if (input.comment) {
    await tx.postComment.create({
      data: {
        organizationId: post.organizationId,
        postId: post.id,
        authorName: input.name,
        body: input.comment,
      },
    });
  }
  await notifyAuthor(
    tx,
    post,
    reviewer,
    input.decision === 'approve' ? 'approved' : 'changes_requested',
    input.comment || null,
  );
}

/** A member's remark on a post (anyone who may write or approve posts). */
export async function addComment(db: Db, actor: Actor, input: { postId: string; body: string }) {
  if (!roleAllows(actor.role, 'posts:write') && !roleAllows(actor.role, 'posts:approve')) {
    throw new ForbiddenError();
  }
  const body = checkedComment(input.body);
  await db.$transaction(async (tx) => {
    const post = await findReviewPost(tx, clientRowScope(actor), input.postId);
    await tx.postComment.create({
      data: {
        organizationId: post.organizationId,
        postId: post.id,
        authorUserId: actor.userId,
        body,
      },
    });
    await recordActivity(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: 'post.commented',
      subjectType: 'post',
      subjectId: post.id,
    });
  });
  return listComments(db, actor, input.postId);
}

/** The post's comments, oldest first, each with its author's name. */
export async function listComments(db: Db, actor: Actor, postId: string) {
  requirePermission(actor, 'posts:read');
  await findReviewPost(db, clientRowScope(actor), postId);
  const rows = await db.postComment.findMany({
    where: { organizationId: actor.organizationId, postId },
    orderBy: { createdAt: 'asc' },
    select: {
      id: true,
      body: true,
      createdAt: true,
      authorName: true,
      author: { select: { name: true } },
    },
  });
  return rows.map(({ author, authorName, ...comment }) => ({
    ...comment,
    authorName: author?.name ?? authorName ?? 'Someone',
    external: authorName !== null,
  }));
}

/** The post's review status and who approved it, for the post page. */
export async function reviewOf(db: Db, actor: Actor, postId: string) {
  requirePermission(actor, 'posts:read');
  const post = await db.post.findFirst({
    where: { id: postId, ...clientRowScope(actor) },
    select: {
      id: true,
      reviewStatus: true,
      approvedAt: true,
      approvedByName: true,
      submittedAt: true,
      approvedBy: { select: { name: true } },
      client: { select: { requiresApproval: true } },
    },
  });
  if (!post) throw new NotFoundError('Post');
  return {
    postId: post.id,
    status: post.reviewStatus,
    submittedAt: post.submittedAt,
    approvedAt: post.approvedAt,
    approvedBy: post.approvedBy?.name ?? post.approvedByName,
    approvedExternally: post.approvedByName !== null,
    requiresApproval: post.client.requiresApproval,
  };
}

/** Posts waiting for review in the member's organization, the most recently submitted first. */
export async function reviewQueue(db: Db, actor: Actor, input: { limit?: number } = {}) {
  requirePermission(actor, 'posts:read');
  const posts = await db.post.findMany({
    where: { ...clientRowScope(actor), reviewStatus: 'in_review' },
    orderBy: [{ submittedAt: 'desc' }, { createdAt: 'desc' }],
    take: input.limit ?? 100,
    select: {
      id: true,
      caption: true,
      submittedAt: true,
      createdBy: { select: { name: true } },
      client: { select: { id: true, name: true, timezone: true } },
      targets: {
        orderBy: { createdAt: 'asc' },
        select: { scheduledFor: true, socialAccount: { select: { platform: true } } },
      },
    },
  });
  return posts.map(({ createdBy, targets, ...post }) => ({
    ...post,
    author: createdBy?.name ?? null,
    platforms: [...new Set(targets.map((t) => t.socialAccount.platform))],
    scheduledFor: targets[0]?.scheduledFor ?? null,
  }));
}

/** The post's audit trail: its own activity and its targets', newest first, with who did it. */
export async function postActivity(db: Db, actor: Actor, postId: string) {
  requirePermission(actor, 'posts:read');
  const post = await db.post.findFirst({
    where: { id: postId, ...clientRowScope(actor) },
    select: { id: true, targets: { select: { id: true } } },
  });
  if (!post) throw new NotFoundError('Post');
  const events = await db.activityEvent.findMany({
    where: {
      organizationId: actor.organizationId,
      OR: [
        { subjectType: 'post', subjectId: post.id },
        { subjectType: 'post_target', subjectId: { in: post.targets.map((t) => t.id) } },
      ],
    },
    orderBy: { createdAt: 'desc' },
    take: 200,
    select: { id: true, action: true, data: true, createdAt: true, actorUserId: true },
  });
  const userIds = [...new Set(events.flatMap((e) => (e.actorUserId ? [e.actorUserId] : [])))];
  const users = await db.user.findMany({
    where: { id: { in: userIds }, memberships: { some: { organizationId: actor.organizationId } } },
    select: { id: true, name: true },
  });
  const names = new Map(users.map((u) => [u.id, u.name]));
  return events.map(({ actorUserId, data, ...event }) => {
    const details = (data ?? {}) as Record<string, unknown>;
    const reviewer = typeof details.reviewer === 'string' ? details.reviewer : null;
    return {
      ...event,
      data: details,
      actorName: actorUserId ? (names.get(actorUserId) ?? 'A former member') : reviewer,
    };
  });
}

/**
 * The one place a change to a post meets its review: every edit service (caption, media,
 * settings, time) calls it inside its transaction. An approved post that changes goes back to
 * review; if its client requires approval, its scheduled targets come off the queue (drafts,
 * keeping their time) until it is approved again.
 */
export async function reopenReviewAfterEdit(
  tx: Tx,
  input: { organizationId: string; postId: string; actorUserId: string | null; change: string },
  now = new Date(),
): Promise<boolean> {
  const post = await findReviewPost(tx, { organizationId: input.organizationId }, input.postId);
  if (post.reviewStatus !== 'approved') return false;
  const reviewer = input.actorUserId ? { userId: input.actorUserId } : { externalName: 'Herald' };
  await moveReview(tx, post, 'edit', reviewer, now, { change: input.change });
  if (post.client.requiresApproval) {
    const scheduled = await tx.postTarget.findMany({
      where: { postId: post.id, organizationId: post.organizationId, status: 'scheduled' },
      select: { id: true, status: true },
    });
    for (const target of scheduled) {
      if (!canTarget(target.status, 'unschedule')) continue;
      const moved = await moveTarget(tx, target, 'unschedule', { nextAttemptAt: null });
      if (!moved) {
        throw new ConflictError(
          'This post changed while you were editing it. Reload it and try again.',
        );
      }
      await removeJob(tx, publishJobKey(target.id));
    }
  }
  await notifyApprovers(tx, post, input.actorUserId, `An approved post changed (${input.change})`);
  return true;
}

/** Refuses to schedule or publish a post of a client that requires approval before approval. */
export async function assertApprovedIfRequired(
  tx: Db | Tx,
  input: { organizationId: string; postId: string } | { organizationId: string; clientId: string },
): Promise<void> {
  if ('clientId' in input) {
    const client = await tx.client.findFirst({
      where: { id: input.clientId, organizationId: input.organizationId },
      select: { requiresApproval: true },
    });
    // A brand-new post has never been reviewed.
    if (client?.requiresApproval) throw new ConflictError(APPROVAL_REQUIRED_MESSAGE);
    return;
  }
  const post = await findReviewPost(tx, { organizationId: input.organizationId }, input.postId);
  if (post.client.requiresApproval && post.reviewStatus !== 'approved') {
    throw new ConflictError(APPROVAL_REQUIRED_MESSAGE);
  }
}

/** Turns a client's "posts need approval" setting on or off (owners and admins). */
export async function setClientRequiresApproval(
  db: Db,
  actor: Actor,
  input: { clientId: string; requiresApproval: boolean },
) {
  requirePermission(actor, 'clients:manage');
  return db.$transaction(async (tx) => {
    const { count } = await tx.client.updateMany({
      where: clientScope(actor, input.clientId),
      data: { requiresApproval: input.requiresApproval },
    });
    if (count !== 1) throw new NotFoundError('Client');
    return { clientId: input.clientId, requiresApproval: input.requiresApproval };
  });
}

/**
 * The post's media (its own list, in order) with a signed link to each thumbnail, for people
 * looking at the post; no link where storage is not configured or the file is still processing.
 */
export async function mediaPreviews(
  db: Db,
  storage: MediaStorage | null,
  post: { organizationId: string; postId: string },
) {
  const rows = await db.postMedia.findMany({
    where: { organizationId: post.organizationId, postId: post.postId },
    orderBy: { position: 'asc' },
    select: {
      asset: {
        select: {
          id: true,
          name: true,
          kind: true,
          renditions: { where: { name: 'thumbnail' }, select: { key: true } },
        },
      },
    },
  });
  return Promise.all(
    rows.map(async ({ asset: { renditions, ...asset } }) => ({
      ...asset,
      thumbnailUrl:
        storage && renditions[0]
          ? await storage.createDownloadUrl({
              key: renditions[0].key,
              expiresInSeconds: MEDIA_URL_TTL.viewSeconds,
            })
          : null,
    })),
  );
}
