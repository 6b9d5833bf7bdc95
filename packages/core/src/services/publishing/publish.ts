// Step 2 of a publish: the platform call, with the adapter's progress stored as it reports it.
import { AmbiguousPublishError, PublishError } from '../../providers/errors.ts';
import type { PublishedPost } from '../../providers/types.ts';
import type { Claim } from './begin.ts';
import { saveProgressFast, settlePublishedFast } from './fast-path.ts';
import type { PublishingDeps, PublishTargetResult } from './index.ts';
import { settleFailure, settlePublished } from './settle.ts';

export async function runPublish(
  deps: PublishingDeps,
  claim: Claim,
  signal?: AbortSignal,
): Promise<PublishTargetResult> {
  const now = deps.now ?? (() => new Date());
  let published: PublishedPost;
  try {
    published = await deps.adapterFor(claim.platform).publish({
      account: claim.account,
      content: claim.content,
      progress: claim.progress,
      saveProgress: async (progress) => {
        if (!(await saveProgressFast(deps, claim, progress))) {
          throw new Error(`Target ${claim.targetId} is no longer on attempt ${claim.attempt}.`);
        }
      },
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    // Anything that is not a classified PublishError is a defect; we cannot know whether the
    // platform acted, so it is treated as ambiguous (reconcile asks) rather than retried.
    const failure =
      error instanceof PublishError
        ? error
        : new AmbiguousPublishError(`Unexpected error while publishing: ${String(error)}`, {
            cause: error,
          });
    return deps.db.$transaction((tx) => settleFailure(tx, deps, claim, failure, now()));
  }
  const settledAt = now();
  if (await settlePublishedFast(deps, claim, published, settledAt)) {
    return { outcome: 'published', externalId: published.externalId, url: published.url };
  }
  // The target moved on meanwhile: the ordinary settle records why nothing changed.
  return deps.db.$transaction((tx) =>
    settlePublished(tx, claim, published, settledAt, { reconciled: false }),
  );
}
