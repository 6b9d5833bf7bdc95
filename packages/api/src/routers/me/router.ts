import { listMyOrganizations } from '@herald/core';
import type { TRPCRouterRecord } from '@trpc/server';
import { orgProcedure } from '../../trpc.ts';

export const meRouter = {
  get: orgProcedure.query(({ ctx }) => ({
    user: ctx.session.user,
    organization: ctx.session.organization,
    role: ctx.session.role,
  })),
  /** Every organization the signed-in user belongs to (for switching), by name. */
  organizations: orgProcedure.query(({ ctx }) => listMyOrganizations(ctx.db, ctx.session.userId)),
} satisfies TRPCRouterRecord;
