import {
  cancelPost,
  getPost,
  listPosts,
  metricsForPost,
  publishPostNow,
  reschedulePost,
  resolveUnconfirmedTarget,
  retryTarget,
  saveDraftPost,
  scheduleDraftPost,
  schedulePost,
  setTargetSettings,
  setVariantMedia,
  unschedulePost,
} from '@herald/core';
import type { TRPCRouterRecord } from '@trpc/server';
import { orgProcedure } from '../../trpc.ts';
import { searchProcedure } from './search.ts';
import {
  ListPostsInput,
  PostMetricsInput,
  PostIdInput,
  ReschedulePostInput,
  ResolveTargetInput,
  ScheduleDraftInput,
  SchedulePostInput,
  SetTargetSettingsInput,
  SetVariantMediaInput,
  TargetIdInput,
} from './inputs.ts';

export const postsRouter = {
  /** The paged post list: keyset pages, filters and caption search (post-search.ts). */
  search: searchProcedure,
  list: orgProcedure
    .input(ListPostsInput)
    .query(({ ctx, input }) => listPosts(ctx.db, ctx.actor, input)),
  get: orgProcedure
    .input(PostIdInput)
    .query(({ ctx, input }) => getPost(ctx.db, ctx.actor, input.postId)),
  /** Engagement snapshots (1 h, 24 h, 7 d) of a post's accounts, or of one of them. */
  metrics: orgProcedure
    .input(PostMetricsInput)
    .query(({ ctx, input }) =>
      metricsForPost(
        ctx.db,
        ctx.actor,
        input.postId,
        input.targetId ? { only: input.targetId } : {},
      ),
    ),
  schedule: orgProcedure
    .input(SchedulePostInput)
    .mutation(({ ctx, input }) => schedulePost(ctx.db, ctx.actor, input)),
  reschedule: orgProcedure
    .input(ReschedulePostInput)
    .mutation(({ ctx, input }) => reschedulePost(ctx.db, ctx.actor, input)),
  cancel: orgProcedure
    .input(PostIdInput)
    .mutation(({ ctx, input }) => cancelPost(ctx.db, ctx.actor, input)),
  saveDraft: orgProcedure
    .input(SchedulePostInput)
    .mutation(({ ctx, input }) => saveDraftPost(ctx.db, ctx.actor, input)),
  scheduleDraft: orgProcedure
    .input(ScheduleDraftInput)
    .mutation(({ ctx, input }) => scheduleDraftPost(ctx.db, ctx.actor, input)),
  unschedule: orgProcedure
    .input(PostIdInput)
    .mutation(({ ctx, input }) => unschedulePost(ctx.db, ctx.actor, input)),
  publishNow: orgProcedure
    .input(PostIdInput)
    .mutation(({ ctx, input }) => publishPostNow(ctx.db, ctx.actor, input)),
  /** One account's own media (a per-platform variant), or the post's again with null. */
  setVariantMedia: orgProcedure.input(SetVariantMediaInput).mutation(async ({ ctx, input }) => {
    const { postId } = await setVariantMedia(ctx.db, ctx.actor, input);
    return getPost(ctx.db, ctx.actor, postId);
  }),
  /** One account's platform settings (post type, YouTube title, LinkedIn article link). */
  setTargetSettings: orgProcedure.input(SetTargetSettingsInput).mutation(async ({ ctx, input }) => {
    const { postId } = await setTargetSettings(ctx.db, ctx.actor, input);
    return getPost(ctx.db, ctx.actor, postId);
  }),
  retryTarget: orgProcedure
    .input(TargetIdInput)
    .mutation(({ ctx, input }) => retryTarget(ctx.db, ctx.actor, input)),
  resolveTarget: orgProcedure.input(ResolveTargetInput).mutation(({ ctx, input }) =>
    resolveUnconfirmedTarget(
      ctx.db,
      ctx.actor,
      input.resolution === 'published'
        ? { targetId: input.targetId, resolution: 'published', url: input.url! }
        : {
            targetId: input.targetId,
            resolution: 'failed',
            ...(input.note ? { note: input.note } : {}),
          },
    ),
  ),
} satisfies TRPCRouterRecord;
