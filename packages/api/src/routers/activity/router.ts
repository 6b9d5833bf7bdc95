import { ACTIVITY_MAX_PAGE_SIZE, listActivity } from '@herald/core';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { orgProcedure } from '../../trpc.ts';

export const activityRouter = {
  /** The agency's activity, or one client's when clientId is given. */
  list: orgProcedure
    .input(
      z.object({
        clientId: z.uuid().optional(),
        page: z.number().int().min(1).max(100_000).optional(),
        pageSize: z.number().int().min(1).max(ACTIVITY_MAX_PAGE_SIZE).optional(),
      }),
    )
    .query(({ ctx, input }) => listActivity(ctx.db, ctx.actor, input)),
} satisfies TRPCRouterRecord;
