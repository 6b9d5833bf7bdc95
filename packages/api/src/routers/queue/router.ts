import { getQueueHealth } from '@herald/core';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { orgProcedure } from '../../trpc.ts';

export const queueRouter = {
  health: orgProcedure
    .input(z.object({}).optional())
    .query(({ ctx }) => getQueueHealth(ctx.db, ctx.actor)),
} satisfies TRPCRouterRecord;
