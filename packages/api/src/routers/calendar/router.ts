// The calendar: entries for a range, and what a drag and the event panel do.
import { listCalendarEntries, rescheduleFromCalendar } from '@herald/core';
import { PLATFORMS, TARGET_STATUSES } from '@herald/core/domain';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { instant } from '../../inputs.ts';
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

export const calendarRouter = {
  entries: orgProcedure
    .input(CalendarEntriesInput)
    .query(({ ctx, input }) => listCalendarEntries(ctx.db, ctx.actor, input)),
  /** A drop on the calendar: the post and its jobs move, unless the day has no quota left. */
  reschedule: orgProcedure
    .input(CalendarRescheduleInput)
    .mutation(({ ctx, input }) => rescheduleFromCalendar(ctx.db, ctx.actor, input)),
} satisfies TRPCRouterRecord;
