import { accountQuotaForecast } from '@herald/core';
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
} satisfies TRPCRouterRecord;
