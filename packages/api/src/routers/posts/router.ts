import { cancelPost, getPost, listPosts, reschedulePost, schedulePost } from '@herald/core';
import type { TRPCRouterRecord } from '@trpc/server';
import { orgProcedure } from '../../trpc.ts';
import { ListPostsInput, PostIdInput, ReschedulePostInput, SchedulePostInput } from './inputs.ts';

export const postsRouter = {
  list: orgProcedure
    .input(ListPostsInput)
    .query(({ ctx, input }) => listPosts(ctx.db, ctx.actor, input)),
  get: orgProcedure
    .input(PostIdInput)
    .query(({ ctx, input }) => getPost(ctx.db, ctx.actor, input.postId)),
  schedule: orgProcedure
    .input(SchedulePostInput)
    .mutation(({ ctx, input }) => schedulePost(ctx.db, ctx.actor, input)),
  reschedule: orgProcedure
    .input(ReschedulePostInput)
    .mutation(({ ctx, input }) => reschedulePost(ctx.db, ctx.actor, input)),
  cancel: orgProcedure
    .input(PostIdInput)
    .mutation(({ ctx, input }) => cancelPost(ctx.db, ctx.actor, input)),
} satisfies TRPCRouterRecord;
