// The calendar: entries for a range, and what a drag and the event panel do.
import {
  cancelTarget,
  deletePost,
  duplicatePost,
  listCalendarEntries,
  rescheduleFromCalendar,
  updatePostCaption,
} from '@herald/core';
import { PLATFORMS, TARGET_STATUSES } from '@herald/core/domain';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { instant, safeText } from '../../inputs.ts';
import { orgProcedure } from '../../trpc.ts';

export const CalendarEntriesInput = z.object({
  from: instant(),
  to: instant(),
  clientId: z.uuid().optional(),
  platforms: z.array(z.enum(PLATFORMS)).max(PLATFORMS.length).optional(),
  accountIds: z.array(z.uuid()).max(200).optional(),
  statuses: z.array(z.enum(TARGET_STATUSES)).max(TARGET_STATUSES.length).optional(),
});

export const CalendarRescheduleInput = z.object({ postId: z.uuid(), scheduledFor: instant() });

export const UpdateCaptionInput = z.object({
  postId: z.uuid(),
  caption: safeText('The caption')
    .trim()
    .min(1, 'Write a caption.')
    .max(100_000, 'The caption is too long.'),
});
const PostIdInput = z.object({ postId: z.uuid() });

export const calendarRouter = {
  entries: orgProcedure
    .input(CalendarEntriesInput)
    .query(({ ctx, input }) => listCalendarEntries(ctx.db, ctx.actor, input)),
  /** A drop on the calendar: the post and its jobs move, unless the day has no quota left. */
  reschedule: orgProcedure
    .input(CalendarRescheduleInput)
    .mutation(({ ctx, input }) => rescheduleFromCalendar(ctx.db, ctx.actor, input)),
  /** The panel's inline edit: allowed while no account has started publishing. */
  updateCaption: orgProcedure
    .input(UpdateCaptionInput)
    .mutation(({ ctx, input }) => updatePostCaption(ctx.db, ctx.actor, input)),
  duplicate: orgProcedure
    .input(PostIdInput)
    .mutation(({ ctx, input }) => duplicatePost(ctx.db, ctx.actor, input)),
  cancelTarget: orgProcedure
    .input(z.object({ targetId: z.uuid() }))
    .mutation(({ ctx, input }) => cancelTarget(ctx.db, ctx.actor, input)),
  deletePost: orgProcedure
    .input(PostIdInput)
    .mutation(({ ctx, input }) => deletePost(ctx.db, ctx.actor, input)),
} satisfies TRPCRouterRecord;
