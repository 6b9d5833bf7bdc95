// Reconcile never throws: a platform that errs while Herald asks about a lost answer is itself
// an answer — "unknown", with why — and a person decides (docs/decisions/0013).
import type { ReconcileOutcome, ReconcileRequest } from './types.ts';

/** `reconcile`, with any failure turned into `unknown` naming the platform and the reason. */
export function unknownOnFailure(
  platform: string,
  reconcile: (request: ReconcileRequest) => Promise<ReconcileOutcome>,
): (request: ReconcileRequest) => Promise<ReconcileOutcome> {
  return async (request) => {
    try {
      return await reconcile(request);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { status: 'unknown', reason: `Herald could not check ${platform}: ${reason}` };
    }
  };
}
