import { accountQuotaForecast, tiktokCreatorInfo } from '@herald/core';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { orgProcedure } from '../../trpc.ts';

export const accountsRouter = {
  /** How many more posts the account can take on a local day (for scheduling). */
  quotaForecast: orgProcedure
    .input(
      z.object({
        accountId: z.uuid(),
        day: z.iso.date(),
        /** The day's timezone; the client's when absent. */
        timeZone: z.string().min(1).max(64).optional(),
      }),
    )
    .query(({ ctx, input }) => accountQuotaForecast(ctx.db, ctx.actor, input)),
  /**
   * A TikTok account's posting options from TikTok (creator_info): the privacy levels the
   * creator may choose, interactions they switched off, the longest video.
   */
  tiktokCreatorInfo: orgProcedure
    .input(z.object({ accountId: z.uuid() }))
    .query(({ ctx, input, signal }) =>
      tiktokCreatorInfo(
        { db: ctx.db, apis: ctx.platformApis, ...(signal ? { signal } : {}) },
        ctx.actor,
        input,
      ),
    ),
} satisfies TRPCRouterRecord;
