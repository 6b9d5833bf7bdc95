// Step 2 of a publish: the platform call, with the adapter's progress stored as it reports it.
import { AmbiguousPublishError, PublishError } from '../../providers/errors.ts';
import type { ProviderProgress, PublishedPost } from '../../providers/types.ts';
import type { Claim } from './begin.ts';
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
      saveProgress: (progress) => saveProgress(deps, claim, progress),
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
  return deps.db.$transaction((tx) =>
    settlePublished(tx, claim, published, now(), { reconciled: false }),
  );
}

/** Written at once, outside any transaction, and only while this attempt still owns the target. */
async function saveProgress(deps: PublishingDeps, claim: Claim, progress: ProviderProgress) {
  const { count } = await deps.db.postTarget.updateMany({
    where: { id: claim.targetId, status: 'publishing', attemptCount: claim.attempt },
    data: { providerState: progress },
  });
  if (count !== 1) {
    throw new Error(`Target ${claim.targetId} is no longer on attempt ${claim.attempt}.`);
  }
}
