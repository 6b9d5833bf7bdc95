import { canTarget, PLATFORM_LABELS, type TargetStatus } from '@herald/core/domain';
import { useState } from 'react';
import { formatInZone } from '../lib/format.ts';
import { trpc, type PostView, type TargetView } from '../lib/trpc.ts';
import { ApiError } from './api-error.tsx';
import { RescheduleForm } from './reschedule-form.tsx';
import { StatusBadge } from './status-badge.tsx';

interface Props {
  post: PostView;
  timeZone: string;
  canWrite: boolean;
}

/** How soon a rescheduled post should go out when its old time has already passed. */
const RESCHEDULE_LEAD_MS = 5 * 60_000;

export function PostCard({ post, timeZone, canWrite }: Props) {
  const utils = trpc.useUtils();
  /** Where the reschedule inputs start, while that form is open. */
  const [rescheduleFrom, setRescheduleFrom] = useState<Date | null>(null);
  const cancel = trpc.posts.cancel.useMutation({
    onSuccess: () => utils.posts.list.invalidate({ clientId: post.clientId }),
  });
  const statuses = post.targets.map((t) => t.status);
  const cancellable = statuses.some((s) => canTarget(s, 'cancel'));
  const reschedulable = statuses.some((s) => canTarget(s, 'reschedule'));
  const captionId = `post-${post.id}-caption`;

  function openReschedule() {
    // The current time if it is still ahead, else a few minutes from now.
    const current = post.targets[0]?.scheduledFor;
    const soon = new Date(Date.now() + RESCHEDULE_LEAD_MS);
    setRescheduleFrom(current && current > soon ? current : soon);
  }

  return (
    <article className="card post" aria-labelledby={captionId} data-post-id={post.id}>
      <p className="caption" id={captionId}>
        {post.caption}
      </p>
      <ul className="targets">
        {post.targets.map((target) => (
          <TargetRow key={target.id} target={target} timeZone={timeZone} />
        ))}
      </ul>
      {cancel.error ? <ApiError error={cancel.error} /> : null}
      {canWrite && rescheduleFrom && !reschedulable ? (
        // The worker moved on while the form was open: saving would only be refused.
        <div className="notice row" role="status">
          <p>{noLongerReschedulable(statuses)}</p>
          <button
            type="button"
            className="button subtle small"
            onClick={() => setRescheduleFrom(null)}
          >
            Close
          </button>
        </div>
      ) : null}
      {canWrite && rescheduleFrom && reschedulable ? (
        <RescheduleForm
          postId={post.id}
          clientId={post.clientId}
          timeZone={timeZone}
          initial={rescheduleFrom}
          onDone={() => setRescheduleFrom(null)}
        />
      ) : null}
      {canWrite && (cancellable || reschedulable) && !rescheduleFrom ? (
        <div className="row post-actions">
          {reschedulable ? (
            <button type="button" className="button subtle small" onClick={openReschedule}>
              Reschedule
            </button>
          ) : null}
          {cancellable ? (
            <button
              type="button"
              className="button danger small"
              disabled={cancel.isPending}
              onClick={() => cancel.mutate({ postId: post.id })}
            >
              {cancel.isPending ? 'Cancelling…' : 'Cancel'}
            </button>
          ) : null}
        </div>
      ) : null}
    </article>
  );
}

function noLongerReschedulable(statuses: TargetStatus[]): string {
  if (statuses.includes('publishing')) {
    return 'This post is publishing now, so its time can no longer be changed.';
  }
  if (statuses.includes('published')) {
    return 'This post has been published, so its time can no longer be changed.';
  }
  return 'This post can no longer be rescheduled.';
}

function TargetRow({ target, timeZone }: { target: TargetView; timeZone: string }) {
  const status = target.status;
  const account = target.socialAccount;
  return (
    <li className="target" data-status={status}>
      <div className="target-head">
        <span className="account-name">
          <span className="platform">{PLATFORM_LABELS[account.platform]}</span> {account.handle}
        </span>
        <StatusBadge status={status} />
      </div>
      <dl className="target-meta">
        <div>
          <dt>Scheduled for</dt>
          <dd>
            <time dateTime={target.scheduledFor.toISOString()}>
              {formatInZone(target.scheduledFor, timeZone)}
            </time>
          </dd>
        </div>
        {target.publishedAt ? (
          <div>
            <dt>Published</dt>
            <dd>
              <time dateTime={target.publishedAt.toISOString()}>
                {formatInZone(target.publishedAt, timeZone)}
              </time>
            </dd>
          </div>
        ) : null}
        <div>
          <dt>Attempts</dt>
          <dd>{target.attemptCount}</dd>
        </div>
      </dl>
      {target.lastError ? (
        <p className="target-error">
          {target.lastError}
          {status === 'scheduled' && target.nextAttemptAt ? (
            <>
              {' '}
              Retrying at{' '}
              <time dateTime={target.nextAttemptAt.toISOString()}>
                {formatInZone(target.nextAttemptAt, timeZone)}
              </time>
              .
            </>
          ) : null}
        </p>
      ) : null}
      {status === 'published' && target.externalUrl ? (
        <a className="view-link" href={target.externalUrl} target="_blank" rel="noreferrer">
          View post
        </a>
      ) : null}
    </li>
  );
}
