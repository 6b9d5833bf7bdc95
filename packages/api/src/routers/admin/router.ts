// Platform staff's queue tools (docs/decisions/0023). For anyone else — signed out, or any
// agency role — every procedure answers NOT_FOUND, exactly like a path that does not exist.
import { MAX_ADMIN_REASON_LENGTH } from '@herald/core/domain';
import {
  adminAuditTrail,
  adminQueueHealth,
  adminQueueOverview,
  requirePlatformStaff,
  runAdminAction,
} from '@herald/core';
import { TRPCError, type TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { publicProcedure } from '../../trpc.ts';

const staffProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const caller = ctx.session ? { userId: ctx.session.userId } : null;
  try {
    await requirePlatformStaff(ctx.db, caller);
  } catch {
    throw new TRPCError({ code: 'NOT_FOUND', message: 'Not found.' });
  }
  return next({ ctx: { ...ctx, staff: { userId: caller!.userId } } });
});

// Its length and content are checked by the service, which explains what is missing.
const reason = z.string().max(MAX_ADMIN_REASON_LENGTH * 2);
const jobId = z.string().regex(/^\d+$/, 'A job id is a number.');

export const adminRouter = {
  overview: staffProcedure
    .input(z.object({}).optional())
    .query(({ ctx }) => adminQueueOverview(ctx.db, ctx.staff)),
  health: staffProcedure
    .input(z.object({}).optional())
    .query(({ ctx }) => adminQueueHealth(ctx.db, ctx.staff)),
  audit: staffProcedure
    .input(z.object({}).optional())
    .query(({ ctx }) => adminAuditTrail(ctx.db, ctx.staff)),
  act: staffProcedure
    .input(
      z.union([
        z.object({ action: z.literal('replay_job'), jobId, reason }),
        z.object({ action: z.literal('fail_job'), jobId, reason }),
        z.object({ action: z.literal('remove_job'), jobId, reason }),
        z.object({
          action: z.literal('force_unlock_pool'),
          poolId: z.string().min(1).max(200),
          reason,
        }),
        z.object({
          action: z.literal('resolve_target'),
          targetId: z.uuid(),
          resolution: z.literal('published'),
          url: z.url({ protocol: /^https?$/ }),
          reason,
        }),
        z.object({
          action: z.literal('resolve_target'),
          targetId: z.uuid(),
          resolution: z.literal('failed'),
          reason,
        }),
      ]),
    )
    .mutation(({ ctx, input }) => runAdminAction(ctx.db, ctx.staff, input)),
} satisfies TRPCRouterRecord;
