// What a person chose per platform for one target (domain/target-settings.ts): checked for the
// account's platform whenever it is written, and editable by the same rule as a target's own
// media — until publishing starts. A scheduled target's settings must fit its media now (the
// post type picks the media rule); a draft's thumbnail may still be processing.
import { lockTarget, type Db } from '@herald/db';
import type { Platform } from '../domain/platforms.ts';
import { parseTargetSettings, type TargetSettings } from '../domain/target-settings.ts';
import { requirePermission, targetScope, type Actor } from './actor.ts';
import { recordActivity } from './activity.ts';
import { reopenReviewAfterEdit } from './review.ts';
import { ConflictError, InvalidInputError, NotFoundError } from './errors.ts';
import {
  EDITABLE_TARGET_STATUSES,
  targetMediaProblems,
  thumbnailProblem,
} from './media/post-media.ts';

/** The settings, checked for the account's platform; an InvalidInputError naming it if not. */
export function checkedSettings(
  account: { platform: Platform; handle: string },
  input: unknown,
): TargetSettings {
  const parsed = parseTargetSettings(account.platform, input);
  if (!parsed.ok) throw new InvalidInputError(`${account.handle}: ${parsed.problem}`);
  return parsed.settings;
}

/**
 * Replaces one target's settings. Refused once the target has started publishing; a scheduled
 * target's media and thumbnail must fit the new settings now. Nothing is stored on a refusal.
 */
export async function setTargetSettings(
  db: Db,
  actor: Actor,
  input: { targetId: string; settings: unknown },
): Promise<{ postId: string }> {
  requirePermission(actor, 'posts:write');
  return db.$transaction(async (tx) => {
    const target = await tx.postTarget.findFirst({
      where: { id: input.targetId, ...targetScope(actor) },
      select: {
        id: true,
        organizationId: true,
        postId: true,
        post: { select: { clientId: true } },
        socialAccount: { select: { platform: true, handle: true } },
      },
    });
    // The lock orders this edit against a worker claiming the target (which locks it too).
    const locked = target ? await lockTarget(tx, target.id) : null;
    if (!target || !locked) throw new NotFoundError('Post target');
    if (!(EDITABLE_TARGET_STATUSES as readonly string[]).includes(locked.status)) {
      throw new ConflictError(
        "This account's post has already started publishing (or finished); its settings can no longer change.",
      );
    }
    const { platform, handle } = target.socialAccount;
    const settings = checkedSettings({ platform, handle }, input.settings);
    const scheduled = locked.status === 'scheduled';
    const thumbnail = await thumbnailProblem(tx, {
      organizationId: target.organizationId,
      clientId: target.post.clientId,
      settings,
      ready: scheduled,
    });
    if (thumbnail) throw new InvalidInputError(`${handle}: ${thumbnail}`);
    if (scheduled) {
      const problems = await targetMediaProblems(tx, {
        targetId: target.id,
        organizationId: target.organizationId,
        platform,
        settings,
      });
      if (problems.length > 0) throw new InvalidInputError(`${handle}: ${problems.join(' ')}`);
    }
    await tx.postTarget.update({
      where: { id: target.id },
      data: { settings },
    });
    await recordActivity(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: 'target.settings_changed',
      subjectType: 'post_target',
      subjectId: target.id,
      data: { platform },
    });
    await reopenReviewAfterEdit(tx, {
      organizationId: actor.organizationId,
      postId: target.postId,
      actorUserId: actor.userId,
      change: 'settings',
    });
    return { postId: target.postId };
  });
}
