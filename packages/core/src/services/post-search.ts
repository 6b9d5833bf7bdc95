// The paged post list: every post of a client (or of every client), newest first, filtered
// and searched, a page at a time by keyset (no OFFSET: page 500 costs what page 1 costs, and
// a post written meanwhile never shifts a page).
import type { Db, Prisma } from '@herald/db';
import type { Platform } from '../domain/platforms.ts';
import type { TargetStatus } from '../domain/target-status.ts';
import { clientRowScope, clientScope, requirePermission, type Actor } from './actor.ts';
import { InvalidInputError, NotFoundError } from './errors.ts';
import { postView, toPostView } from './posts.ts';

export interface PostSearchInput {
  clientId?: string;
  statuses?: TargetStatus[];
  platforms?: Platform[];
  accountIds?: string[];
  /** Posts with a target scheduled in [from, to). */
  from?: Date;
  to?: Date;
  /** Words in the caption (the post's or an account's own), any case. */
  text?: string;
  /** Where the previous page ended (its nextCursor). */
  cursor?: string | null;
  limit?: number;
}

const encodeCursor = (post: { createdAt: Date; id: string }) =>
  Buffer.from(`${post.createdAt.toISOString()}|${post.id}`).toString('base64url');

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const createdAt = new Date(at ?? '');
  if (!id || !/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(createdAt.getTime())) {
    throw new InvalidInputError('That page link is no longer valid. Start from the first page.');
  }
  return { createdAt, id };
}

export async function searchPosts(db: Db, actor: Actor, input: PostSearchInput) {
  requirePermission(actor, 'posts:read');
  const limit = Math.min(Math.max(input.limit ?? 25, 1), 100);
  if (input.clientId) {
    const client = await db.client.findFirst({
      where: clientScope(actor, input.clientId),
      select: { id: true },
    });
    if (!client) throw new NotFoundError('Client');
  }
  if (input.from && input.to && input.from >= input.to) {
    throw new InvalidInputError('The date range must end after it starts.');
  }
  const target: Prisma.PostTargetWhereInput = {
    ...(input.statuses?.length ? { status: { in: input.statuses } } : {}),
    ...(input.from || input.to
      ? {
          scheduledFor: {
            ...(input.from ? { gte: input.from } : {}),
            ...(input.to ? { lt: input.to } : {}),
          },
        }
      : {}),
    ...(input.platforms?.length || input.accountIds?.length
      ? {
          socialAccount: {
            ...(input.platforms?.length ? { platform: { in: input.platforms } } : {}),
            ...(input.accountIds?.length ? { id: { in: input.accountIds } } : {}),
          },
        }
      : {}),
  };
  const text = input.text?.trim();
  const after = input.cursor ? decodeCursor(input.cursor) : null;
  const where: Prisma.PostWhereInput = {
    // A member limited to some clients finds only theirs.
    ...clientRowScope(actor),
    ...(input.clientId ? { clientId: input.clientId } : {}),
    AND: [
      Object.keys(target).length > 0 ? { targets: { some: target } } : {},
      text
        ? {
            OR: [
              { caption: { contains: text, mode: 'insensitive' } },
              { targets: { some: { caption: { contains: text, mode: 'insensitive' } } } },
            ],
          }
        : {},
      after
        ? {
            OR: [
              { createdAt: { lt: after.createdAt } },
              { createdAt: after.createdAt, id: { lt: after.id } },
            ],
          }
        : {},
    ],
  };
  const rows = await db.post.findMany({
    where,
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: limit + 1,
    select: { ...postView, client: { select: { id: true, name: true, timezone: true } } },
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(({ client, ...post }) => ({ ...toPostView(post), client })),
    nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
  };
}
