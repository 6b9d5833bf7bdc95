import {
  countUnreadNotifications,
  EMAILED_NOTIFICATION_KINDS,
  getNotificationPreferences,
  listNotifications,
  markAllNotificationsRead,
  markNotificationRead,
  NOTIFICATIONS_MAX_PAGE_SIZE,
  setNotificationPreference,
} from '@herald/core';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { orgProcedure } from '../../trpc.ts';

export const notificationsRouter = {
  list: orgProcedure
    .input(
      z.object({
        page: z.number().int().min(1).max(100_000).optional(),
        pageSize: z.number().int().min(1).max(NOTIFICATIONS_MAX_PAGE_SIZE).optional(),
        unreadOnly: z.boolean().optional(),
      }),
    )
    .query(({ ctx, input }) => listNotifications(ctx.db, ctx.actor, input)),
  unreadCount: orgProcedure.query(({ ctx }) => countUnreadNotifications(ctx.db, ctx.actor)),
  markRead: orgProcedure
    .input(z.object({ notificationId: z.uuid() }))
    .mutation(({ ctx, input }) => markNotificationRead(ctx.db, ctx.actor, input.notificationId)),
  markAllRead: orgProcedure.mutation(async ({ ctx }) => ({
    marked: await markAllNotificationsRead(ctx.db, ctx.actor),
  })),
  preferences: orgProcedure.query(({ ctx }) => getNotificationPreferences(ctx.db, ctx.actor)),
  setPreference: orgProcedure
    .input(z.object({ kind: z.enum(EMAILED_NOTIFICATION_KINDS), sendEmail: z.boolean() }))
    .mutation(({ ctx, input }) =>
      setNotificationPreference(ctx.db, ctx.actor, { kind: input.kind, email: input.sendEmail }),
    ),
} satisfies TRPCRouterRecord;
