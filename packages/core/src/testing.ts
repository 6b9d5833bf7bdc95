// Builders for tests that need a post on the schedule: the member of a test agency as an
// actor, and one post on one of its accounts, written through the real scheduling service.
import type { Db } from '@herald/db';
import type { AgencyFixture } from '@herald/db/testing';
import type { Actor } from './services/actor.ts';
import { schedulePost } from './services/posts.ts';

export function actorOf(agency: AgencyFixture): Actor {
  return { userId: agency.userId, organizationId: agency.organizationId, role: agency.role };
}

/** One post on the agency's first account, an hour after `now` unless `scheduledFor` says. */
export async function scheduleOneTarget(
  db: Db,
  agency: AgencyFixture,
  options: { caption: string; now?: Date; scheduledFor?: Date },
): Promise<{ postId: string; targetId: string }> {
  const now = options.now ?? new Date();
  const post = await schedulePost(
    db,
    actorOf(agency),
    {
      clientId: agency.clientId,
      caption: options.caption,
      accountIds: [agency.accounts[0]!.id],
      scheduledFor: options.scheduledFor ?? new Date(now.getTime() + 3_600_000),
    },
    now,
  );
  return { postId: post.id, targetId: post.targets[0]!.id };
}
