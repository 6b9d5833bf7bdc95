// The activity feed's sentences: what an action in activity_events means to a person.

const SENTENCES: Record<string, string> = {
  'post.cancelled': 'cancelled a post',
  'post.draft_scheduled': 'scheduled a draft',
  'post.published_now': 'published a post now',
  'post.rescheduled': 'rescheduled a post',
  'post.unscheduled': 'unscheduled a post',
  'target.deferred': 'post deferred by a platform limit',
  'target.failed': 'post failed',
  'target.media_changed': 'changed a post’s media',
  'target.published': 'post published',
  'target.reconciling': 'checking whether a post went out',
  'target.resolved': 'resolved a post by hand',
  'target.retried': 'retried a post',
  'target.retry_scheduled': 'post will be retried',
  'target.settings_changed': 'changed a post’s settings',
  'target.settle_skipped': 'post outcome already settled',
  'target.unconfirmed': 'post could not be confirmed',
  'target.waiting_for_account': 'post waits for its account',
  'account.targets_resumed': 'account reconnected; its posts resumed',
  'account.token_refreshed': 'account access renewed',
  'media.deleted': 'deleted a media file',
  'media.uploaded': 'uploaded a media file',
  'user.sign_in_locked': 'sign-in locked after failed attempts',
};

/** A short sentence for an action; an unknown one is shown as it is stored, readably. */
export function describeActivity(action: string): string {
  return SENTENCES[action] ?? action.replaceAll(/[._]/g, ' ');
}
