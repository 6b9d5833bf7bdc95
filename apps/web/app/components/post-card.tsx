import { canTarget, PLATFORM_LABELS, type TargetStatus } from '@herald/core/domain';
import { useState } from 'react';
import { formatInZone } from '../lib/format.ts';
import { trpc, type PostView, type TargetView } from '../lib/trpc.ts';
import { ApiError } from './api-error.tsx';
import { ConfirmButton } from './confirm-button.tsx';
import { MarkPublishedForm } from './mark-published-form.tsx';
import { RescheduleForm } from './reschedule-form.tsx';
import { StatusBadge } from './status-badge.tsx';

interface Props {
  post: PostView;
  timeZone: string;
  canWrite: boolean;
}

/** How soon a rescheduled post should go out when its old time has already passed. */
const RESCHEDULE_LEAD_MS = 5 * 60_000;

/** The time form open on the card: moving the post's time, or scheduling its drafts. */
type TimeForm = { kind: 'reschedule' | 'schedule'; from: Date };

export function PostCard({ post, timeZone, canWrite }: Props) {
  const utils = trpc.useUtils();
  const [timeForm, setTimeForm] = useState<TimeForm | null>(null);
  const refresh = { onSuccess: () => utils.posts.list.invalidate({ clientId: post.clientId }) };
  const cancel = trpc.posts.cancel.useMutation(refresh);
  const publishNow = trpc.posts.publishNow.useMutation(refresh);
  const unschedule = trpc.posts.unschedule.useMutation(refresh);
  const statuses = post.targets.map((t) => t.status);
  const cancellable = statuses.some((s) => canTarget(s, 'cancel'));
  // A draft's time is changed by scheduling it; Reschedule is for what is (or was) queued.
  const reschedulable = statuses.some((s) => s !== 'draft' && canTarget(s, 'reschedule'));
  const schedulable = statuses.some((s) => canTarget(s, 'schedule'));
  const unschedulable = statuses.some((s) => canTarget(s, 'unschedule'));
  const publishable = statuses.some((s) => canTarget(s, 'schedule') || canTarget(s, 'reschedule'));
  const formStillApplies = timeForm?.kind === 'schedule' ? schedulable : reschedulable;
  const postError = cancel.error ?? publishNow.error ?? unschedule.error;
  const captionId = `post-${post.id}-caption`;

  function openTimeForm(kind: TimeForm['kind']) {
    // The current time if it is still ahead, else a few minutes from now.
    const current = post.targets[0]?.scheduledFor;
    const soon = new Date(Date.now() + RESCHEDULE_LEAD_MS);
    setTimeForm({ kind, from: current && current > soon ? current : soon });
  }

  /** One post-wide action at a time: a new one clears the last one's error. */
  function run(action: () => void) {
    for (const m of [cancel, publishNow, unschedule]) m.reset();
    action();
  }

  return (
    <article className="card post" aria-labelledby={captionId} data-post-id={post.id}>
      <p className="caption" id={captionId}>
        {post.caption}
      </p>
      {post.media.length > 0 ? (
        <p className="post-media muted">
          {post.media.length === 1 ? '1 file: ' : `${post.media.length} files: `}
          {post.media.map((m) => m.name).join(', ')}
        </p>
      ) : null}
      <ul className="targets">
        {post.targets.map((target) => (
          <TargetRow
            key={target.id}
            target={target}
            clientId={post.clientId}
            timeZone={timeZone}
            canWrite={canWrite}
          />
        ))}
      </ul>
      {postError ? <ApiError error={postError} /> : null}
      {canWrite && timeForm && !formStillApplies ? (
        // The worker moved on while the form was open: saving would only be refused.
        <div className="notice row" role="status">
          <p>{noLongerReschedulable(statuses, timeForm.kind)}</p>
          <button type="button" className="button subtle small" onClick={() => setTimeForm(null)}>
            Close
          </button>
        </div>
      ) : null}
      {canWrite && timeForm && formStillApplies ? (
        <RescheduleForm
          kind={timeForm.kind}
          postId={post.id}
          clientId={post.clientId}
          timeZone={timeZone}
          initial={timeForm.from}
          onDone={() => setTimeForm(null)}
        />
      ) : null}
      {canWrite && !timeForm && (cancellable || reschedulable || schedulable || publishable) ? (
        <div className="row post-actions">
          {schedulable ? (
            <button
              type="button"
              className="button primary small"
              onClick={() => openTimeForm('schedule')}
            >
              Schedule
            </button>
          ) : null}
          {publishable ? (
            <ConfirmButton
              tone="subtle"
              label="Publish now"
              question="Publish this post now, to every account that has not published it yet?"
              confirmLabel="Yes, publish now"
              pendingLabel="Publishing…"
              pending={publishNow.isPending}
              onConfirm={() => run(() => publishNow.mutate({ postId: post.id }))}
            />
          ) : null}
          {reschedulable ? (
            <button
              type="button"
              className="button subtle small"
              onClick={() => openTimeForm('reschedule')}
            >
              Reschedule
            </button>
          ) : null}
          {unschedulable ? (
            // Not destructive: the post keeps its time as a draft and can be scheduled again.
            <button
              type="button"
              className="button subtle small"
              disabled={unschedule.isPending}
              onClick={() => run(() => unschedule.mutate({ postId: post.id }))}
            >
              {unschedule.isPending ? 'Unscheduling…' : 'Unschedule'}
            </button>
          ) : null}
          {cancellable ? (
            <ConfirmButton
              label="Cancel"
              question="Cancel this post for every account that has not published it? This cannot be undone."
              confirmLabel="Yes, cancel it"
              pendingLabel="Cancelling…"
              pending={cancel.isPending}
              onConfirm={() => run(() => cancel.mutate({ postId: post.id }))}
            />
          ) : null}
        </div>
      ) : null}
    </article>
  );
}

