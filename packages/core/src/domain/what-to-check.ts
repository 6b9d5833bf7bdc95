// What a person should look for when Herald cannot tell whether a post went out
// (an `unconfirmed` target): shown in the notification and beside the target's buttons.
import { PLATFORM_LABELS, type Platform } from './platforms.ts';
import { toZonedLocal } from './zoned-time.ts';

/** The sentence that tells a person how to settle an unconfirmed target. */
export function whatToCheck(attempt: {
  platform: Platform;
  accountHandle: string;
  scheduledTimezone: string;
  window: { from: Date };
}): string {
  const at = toZonedLocal(attempt.window.from, attempt.scheduledTimezone)
    .slice(0, 16)
    .replace('T', ' ');
  return `Open ${attempt.accountHandle} on ${PLATFORM_LABELS[attempt.platform]} and look for the post around ${at} (${attempt.scheduledTimezone}): if it is there, mark it published with its link; if not, retry it.`;
}
