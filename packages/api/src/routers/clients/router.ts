import { getClient, listClients } from '@herald/core';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { orgProcedure } from '../../trpc.ts';

export const clientsRouter = {
  list: orgProcedure
    .input(z.object({}).optional())
    .query(({ ctx }) => listClients(ctx.db, ctx.actor)),
  get: orgProcedure
    .input(z.object({ clientId: z.uuid() }))
    .query(({ ctx, input }) => getClient(ctx.db, ctx.actor, input.clientId)),
} satisfies TRPCRouterRecord;
