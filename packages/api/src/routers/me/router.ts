import { listMyOrganizations, resendVerification } from '@herald/core';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { mailDeps, orgProcedure } from '../../trpc.ts';

export const meRouter = {
  get: orgProcedure.query(({ ctx }) => ({
    user: ctx.session.user,
    organization: ctx.session.organization,
    role: ctx.session.role,
  })),
  /** A fresh email-verification link (rate-limited per user). */
  resendVerification: orgProcedure
    .input(z.object({}).optional())
    .mutation(({ ctx }) => resendVerification(mailDeps(ctx), ctx.session.userId)),
  /** Every organization the signed-in user belongs to (for switching), by name. */
  organizations: orgProcedure.query(({ ctx }) => listMyOrganizations(ctx.db, ctx.session.userId)),
} satisfies TRPCRouterRecord;
