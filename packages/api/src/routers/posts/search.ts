// posts.search: the paged post list (keyset pages, filters, caption search).
import { searchPosts } from '@herald/core';
import { PLATFORMS, TARGET_STATUSES } from '@herald/core/domain';
import { z } from 'zod';
import { instant, safeText } from '../../inputs.ts';
import { orgProcedure } from '../../trpc.ts';

export const SearchPostsInput = z.object({
  clientId: z.uuid().optional(),
  statuses: z.array(z.enum(TARGET_STATUSES)).max(TARGET_STATUSES.length).optional(),
  platforms: z.array(z.enum(PLATFORMS)).max(PLATFORMS.length).optional(),
  accountIds: z.array(z.uuid()).max(200).optional(),
  from: instant().optional(),
  to: instant().optional(),
  text: safeText('The search').max(200, 'Search for at most 200 characters.').optional(),
  /** The previous page's nextCursor (tRPC's infinite queries fill it in). */
  cursor: z.string().max(200).nullish(),
  limit: z.number().int().min(1).max(100).optional(),
});

export const searchProcedure = orgProcedure
  .input(SearchPostsInput)
  .query(({ ctx, input }) => searchPosts(ctx.db, ctx.actor, input));
