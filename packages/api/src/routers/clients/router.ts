import {
  createClient,
  getClient,
  listClientAccounts,
  listClients,
  updateBrandProfile,
  updateClient,
} from '@herald/core';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { orgProcedure } from '../../trpc.ts';

// Shapes only; the sentences a person reads about a bad name or zone come from core.
const ClientSettings = z.object({
  name: z.string().max(1_000),
  timezone: z.string().max(100),
});

export const clientsRouter = {
  list: orgProcedure
    .input(z.object({}).optional())
    .query(({ ctx }) => listClients(ctx.db, ctx.actor)),
  get: orgProcedure
    .input(z.object({ clientId: z.uuid() }))
    .query(({ ctx, input }) => getClient(ctx.db, ctx.actor, input.clientId)),
  /** The client's accounts, their health and the posts held waiting for each. */
  accounts: orgProcedure
    .input(z.object({ clientId: z.uuid() }))
    .query(({ ctx, input }) => listClientAccounts(ctx.db, ctx.actor, input.clientId)),
  create: orgProcedure
    .input(ClientSettings)
    .mutation(({ ctx, input }) => createClient(ctx.db, ctx.actor, input)),
  update: orgProcedure
    .input(ClientSettings.extend({ clientId: z.uuid() }))
    .mutation(({ ctx, input: { clientId, ...settings } }) =>
      updateClient(ctx.db, ctx.actor, clientId, settings),
    ),
  updateBrandProfile: orgProcedure
    .input(
      z.object({
        clientId: z.uuid(),
        voice: z.string().max(20_000),
        bannedTopics: z.array(z.string().max(1_000)).max(500),
        callToAction: z.string().max(3_000),
        defaultHashtags: z.array(z.string().max(1_000)).max(500),
      }),
    )
    .mutation(({ ctx, input: { clientId, ...profile } }) =>
      updateBrandProfile(ctx.db, ctx.actor, clientId, profile),
    ),
} satisfies TRPCRouterRecord;
