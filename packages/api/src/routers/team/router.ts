import {
  changeMember,
  inviteMember,
  listTeam,
  MEMBER_ROLES,
  removeMember,
  resendInvitation,
  revokeInvitation,
} from '@herald/core';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { mailDeps, orgProcedure } from '../../trpc.ts';

const Role = z.enum(MEMBER_ROLES, { error: 'Choose a role.' });
/** Null: every client; a list: only these. */
const ClientIds = z.array(z.uuid()).max(500).nullable();

export const teamRouter = {
  list: orgProcedure.input(z.object({}).optional()).query(({ ctx }) => listTeam(ctx.db, ctx.actor)),
  invite: orgProcedure
    .input(
      z.object({
        email: z.string().trim().max(320).pipe(z.email('Enter an email address.')),
        role: Role,
        clientIds: ClientIds,
      }),
    )
    .mutation(({ ctx, input }) => inviteMember(mailDeps(ctx), ctx.actor, input)),
  resendInvitation: orgProcedure
    .input(z.object({ invitationId: z.uuid() }))
    .mutation(({ ctx, input }) => resendInvitation(mailDeps(ctx), ctx.actor, input)),
  revokeInvitation: orgProcedure
    .input(z.object({ invitationId: z.uuid() }))
    .mutation(({ ctx, input }) => revokeInvitation(ctx.db, ctx.actor, input)),
  changeMember: orgProcedure
    .input(z.object({ memberId: z.uuid(), role: Role, clientIds: ClientIds }))
    .mutation(({ ctx, input }) => changeMember(ctx.db, ctx.actor, input)),
  removeMember: orgProcedure
    .input(z.object({ memberId: z.uuid() }))
    .mutation(({ ctx, input }) => removeMember(ctx.db, ctx.actor, input)),
} satisfies TRPCRouterRecord;
