// What must hold before Herald spends a platform call on a target. A failed check ends the
// attempt with a sentence a person can act on, and the platform never hears of it.
import { captionProblems } from './platform-rules.ts';
import { PLATFORM_LABELS, type Platform } from './platforms.ts';
import { isAccountUsable, type SocialAccountStatus } from './social-accounts.ts';

export interface PublishPrerequisites {
  platform: Platform;
  accountHandle: string;
  accountStatus: SocialAccountStatus;
  /** When the platform said the access token stops working; null when it did not say. */
  tokenExpiresAt: Date | null;
  caption: string;
  now: Date;
}

/** `auth` problems need the account reconnected; `content` ones need the post changed. */
export interface PrerequisiteProblem {
  kind: 'auth' | 'content';
  message: string;
}

/** The first thing that stops this publish, or null when it may go ahead. */
export function publishPrerequisiteProblem(p: PublishPrerequisites): PrerequisiteProblem | null {
  if (!isAccountUsable(p.accountStatus)) {
    return {
      kind: 'auth',
      message: `${p.accountHandle} needs to be reconnected before Herald can post to it.`,
    };
  }
  if (p.tokenExpiresAt && p.tokenExpiresAt.getTime() <= p.now.getTime()) {
    return {
      kind: 'auth',
      message: `The ${PLATFORM_LABELS[p.platform]} access for ${p.accountHandle} expired on ${p.tokenExpiresAt.toISOString().slice(0, 10)}. Reconnect the account to post again.`,
    };
  }
  const problems = captionProblems(p.platform, p.caption);
  if (problems.length > 0) return { kind: 'content', message: problems.join(' ') };
  return null;
}