function noLongerReschedulable(statuses: TargetStatus[], kind: TimeForm['kind']): string {
  if (kind === 'schedule') {
    return statuses.includes('scheduled')
      ? 'This post was scheduled meanwhile: it is no longer a draft.'
      : 'This post has no drafts left to schedule.';
  }
  if (statuses.includes('publishing')) {
    return 'This post is publishing now, so its time can no longer be changed.';
  }
  if (statuses.includes('published')) {
    return 'This post has been published, so its time can no longer be changed.';
  }
  if (statuses.includes('draft')) {
    return 'This post was unscheduled meanwhile: it is a draft now.';
  }
  return 'This post can no longer be rescheduled.';
}

function TargetRow(props: {
  target: TargetView;
  clientId: string;
  timeZone: string;
  canWrite: boolean;
}) {
  const { target, clientId, timeZone, canWrite } = props;
  const utils = trpc.useUtils();
  const [markingPublished, setMarkingPublished] = useState(false);
  const refresh = { onSuccess: () => utils.posts.list.invalidate({ clientId }) };
  const retry = trpc.posts.retryTarget.useMutation(refresh);
  const markFailed = trpc.posts.resolveTarget.useMutation(refresh);
  const status = target.status;
  const account = target.socialAccount;
  const platform = PLATFORM_LABELS[account.platform];
  const retryable = canTarget(status, 'retry_by_hand');
  const resolvable = canTarget(status, 'confirm_published');
  const error = retry.error ?? markFailed.error;
  return (
    <li className="target" data-status={status}>
      <div className="target-head">
        <span className="account-name">
          <span className="platform">{platform}</span> {account.handle}
        </span>
        <StatusBadge status={status} />
      </div>
      <dl className="target-meta">
        <div>
          <dt>{status === 'draft' ? 'Proposed for' : 'Scheduled for'}</dt>
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
      {status === 'failed' && target.hasFallbackPackage ? (
        <FallbackPackageLink targetId={target.id} />
      ) : null}
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
      {target.whatToCheck ? <p className="what-to-check">{target.whatToCheck}</p> : null}
      {status === 'published' && target.externalUrl ? (
        <a className="view-link" href={target.externalUrl} target="_blank" rel="noreferrer">
          View post
        </a>
      ) : null}
      {error ? <ApiError error={error} /> : null}
      {canWrite && markingPublished && resolvable ? (
        <MarkPublishedForm
          targetId={target.id}
          clientId={clientId}
          platformLabel={platform}
          onDone={() => setMarkingPublished(false)}
        />
      ) : null}
      {canWrite && !markingPublished && (retryable || resolvable) ? (
        <div className="row target-actions">
          {retryable ? (
            <button
              type="button"
              className="button primary small"
              disabled={retry.isPending}
              onClick={() => {
                markFailed.reset();
                retry.mutate({ targetId: target.id });
              }}
            >
              {retry.isPending ? 'Retrying…' : 'Retry'}
            </button>
          ) : null}
          {resolvable ? (
            <>
              <button
                type="button"
                className="button subtle small"
                onClick={() => {
                  retry.reset();
                  markFailed.reset();
                  setMarkingPublished(true);
                }}
              >
                Mark as published
              </button>
              <ConfirmButton
                label="Mark as failed"
                question={`Mark it failed? Only if the post is not on ${account.handle}: Herald will not try again on its own.`}
                confirmLabel="Yes, it failed"
                pendingLabel="Saving…"
                pending={markFailed.isPending}
                onConfirm={() => {
                  retry.reset();
                  markFailed.mutate({ targetId: target.id, resolution: 'failed' });
                }}
              />
            </>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}

/** The failed target's package (each platform's caption and the media) to post by hand. */
function FallbackPackageLink({ targetId }: { targetId: string }) {
  const utils = trpc.useUtils();
  const [error, setError] = useState<string | null>(null);
  async function download() {
    setError(null);
    try {
      const { url } = await utils.media.fallbackPackageUrl.fetch({ targetId });
      window.location.assign(url);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }
  return (
    <p className="fallback-package">
      <button type="button" className="button subtle small" onClick={() => void download()}>
        Download to post by hand
      </button>{' '}
      <span className="muted">Caption and media in one zip.</span>
      {error ? (
        <span className="field-error" role="alert">
          {' '}
          {error}
        </span>
      ) : null}
    </p>
  );
}
