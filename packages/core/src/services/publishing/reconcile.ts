// An attempt we never heard back from (a timeout, a dropped connection, a worker that died)
// is settled by asking the platform, never by publishing again (docs/decisions/0013):
//   published     → settle as published, with the platform's id and URL
//   not published → retry under the normal policy
//   unknown       → `unconfirmed`, and a person is told what to check
import type { ReconcileOutcome } from '../../providers/types.ts';
import type { ReconcileCheck } from './begin.ts';
import type { PublishingDeps, PublishTargetResult } from './index.ts';
import { retryOrFail, settlePublished, settleUnresolved } from './settle.ts';

const NOT_PUBLISHED =
  'The platform never answered, and the post is not on the account, so Herald tries again.';

export async function runReconcile(
  deps: PublishingDeps,
  check: ReconcileCheck,
  signal?: AbortSignal,
): Promise<PublishTargetResult> {
  const now = deps.now ?? (() => new Date());
  let outcome: ReconcileOutcome;
  try {
    outcome = await deps.adapterFor(check.platform).reconcile({
      account: check.account,
      content: check.content,
      progress: check.progress,
      window: check.window,
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    outcome = { status: 'unknown', reason: `Herald could not ask the platform: ${String(error)}` };
  }
  return deps.db.$transaction(async (tx) => {
    switch (outcome.status) {
      case 'published':
        return settlePublished(tx, check, outcome.post, now(), { reconciled: true });
      case 'not_published':
        return retryOrFail(
          tx,
          deps,
          check,
          { kind: 'retryable', message: NOT_PUBLISHED, platformCode: 'reconciled' },
          now(),
        );
      case 'unknown':
        return settleUnresolved(tx, check, outcome.reason);
    }
  });
}
