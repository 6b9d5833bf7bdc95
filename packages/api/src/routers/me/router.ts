import type { TRPCRouterRecord } from '@trpc/server';
import { orgProcedure } from '../../trpc.ts';

export const meRouter = {
  get: orgProcedure.query(({ ctx }) => ({
    user: ctx.session.user,
    organization: ctx.session.organization,
    role: ctx.session.role,
  })),
} satisfies TRPCRouterRecord;
