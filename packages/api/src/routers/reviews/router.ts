import {
  addComment,
  createReviewLink,
  listReviewLinks,
  revokeReviewLink,
  approvePost,
  listComments,
  postActivity,
  requestChanges,
  reviewOf,
  reviewQueue,
  setClientRequiresApproval,
  submitForReview,
} from '@herald/core';
import type { TRPCRouterRecord } from '@trpc/server';
import { orgProcedure } from '../../trpc.ts';
import {
  ClientApprovalInput,
  CreateReviewLinkInput,
  ReviewLinkIdInput,
  CommentInput,
  QueueInput,
  RequestChangesInput,
  ReviewPostInput,
} from './inputs.ts';

/** Reviews of posts: every call is scoped to the session's organization by the core services. */
export const reviewsRouter = {
  get: orgProcedure
    .input(ReviewPostInput)
    .query(({ ctx, input }) => reviewOf(ctx.db, ctx.actor, input.postId)),
  queue: orgProcedure
    .input(QueueInput)
    .query(({ ctx, input }) => reviewQueue(ctx.db, ctx.actor, input ?? {})),
  comments: orgProcedure
    .input(ReviewPostInput)
    .query(({ ctx, input }) => listComments(ctx.db, ctx.actor, input.postId)),
  activity: orgProcedure
    .input(ReviewPostInput)
    .query(({ ctx, input }) => postActivity(ctx.db, ctx.actor, input.postId)),
  submit: orgProcedure
    .input(ReviewPostInput)
    .mutation(({ ctx, input }) => submitForReview(ctx.db, ctx.actor, input)),
  approve: orgProcedure
    .input(ReviewPostInput)
    .mutation(({ ctx, input }) => approvePost(ctx.db, ctx.actor, input)),
  requestChanges: orgProcedure
    .input(RequestChangesInput)
    .mutation(({ ctx, input }) => requestChanges(ctx.db, ctx.actor, input)),
  comment: orgProcedure
    .input(CommentInput)
    .mutation(({ ctx, input }) => addComment(ctx.db, ctx.actor, input)),
  setClientRequiresApproval: orgProcedure
    .input(ClientApprovalInput)
    .mutation(({ ctx, input }) => setClientRequiresApproval(ctx.db, ctx.actor, input)),
  /** A link for the client to review the post without an account; its token is shown once. */
  createLink: orgProcedure
    .input(CreateReviewLinkInput)
    .mutation(({ ctx, input }) => createReviewLink(ctx.db, ctx.actor, input)),
  links: orgProcedure
    .input(ReviewPostInput)
    .query(({ ctx, input }) => listReviewLinks(ctx.db, ctx.actor, input.postId)),
  revokeLink: orgProcedure
    .input(ReviewLinkIdInput)
    .mutation(({ ctx, input }) => revokeReviewLink(ctx.db, ctx.actor, input)),
} satisfies TRPCRouterRecord;
